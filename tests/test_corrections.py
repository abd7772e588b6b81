"""Corrections as data: the dated box on the story, the corrections page, and the rule on dates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from sitekit import Run, output_texts, soup

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
    assert page.select_one("a[href='/corrections/#corrections-policy']") is not None
    assert page.select_one("#corrections-policy h2").get_text() == "How we correct"


def test_correction_dated_before_the_story_is_an_error(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("watch: |", "corrections:\n  - date: 2026-03-01\n"
                                               "    text: \"Too early.\"\nwatch: |"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert ("content/stories/2026/03/alpha.md:35:11: error: a correction cannot precede the story: 2026-03-01 "
            "is before the story's date 2026-03-14 [bad-date]") in result.err


def test_corrections_feed_and_structured_data(corrected_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", corrected_site, "--now", NOW).code == 0
    public = corrected_site / "public"
    feed = feedparser.parse((public / "corrections" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.id for e in feed.entries] == ["tag:example.org,2026-03-14:alpha/correction/2026-03-20/1",
                                            "tag:example.org,2026-03-14:alpha/correction/2026-03-16/1"]
    assert feed.entries[0].link == "https://example.org/stories/2026/03/alpha/#corrections"
    site_feed = feedparser.parse((public / "feed.xml").read_bytes())
    alpha = next(e for e in site_feed.entries if e.id.endswith(":alpha"))
    assert alpha.updated.startswith("2026-03-20T10:00:00")
    page = soup(public / "stories" / "2026" / "03" / "alpha" / "index.html")
    graph = json.loads(page.select_one("script[type='application/ld+json']").string)["@graph"]
    article = next(node for node in graph if node["@type"] == "NewsArticle")
    assert article["dateModified"].startswith("2026-03-20T10:00:00")
    assert [c["datePublished"][:10] for c in article["correction"]] == ["2026-03-16", "2026-03-20"]
    assert all(c["@type"] == "CorrectionComment" for c in article["correction"])
    assert article["publisher"]["correctionsPolicy"] == "https://example.org/corrections/#corrections-policy"
    corrections_page = soup(public / "corrections" / "index.html")
    assert corrections_page.select_one("link[type='application/atom+xml'][href='/corrections/feed.xml']")


def test_editing_a_correction_keeps_its_feed_id(corrected_site: Path, beatgen: Callable[..., Run]) -> None:
    beatgen("build", "--source", corrected_site, "--now", NOW)
    before = [e.id for e in feedparser.parse((corrected_site / "public/corrections/feed.xml").read_bytes()).entries]
    alpha = corrected_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("not 2026.", "not in 2026 as first reported."))
    beatgen("build", "--source", corrected_site, "--now", NOW)
    after = feedparser.parse((corrected_site / "public/corrections/feed.xml").read_bytes()).entries
    assert [e.id for e in after] == before
    assert "as first reported" in after[0].content[0].value


def test_new_correction_appends_a_dated_item_that_checks(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("new", "correction", "alpha", "The order is for **four** batteries.", "--source", mini_site,
                     "--date", "2026-04-02")
    assert result.code == 0, result.err
    again = beatgen("new", "correction", "content/stories/2026/03/alpha.md", "Second fix.", "--source", mini_site,
                    "--date", "2026-04-03T09:00:00Z")
    assert again.code == 0, again.err
    text = (mini_site / "content" / "stories" / "2026" / "03" / "alpha.md").read_text()
    assert ('corrections:\n  - date: 2026-04-02T00:00:00Z\n    text: "The order is for **four** batteries."\n'
            '  - date: 2026-04-03T09:00:00Z\n    text: "Second fix."\n---\n') in text
    assert beatgen("check", "--source", mini_site, "--now", NOW).code == 0


def test_new_correction_that_would_break_the_story_is_refused(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    before = beta.read_bytes()
    result = beatgen("new", "correction", "beta", "Too early.", "--source", mini_site, "--date", "2026-01-01")
    assert result.code == 1
    assert "content/stories/2026/02/beta.md:18:11: error: a correction cannot precede the story" in result.err
    assert beta.read_bytes() == before
    missing = beatgen("new", "correction", "no-such-story", "Text.", "--source", mini_site)
    assert missing.code == 1 and "no story named 'no-such-story'" in missing.err


def test_sample_site_corrections_feed_and_embargo(built_sample: Path) -> None:
    feed = feedparser.parse((built_sample / "corrections" / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) >= 3
    corrected = {entry.link.split("#")[0] for entry in feed.entries}
    assert len(corrected) >= 2
    texts = output_texts(built_sample)
    for secret in ("allies-joint-space-missile-warning-layer", "joint space-based missile-warning layer"):
        assert not [name for name, text in texts.items() if secret in text or secret in name]
