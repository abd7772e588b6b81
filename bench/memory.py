"""Where a cold build's memory goes: each process's resident and proportional set sizes over time, by stage.

    python bench/memory.py SITE [--jobs N] [--no-search] [--trace FILE] [--timeline FILE]

Builds SITE cold (its output, spare and cache set aside first) in a child process that marks when each
stage starts and ends (prepare, pages, verify, search, publish, cache), while this process samples every
process of the build from /proc (the sampler of `run.py`). Prints, per stage, the largest process's peak
resident set and the peak of the summed proportional set size, with the builder's, the workers' and
Pagefind's shares. `--trace FILE` also takes a tracemalloc snapshot of the builder at each stage's end
(slow: for the breakdown by source line, not for the figures), written to FILE with the top lines.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from run import NOW, _memory_kb, _tree, clean, empty_trash

STAGES = ("load", "prepare", "pages", "verify", "search", "publish", "save")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--trace", type=Path, help="tracemalloc's top lines at each stage's end, as JSON")
    parser.add_argument("--timeline", type=Path, help="every sample, as JSON lines")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
    else:
        sample(args)


def sample(args: argparse.Namespace) -> None:
    """Run the build in a child process and sample it; print the peaks per stage."""
    clean(args.site)
    marks = args.site / ".memory-marks"
    marks.unlink(missing_ok=True)
    command = [sys.executable, __file__, str(args.site), "--child", "--jobs", str(args.jobs),
               *(["--no-search"] if args.no_search else []), *(["--trace", str(args.trace)] if args.trace else [])]
    started = time.perf_counter()
    proc = subprocess.Popen(command, env={**os.environ, "MEMORY_MARKS": str(marks)})
    samples = []
    while proc.poll() is None:
        samples.append(_sample(proc.pid, time.perf_counter() - started))
        time.sleep(0.1)
    empty_trash(args.site.parent)
    if proc.returncode != 0:
        raise SystemExit(f"the build failed ({proc.returncode})")
    stages = [json.loads(line) for line in marks.read_text().splitlines()]
    marks.unlink()
    if args.timeline:
        args.timeline.write_text("".join(json.dumps(s) + "\n" for s in samples))
    report(samples, stages, time.perf_counter() - started)


def _sample(root: int, at: float) -> dict[str, object]:
    """Each process of the build: its role (builder, worker, pagefind), resident and proportional sizes (kB)."""
    processes = []
    for pid in _tree(root):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                command = handle.read().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        role = "builder" if pid == root else "pagefind" if "pagefind" in command else \
            "other" if "python" not in command else "worker"
        processes.append((role, _memory_kb(pid, "VmRSS:"), _memory_kb(pid, "Pss:", "smaps_rollup")))
    return {"t": round(at, 2), "processes": processes}


def report(samples: list[dict[str, object]], stages: list[dict[str, object]], seconds: float) -> None:
    print(f"wall {seconds:.1f} s")
    print(f"{'stage':<10} {'s':>6} {'largest RSS':>12} {'summed PSS':>11} {'builder':>8} {'workers':>8} "
          f"{'n':>2} {'pagefind':>9}")
    spans = [(m["stage"], m["start"], m["end"]) for m in stages]
    spans.append(("whole", 0.0, float("inf")))
    for name, start, end in spans:
        inside = [s for s in samples if start <= s["t"] <= end]  # type: ignore[operator]
        if not inside:
            continue
        largest = max(max((p[1] for p in s["processes"]), default=0) for s in inside)  # type: ignore[attr-defined]
        top = max(inside, key=lambda s: sum(p[2] for p in s["processes"]))  # type: ignore[attr-defined]
        parts = {role: sum(p[2] for p in top["processes"] if p[0] == role)  # type: ignore[attr-defined]
                 for role in ("builder", "worker", "pagefind")}
        workers = sum(p[0] == "worker" for p in top["processes"])  # type: ignore[attr-defined]
        print(f"{name:<10} {(min(end, seconds) - start):>6.1f} {largest / 1024:>9.0f} MB "
              f"{sum(parts.values()) / 1024:>8.0f} MB {parts['builder'] / 1024:>5.0f} MB "
              f"{parts['worker'] / 1024:>5.0f} MB {workers:>2} {parts['pagefind'] / 1024:>6.0f} MB")


def child(args: argparse.Namespace) -> None:
    """The build, its stages marked (and traced, with --trace)."""
    import tracemalloc

    from beatgen.engine import cache, pipeline, publish
    from beatgen.engine.output import Staging
    from beatgen.engine.pages import PageRenderer
    from beatgen.engine.prepared import BuildOptions

    started = time.perf_counter()
    marks = open(os.environ["MEMORY_MARKS"], "a", buffering=1)  # noqa: SIM115 - open for the whole build
    traced: list[dict[str, object]] = []
    if args.trace:
        tracemalloc.start(1)

    def marked(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            start = time.perf_counter() - started
            try:
                return fn(*a, **k)
            finally:
                marks.write(json.dumps({"stage": name, "start": start, "end": time.perf_counter() - started}) + "\n")
                if args.trace:
                    traced.append(_snapshot(name, tracemalloc.take_snapshot()))
        return wrapper

    cache.Cache.load = marked("load", cache.Cache.load)
    pipeline.prepare = marked("prepare", pipeline.prepare)
    PageRenderer.render_all = marked("pages", PageRenderer.render_all)
    pipeline.verify_pages = marked("verify", pipeline.verify_pages)
    publish.stage_index = marked("search", publish.stage_index)
    Staging.commit = marked("publish", Staging.commit)
    cache.Cache.save = marked("save", cache.Cache.save)
    options = BuildOptions(args.site, args.site / "public", now=NOW, jobs=args.jobs, search=not args.no_search)
    result = pipeline.build(options)
    print(f"{result.stories} stories, {result.pages} pages, {time.perf_counter() - started:.1f} s", flush=True)
    if args.trace:
        args.trace.write_text(json.dumps(traced, indent=1))


def _snapshot(stage: str, snapshot: object) -> dict[str, object]:
    import tracemalloc

    assert isinstance(snapshot, tracemalloc.Snapshot)
    stats = snapshot.statistics("lineno")
    total = sum(s.size for s in stats)
    top = [{"where": f"{s.traceback[0].filename.split('site-packages/')[-1].split('src/')[-1]}:"
                     f"{s.traceback[0].lineno}", "MB": round(s.size / 2**20, 1), "count": s.count}
           for s in stats[:25]]
    return {"stage": stage, "MB": round(total / 2**20, 1), "top": top}


if __name__ == "__main__":
    main()
