"""`make bench` runs: the benchmark builds a tiny generated corpus through every scenario, times saves in
`serve` through Chromium, and writes its table; its formatting, budgets and README splice hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import REPO

sys.path.insert(0, str(REPO / "bench"))
from report import (  # noqa: E402 - the benchmark's own modules, beside the repository's tests
    README_END,
    README_START,
    Kept,
    Row,
    Sample,
    cell,
    dump_results,
    load_results,
    markdown,
    terminal,
    update_readme,
    wall,
)
from savebench import saved_text, story_url  # noqa: E402

SCENARIOS = ("cold, filling cache", "warm, no change", "one story edited", "one layout edited")
ROWS = ("cold", *SCENARIOS, *(f"{name} + search" for name in SCENARIOS),
        "serve: text save", "serve: date save", "serve: topic save")


def test_bench_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    table = tmp_path / "table.md"
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "12", "--runs", "1",
                             "--saves", "1", "--work", str(tmp_path), "--markdown", str(table)],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    rows = {line[:32].strip(): line[32:].split() for line in result.stdout.splitlines() if line[:32].strip() in ROWS}
    assert set(rows) == set(ROWS)
    written = {label: int(row[3]) for label, row in rows.items()}
    assert written["cold"] > 12
    assert written["cold, filling cache"] == written["cold"] == written["cold, filling cache + search"]
    assert written["warm, no change"] == written["warm, no change + search"] == 0
    assert 0 < written["one story edited"] < written["cold"]
    assert 0 < written["one layout edited + search"] < written["cold"]
    assert all(float(row[0]) > 0 and float(row[1]) > 0 for row in rows.values())
    assert all(0 < float(rows[f"serve: {kind} save"][0]) < 60 for kind in ("text", "date", "topic"))
    lines = table.read_text().splitlines()
    assert lines[0] == "| stories | build | without search | with search | budget |"
    assert len(lines) == 2 + 5 + 3 + 2, "with the whole rebuild after a date or topic save's first look"
    assert any("date changed: the whole site rebuilt after the first look" in line for line in lines)
    stories = list((tmp_path / "corpus12" / "content" / "stories").rglob("*.md"))
    assert len(stories) == 12


def _row(label: str, *seconds: float, largest_mb: int = 400, summed_mb: int = 700) -> Row:
    return Row(label, [Sample(s, largest_mb * 1024, summed_mb * 1024) for s in seconds])


def test_the_table_gives_medians_peers_ratios_and_each_budget_met_or_missed() -> None:
    results = {10_000: {"cold": _row("cold", 30.0, 28.0, 40.0),
                        "hugo cold": _row("hugo cold", 14.0, 15.0, 20.0, largest_mb=1400, summed_mb=1450),
                        "one story edited + search": _row("one story edited + search", 2.5),
                        "one layout edited": _row("one layout edited", 6.0),
                        "serve: text save": Row("serve: text save", [Sample(s, 300 * 1024, 0)
                                                                     for s in (0.2, 0.4, 0.35, 0.5, 0.1)])}}
    lines = markdown(results).splitlines()
    assert lines[2] == "| 10,000 | cold | 30.0 s · 400 / 700 MB | — | ≤ 1.2× Hugo: **missed** |"
    assert lines[3] == "| 10,000 | one story edited | — | 2.50 s · 400 / 700 MB | with search < 3 s: met |"
    assert lines[4] == ("| 10,000 | one layout edited | 6.00 s · 400 / 700 MB | — | "
                        "with search < 5 s: not measured |")
    assert lines[5] == "| 10,000 | Hugo, cold | 15.0 s · 1.4 / 1.4 GB (beatgen 2.00×) | — | |"
    assert lines[6] == ("| 10,000 | `serve`, save to visible: text edited (median of 5) | — | 350 ms · 300 MB | "
                        "< 300 ms: **missed** |")
    assert "beatgen cold ÷ hugo cold: 2.00" in terminal(10_000, results[10_000])


def test_figures_read_at_a_glance() -> None:
    assert [wall(v) for v in (0.0423, 2.354, 28.94, 321.4)] == ["42 ms", "2.35 s", "28.9 s", "321 s"]
    assert cell(None) == "—"
    assert cell(_row("x", 100.0, largest_mb=1536, summed_mb=3072)) == "100 s · 1.5 / 3.0 GB"
    assert cell(_row("x", 100.0, largest_mb=800, summed_mb=3072)) == "100 s · 800 MB / 3.0 GB"


def test_the_readme_table_is_replaced_between_its_markers_and_nothing_else() -> None:
    readme = f"intro\n\n{README_START}\nold table\n{README_END}\n\nafter\n"
    updated = update_readme(readme, "| new |\n", "`python bench/run.py --runs 3`")
    assert updated == (f"intro\n\n{README_START}\nMeasured with `python bench/run.py --runs 3`:\n\n| new |\n"
                       f"{README_END}\n\nafter\n")
    assert update_readme(updated, "| newer |\n", "x").count("| new") == 1


def test_each_kind_of_save_adds_a_sentence_and_the_structural_ones_change_the_front_matter() -> None:
    story = 'title: "T"\ndate: 2026-09-06T12:51:09Z\ntopics: ["a", "b"]\nsources:\n  - date: 2026-09-05\n---\n\nBody.\n'
    text, token = saved_text(story, "text", 0)
    assert text == story.rstrip("\n") + f" {token}\n"
    dated, _ = saved_text(story, "date", 2)
    assert "\ndate: 2026-09-09T12:51:09Z\n" in dated and "  - date: 2026-09-05\n" in dated
    moved, _ = saved_text(story, "topic", 0)
    assert '\ntopics: ["air defense", "hypersonics"]\n' in moved
    with pytest.raises(SystemExit, match="already holds"):
        saved_text(text, "text", 0)
    assert saved_text(text, "text", 0, " of run 2")[1] == "The desk saved text edit 0 of run 2."
    site = Path("site")
    assert story_url(site, site / "content" / "stories" / "2026" / "09" / "slug.md") == "stories/2026/09/slug/"


def test_figures_kept_size_by_size_come_back_the_same(tmp_path: Path) -> None:
    kept = Kept({1_000: {"cold": _row("cold", 3.5, 3.25)}, 10_000: {"hugo cold": _row("hugo cold", 15.0)}},
                {1_000: ["python bench/run.py --sizes 1000", "python bench/run.py --sizes 1000 --runs 0"],
                 10_000: ["python bench/run.py --sizes 1000"]})
    path = tmp_path / "results.json"
    path.write_text(dump_results(kept))
    again = load_results(path)
    assert again.commands == kept.commands
    assert markdown(again.results) == markdown(kept.results)
    assert again.run_by() == "`python bench/run.py --sizes 1000` and `python bench/run.py --sizes 1000 --runs 0`"
