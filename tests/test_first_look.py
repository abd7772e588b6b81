"""`serve`'s first look at a save that moves a story: its own page alone, then the whole site.

A new date, topics or scores change where a story sits in every list, so the whole preparation must run;
before it does, `show_first` renders the saved story's page from the last build's site and puts it live.
Each test builds the sample site the way `serve` does (state in memory, the watcher's paths, the live folder
patched), and checks that the look wrote that one page with the new front matter and left every other file
alone, that the whole build after it leaves the output equal to a clean single-process build, and which
saves are not looked at first.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from test_text_edits import PAC3, Preview, in_body, in_front

from beatgen.diagnostics import BuildError
from beatgen.engine.pipeline import BuildResult, show_first
from beatgen.engine.publish import Serving

PAC3_PAGE = "stories/2026/11/pac-3-mse-production-record/index.html"


@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    from sitekit import copy_site

    return Preview(copy_site("sample", tmp_path / "site"))


def _times(output: Path) -> dict[str, int]:
    return {path.relative_to(output).as_posix(): path.stat().st_mtime_ns
            for path in output.rglob("*") if path.is_file()}


def _look(preview: Preview, rel: str, change: object) -> tuple[BuildResult | None, set[str]]:
    """Save `rel` changed, show it first; the result and the output files the look rewrote."""
    path = preview.site / rel
    assert callable(change)
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = _times(preview.options.output_dir)
    result = show_first(preview.options, preview.state, Serving(contextlib.nullcontext()), frozenset({rel}))
    after = _times(preview.options.output_dir)
    assert before.keys() == after.keys(), "a first look adds or removes no file"
    return result, {name for name, when in after.items() if before[name] != when}


def _page(preview: Preview, rel: str) -> BeautifulSoup:
    return BeautifulSoup((preview.options.output_dir / rel).read_text(encoding="utf-8"), "html.parser")


def _new_day(text: str) -> str:
    return re.sub(r"^date: (\d{4}-\d\d)-\d\d", r"date: \1-03", text, count=1, flags=re.MULTILINE)


def test_a_new_date_shows_the_story_page_first_then_the_whole_site_equals_a_clean_build(preview: Preview) -> None:
    result, rewritten = _look(preview, PAC3, lambda text: in_body(_new_day(text), "Moved to the third. "))
    assert result is not None and result.pages_rendered == 1, result
    assert rewritten == {PAC3_PAGE}, "only the saved story's page goes live first"
    page = _page(preview, PAC3_PAGE)
    assert "Moved to the third." in page.get_text()
    assert page.find("time", attrs={"datetime": re.compile(r"^2026-11-03")}) is not None
    whole = preview.save((PAC3,))
    assert whole.patched == 0 and whole.pages_rendered > 1, "the whole build follows and moves the lists"
    assert not preview.differences()


def test_new_topics_and_scores_show_first_and_the_next_text_save_is_patched(preview: Preview) -> None:
    result, rewritten = _look(preview, PAC3, lambda text: in_front(
        in_front(text, "topics: [air-defense, procurement]", "topics: [space-launch]"), "impact: 7", "impact: 9"))
    assert result is not None and rewritten == {PAC3_PAGE}
    chips = {a.get_text(strip=True) for a in _page(preview, PAC3_PAGE).select("a[href*='/topics/']")}
    assert any("launch" in chip.casefold() for chip in chips), chips
    preview.save((PAC3,))
    assert not preview.differences()
    text = preview.edit(PAC3, lambda text: in_body(text, "Then its text. "))
    assert text.patched == 1, "the look left the last build's preparation for the text path"
    assert not preview.differences()


NOT_SHOWN = {
    "a save of text alone takes the text path": lambda text: in_body(text, "Only words. "),
    "a topic the site has no page for yet": lambda text: in_front(text, "topics: [air-defense, procurement]",
                                                                  "topics: [air-defense, brand-new-topic]"),
    "a new month is a new address": lambda text: re.sub(r"^date: 2026-11", "date: 2026-10", text, count=1,
                                                        flags=re.MULTILINE),
    "a date after the clock holds the story back": lambda text: re.sub(r"^date: 2026-11-\d\d", "date: 2026-12-24",
                                                                      text, count=1, flags=re.MULTILINE),
    "a broken file": lambda text: in_front(text, "impact: ", "impact: 11\nold-impact: "),
}


def test_saves_the_last_site_cannot_show_go_straight_to_the_whole_build(preview: Preview) -> None:
    path = preview.site / PAC3
    original = path.read_text(encoding="utf-8")
    for why, change in NOT_SHOWN.items():
        result, rewritten = _look(preview, PAC3, change)
        assert result is None and not rewritten, why
        path.write_text(original, encoding="utf-8")
    path.write_text(NOT_SHOWN["a broken file"](original), encoding="utf-8")
    with pytest.raises(BuildError) as failed:
        preview.save((PAC3,))
    assert any(problem.file == PAC3 and "impact" in problem.message for problem in failed.value.diagnostics)
    assert "PAC-3" in _page(preview, PAC3_PAGE).get_text(), "the last good build is served"
