"""Corrections as data: the dated box on the story, the corrections page, and the rule on dates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, soup

NOW = "2026-06-01T00:00:00Z"
CORRECTIONS = """corrections:
  - date: 2026-03-16
    text: "An earlier version gave the contract value as $2.1B; it is **$1.2B**."
  - date: 2026-03-20T10:00:00Z
    text: "The first delivery is due in 2027, not 2026."
"""


@pytest.fixture
def corrected_site(mini_site: Path) -> Path:
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("watch: |", CORRECTIONS + "watch: |"))
    return mini_site


def test_story_shows_dated_corrections_box(corrected_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", corrected_site, "--now", NOW).code == 0
    page = soup(corrected_site / "public" / "stories" / "2026" / "03" / "alpha" / "index.html")
    box = page.select_one("aside#corrections")
    assert box.h2.get_text() == "Corrections"
    items = box.select("li")
    assert [li.time["datetime"][:10] for li in items] == ["2026-03-16", "2026-03-20"]
    assert items[0].strong.get_text() == "$1.2B"
    sections = [s.get("id") for s in page.select("article.story > *[id]")]
    assert sections.index("corrections") < sections.index("takeaways")


def test_corrections_page_lists_newest_first(corrected_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", corrected_site, "--now", NOW).code == 0
    page = soup(corrected_site / "public" / "corrections" / "index.html")
    items = page.select(".corrections-list > li")
    assert [li.time["datetime"][:10] for li in items] == ["2026-03-20", "2026-03-16"]
    assert items[0].a["href"] == "/stories/2026/03/alpha/#corrections"
    assert page.select_one("a[href='/methodology/#corrections-policy']") is not None


def test_correction_dated_before_the_story_is_an_error(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("watch: |", "corrections:\n  - date: 2026-03-01\n"
                                               "    text: \"Too early.\"\nwatch: |"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert ("content/stories/2026/03/alpha.md:35:11: error: a correction cannot precede the story: 2026-03-01 "
            "is before the story's date 2026-03-14 [bad-date]") in result.err
