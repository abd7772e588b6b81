"""The no-change shortcut: a build whose inputs carry the stamps of the last one does no work at all,
yet reports what that build reported; any touched input, changed option or passing clock lifts it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, copy_site, tree_bytes, write_story

from beatgen.engine.cache import Cache
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.state import BuildState

NOW = "2026-12-01T00:00:00Z"
STORY = "content/stories/2026/03/hamas-urges-iran.md"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    site = copy_site("sample", tmp_path / "site")
    story = site / STORY
    story.write_text(story.read_text().replace("impact: 8\n", "impact: 8\ncolour: red\n", 1))
    return site


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the times a build loads the cache's parsed models (what the shortcut avoids)."""
    counted: list[int] = []
    real = Cache.load

    def counting(self: Cache) -> BuildState:
        counted.append(1)
        return real(self)

    monkeypatch.setattr(Cache, "load", counting)
    return counted


def options(site: Path, **extra: object) -> BuildOptions:
    return BuildOptions(**{"site_dir": site, "output_dir": site / "public", "now": NOW, **extra})  # type: ignore[arg-type]


def test_a_build_with_no_change_loads_nothing_and_reports_what_the_last_one_did(sample: Path,
                                                                                loads: list[int]) -> None:
    first = build(options(sample))
    assert [d.code for d in first.diagnostics if d.file == STORY] == ["unknown-key"]
    before = tree_bytes(sample / "public")
    again = build(options(sample, jobs=1))
    assert len(loads) == 1
    assert (again.files_written, again.pages_rendered) == (0, 0)
    assert again.files_unchanged == first.files_written + first.files_unchanged
    assert (again.stories, again.pages, again.diagnostics) == (first.stories, first.pages, first.diagnostics)
    assert tree_bytes(sample / "public") == before


def test_a_touched_file_a_changed_option_or_a_damaged_output_lifts_the_shortcut(sample: Path,
                                                                                 loads: list[int]) -> None:
    build(options(sample))
    layout = sample / "layouts" / "glossary.html"
    stat = layout.stat()
    os.utime(layout, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    touched = build(options(sample))
    assert len(loads) == 2
    assert touched.files_written == 0

    with_drafts = build(options(sample, drafts=True))
    assert len(loads) == 3
    assert with_drafts.stories == touched.stories + 1

    build(options(sample))
    (sample / "public" / "about" / "index.html").unlink()
    repaired = build(options(sample))
    assert len(loads) == 5
    assert repaired.files_written == 1
    assert (sample / "public" / "about" / "index.html").is_file()


def test_a_scheduled_story_comes_out_once_the_clock_passes_its_date(sample: Path, loads: list[int],
                                                                    beatgen: Callable[..., Run]) -> None:
    write_story(sample, "scheduled-briefing", "2026-12-05T08:00:00Z", topics=["space"])
    page = sample / "public" / "stories" / "2026" / "12" / "scheduled-briefing" / "index.html"
    build(options(sample))
    build(options(sample, now="2026-12-05T07:59:59Z"))
    assert len(loads) == 1
    assert not page.exists()

    later = build(options(sample, now="2026-12-05T08:00:00Z"))
    assert len(loads) == 2
    assert later.files_written > 1
    assert page.is_file()
    clean = beatgen("build", "--source", sample, "--output", sample / "clean", "--now", "2026-12-05T08:00:00Z",
                    "--no-cache", "--quiet")
    assert clean.code == 0, clean.err
    assert tree_bytes(sample / "public") == tree_bytes(sample / "clean")


def test_turning_the_search_index_on_indexes_an_output_built_without_it(sample: Path) -> None:
    build(options(sample, search=False))
    assert not (sample / "public" / "pagefind").exists()
    again = build(options(sample))
    assert again.files_written == 0
    assert (sample / "public" / "pagefind" / "shards.json").is_file()


def test_a_preview_keeps_its_fast_path_while_the_clock_moves_and_drops_a_banner_when_it_passes(sample: Path) -> None:
    write_story(sample, "scheduled-briefing", "2026-12-05T08:00:00Z", topics=["space"])
    page = sample / "public" / "stories" / "2026" / "12" / "scheduled-briefing" / "index.html"
    state = BuildState()
    build(options(sample, preview=True, future=True), state=state)
    assert "Scheduled" in page.read_text()
    later = build(options(sample, preview=True, future=True, now="2026-12-02T00:00:00Z"), state=state)
    assert later.pages_rendered == 0
    passed = build(options(sample, preview=True, future=True, now="2026-12-05T08:00:00Z"), state=state)
    assert passed.files_written >= 1
    assert "Scheduled" not in page.read_text()
    fresh = build(options(sample, preview=True, future=True, now="2026-12-05T08:00:00Z", output_dir=sample / "clean"))
    assert fresh.pages == passed.pages
    assert tree_bytes(sample / "public") == tree_bytes(sample / "clean")
