"""The benchmark's figures as a terminal table and as the Markdown table the README embeds, with the
budgets the scale work set, each marked met or missed.

A run's results are `{stories: {row label: Row}}`; a label names a scenario, with " + search" when the
build made the search index; the peers' rows are "<peer> cold", the preview's "serve: <kind> save".
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SEARCH = " + search"
SCENARIOS = ("cold", "cold, filling cache", "warm, no change", "one story edited", "one layout edited")
"""Each built without the search index (as the peers build none) and with it (the default build)."""
PEER_NAMES = {"hugo": "Hugo", "eleventy": "Eleventy", "pelican": "Pelican"}
SAVE_KINDS = {"text": "text edited", "date": "date changed", "topic": "topics changed"}
README_START = "<!-- bench table: written by bench/run.py --update-readme -->"
README_END = "<!-- end of bench table -->"


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


Results = dict[int, dict[str, Row]]


@dataclass(frozen=True)
class Kept:
    """Figures gathered size by size, perhaps over several runs of the bench, with the command of each."""

    results: Results
    commands: dict[int, list[str]]

    def run_by(self) -> str:
        """The commands that measured the table, in order of size, each once."""
        commands = dict.fromkeys(command for stories in sorted(self.results) for command in self.commands[stories])
        return " and ".join(f"`{command}`" for command in commands)


def dump_results(kept: Kept) -> str:
    return json.dumps({str(stories): {"commands": kept.commands[stories],
                                      "rows": {label: [[s.seconds, s.largest_kb, s.summed_kb, s.written]
                                                       for s in row.samples] for label, row in rows.items()}}
                       for stories, rows in kept.results.items()}, indent=1) + "\n"


def load_results(path: Path) -> Kept:
    data = json.loads(path.read_text(encoding="utf-8"))
    results = {int(stories): {label: Row(label, [Sample(*sample) for sample in samples])
                              for label, samples in entry["rows"].items()} for stories, entry in data.items()}
    return Kept(results, {int(stories): entry["commands"] for stories, entry in data.items()})


@dataclass(frozen=True)
class Budget:
    """A figure the issue asks for: `limit` is the largest allowed value of `measured`, both from the
    results (None when the run lacks what either needs, e.g. Hugo was not timed)."""

    stories: int
    label: str
    text: str
    measured: Callable[[Results], float | None]
    limit: Callable[[Results], float | None]

    def verdict(self, results: Results) -> str:
        measured, limit = self.measured(results), self.limit(results)
        if measured is None or limit is None:
            return f"{self.text}: not measured"
        return f"{self.text}: {'met' if measured < limit else '**missed**'}"


def seconds(stories: int, label: str) -> Callable[[Results], float | None]:
    """The median wall time of one row of the run, if it has that row."""
    def read(results: Results) -> float | None:
        row = results.get(stories, {}).get(label)
        return row.median("seconds") if row and row.samples else None
    return read


def memory(stories: int, label: str, name: str) -> Callable[[Results], float | None]:
    def read(results: Results) -> float | None:
        row = results.get(stories, {}).get(label)
        return row.median(name) / 1024 if row and row.samples else None
    return read


def times(factor: float, figure: Callable[[Results], float | None]) -> Callable[[Results], float | None]:
    def read(results: Results) -> float | None:
        value = figure(results)
        return None if value is None else factor * value
    return read


def fixed(value: float) -> Callable[[Results], float | None]:
    return lambda results: value


HUGE = 100_000
DEFAULT_COLD = "cold, filling cache" + SEARCH
BUDGETS = (
    Budget(10_000, "cold", "≤ 1.2× Hugo", seconds(10_000, "cold"), times(1.2, seconds(10_000, "hugo cold"))),
    Budget(10_000, "one story edited" + SEARCH, "with search < 3 s", seconds(10_000, "one story edited" + SEARCH),
           fixed(3.0)),
    Budget(10_000, "one layout edited" + SEARCH, "with search < 5 s",
           seconds(10_000, "one layout edited" + SEARCH), fixed(5.0)),
    Budget(10_000, "serve: text save", "< 300 ms", seconds(10_000, "serve: text save"), fixed(0.3)),
    Budget(10_000, "serve: date save", "< 1 s", seconds(10_000, "serve: date save"), fixed(1.0)),
    Budget(10_000, "serve: topic save", "< 1 s", seconds(10_000, "serve: topic save"), fixed(1.0)),
    Budget(HUGE, DEFAULT_COLD, "≤ 10.5× 10,000's", seconds(HUGE, DEFAULT_COLD),
           times(10.5, seconds(10_000, DEFAULT_COLD))),
    Budget(HUGE, DEFAULT_COLD, "largest < 1.5 GB", memory(HUGE, DEFAULT_COLD, "largest_kb"), fixed(1.5 * 1024)),
    Budget(HUGE, DEFAULT_COLD, "summed < 3 GB", memory(HUGE, DEFAULT_COLD, "summed_kb"), fixed(3 * 1024)),
    Budget(HUGE, "one story edited" + SEARCH, "with search < 6 s", seconds(HUGE, "one story edited" + SEARCH),
           fixed(6.0)),
    Budget(HUGE, "serve: text save", "< 1 s", seconds(HUGE, "serve: text save"), fixed(1.0)),
)


def wall(value: float) -> str:
    """Seconds with two significant figures below 10 s, whole tenths below 100 s, whole seconds above."""
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


def size(mb: float) -> str:
    return f"{mb:.0f} MB" if mb < 1024 else f"{mb / 1024:.1f} GB"


def cell(row: Row | None) -> str:
    """`28.9 s · 411 / 706 MB`: median wall time, then largest process / summed over processes."""
    if row is None or not row.samples:
        return "—"
    text = wall(row.median("seconds"))
    largest, summed = row.median("largest_kb") / 1024, row.median("summed_kb") / 1024
    if summed and (largest < 1024) == (summed < 1024):
        return f"{text} · {size(largest).split()[0]} / {size(summed)}"
    if summed:
        return f"{text} · {size(largest)} / {size(summed)}"
    return f"{text} · {size(largest)}" if largest else text


def _budgets(stories: int, labels: tuple[str, ...], results: Results) -> str:
    return "; ".join(b.verdict(results) for b in BUDGETS if b.stories == stories and b.label in labels)


def markdown(results: Results) -> str:
    """One table for every size: beatgen's scenarios without and with the search index, the peers'
    cold builds with beatgen's ratio to each, the preview's saves, and the budgets."""
    lines = ["| stories | build | without search | with search | budget |", "|---|---|---|---|---|"]
    for stories, rows in results.items():
        lines += _markdown_rows(stories, rows, results)
    return "\n".join(lines) + "\n"


def _markdown_rows(stories: int, rows: dict[str, Row], results: Results) -> list[str]:
    lines = []
    for scenario in SCENARIOS:
        plain, searched = rows.get(scenario), rows.get(scenario + SEARCH)
        if plain or searched:
            lines.append(f"| {stories:,} | {scenario} | {cell(plain)} | {cell(searched)} | "
                         f"{_budgets(stories, (scenario, scenario + SEARCH), results)} |")
    cold = rows.get("cold")
    for peer, name in PEER_NAMES.items():
        if row := rows.get(f"{peer} cold"):
            ratio = f" (beatgen {cold.median('seconds') / row.median('seconds'):.2f}×)" if cold else ""
            lines.append(f"| {stories:,} | {name}, cold | {cell(row)}{ratio} | — | |")
    for kind, what in SAVE_KINDS.items():
        if row := rows.get(f"serve: {kind} save"):
            lines.append(f"| {stories:,} | `serve`, save to visible: {what} (median of {len(row.samples)}) | — | "
                         f"{cell(row)} | {_budgets(stories, (row.label,), results)} |")
        if kind != "text" and (row := rows.get(f"serve: {kind} save, whole rebuild")):
            lines.append(f"| {stories:,} | `serve`, {what}: the whole site rebuilt after the first look "
                         f"(median of {len(row.samples)}) | — | {row.median('seconds'):.2f} s | |")
    return lines


def terminal(stories: int, rows: dict[str, Row]) -> str:
    """The size's rows as the run prints them: wall seconds, memory in MB and files written."""
    lines = [f"\n{stories:,} stories",
             f"{'build':<32}{'wall s':>9}{'largest MB':>12}{'summed MB':>11}{'written':>9}{'runs':>6}"]
    for row in rows.values():
        lines.append(f"{row.label:<32}{row.median('seconds'):>9.3f}{row.median('largest_kb') / 1024:>12.0f}"
                     f"{row.median('summed_kb') / 1024:>11.0f}{row.median('written'):>9.0f}{len(row.samples):>6}")
    cold = rows.get("cold")
    for peer in PEER_NAMES:
        if cold and (row := rows.get(f"{peer} cold")):
            lines.append(f"beatgen cold ÷ {peer} cold: {cold.median('seconds') / row.median('seconds'):.2f}")
    return "\n".join(lines)


def update_readme(readme: str, table: str, commands: str) -> str:
    """The README with the text between the bench table's markers replaced by this run's table."""
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(readme):
        raise SystemExit(f"README.md has no bench table markers ({README_START} ... {README_END})")
    body = f"{README_START}\nMeasured with {commands}:\n\n{table}{README_END}"
    return pattern.sub(lambda match: body, readme, count=1)
