"""`beatgen new`: a skeleton at the right place that passes `check`, starts as a draft, never overwrites."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sitekit import Run

from beatgen.content.validate import STORY_KEYS

NOW = "2026-06-01T00:00:00Z"


def _check_json(beatgen: Callable[..., Run], site: Path, *flags: str) -> list[dict]:
    result = beatgen("check", "--source", site, "--now", NOW, "--format", "json", *flags)
    assert result.code == 0, result.out
    return [problem for problem in json.loads(result.out) if problem["severity"] != "note"]


def test_new_story_term_and_page_pass_check_once_written(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    """A new story is a draft and passes as it is; a term or page is published at once, so `check` refuses its
    TKTK placeholder until the text replaces it."""
    result = beatgen("new", "story", "Poland links its Narew batteries into one IAMD network", "--topic",
                     "air-defense", "--topic", "Procurement", "--date", "2026-05-12", "--source", mini_site)
    assert result.code == 0, result.err
    story = mini_site / "content/stories/2026/05/poland-links-its-narew-batteries-into-one-iamd-network.md"
    assert f"Created {story}" in result.out
    assert 'topics: ["air-defense", "procurement"]  #' in story.read_text()
    assert beatgen("new", "term", "C-UAS", "--source", mini_site).code == 0
    assert beatgen("new", "page", "Contact us", "--source", mini_site).code == 0
    term, page = mini_site / "content/glossary/c-uas.md", mini_site / "content/pages/contact-us.md"
    assert term.read_text().startswith('---\nterm: "C-UAS"')
    assert page.read_text().startswith('---\ntitle: "Contact us"')
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert [line for line in result.err.splitlines() if ": error: " in line] == [
        "content/glossary/c-uas.md:8:1: error: the definition still holds placeholder text marked TKTK; write the "
        "real text in its place (a glossary entry goes out as soon as it is committed) [placeholder]",
        "content/pages/contact-us.md:8:1: error: the page still holds placeholder text marked TKTK; write the real "
        "text in its place (a page goes out as soon as it is committed) [placeholder]"]
    term.write_text(term.read_text().replace("TKTK Define C-UAS here", "C-UAS is countering drones"))
    page.write_text(page.read_text().replace("TKTK Write the page here, in Markdown.", "Write to the desk."))
    (mini_site / "content/stories/2026/03/escape.md").unlink()  # its raw HTML is a warning, an error with --strict
    assert _check_json(beatgen, mini_site, "--strict") == []
    assert _check_json(beatgen, mini_site, "--drafts", "--strict") == []
    built = beatgen("build", "--source", mini_site, "--now", NOW, "--drafts", "--quiet")
    assert built.code == 0
    page = mini_site / "public/stories/2026/05/poland-links-its-narew-batteries-into-one-iamd-network/index.html"
    assert "Poland links its Narew batteries" in page.read_text()


def test_a_new_story_is_a_draft_with_every_field_explained(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    beatgen("new", "story", "Launch cadence doubles", "--date", "2026-05-12T08:30:00Z", "--source", mini_site)
    text = (mini_site / "content/stories/2026/05/launch-cadence-doubles.md").read_text()
    front = text.split("---\n")[1]
    keys = [line.lstrip("# ").split(":")[0] for line in front.splitlines() if ":" in line and not line.startswith(" ")]
    for key in STORY_KEYS:
        assert key in keys, key
        line = next(line for line in front.splitlines() if line.lstrip("# ").startswith(f"{key}:"))
        assert " # " in line or line.startswith("#"), line
    assert "\ndraft: true " in front and "date: 2026-05-12T08:30:00Z " in front
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--quiet").code == 0
    assert not (mini_site / "public/stories/2026/05/launch-cadence-doubles").exists()


def test_new_never_overwrites(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    term = mini_site / "content/glossary/iamd.md"
    before = term.read_bytes()
    result = beatgen("new", "term", "IAMD", "--source", mini_site)
    assert result.code == 1 and "content/glossary/iamd.md already exists" in result.err
    assert term.read_bytes() == before
    result = beatgen("new", "story", "Alpha", "--date", "2026-07-01", "--source", mini_site)
    assert result.code == 1 and "content/stories/2026/03/alpha.md" in result.err
    assert not (mini_site / "content/stories/2026/07/alpha.md").exists()


def test_new_story_rejects_a_bad_date(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("new", "story", "Anything", "--date", "next week", "--source", mini_site)
    assert result.code == 2 and "--date must be a date such as 2026-03-14" in result.err
