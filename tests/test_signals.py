"""One reading of the rubric per story: with a raised verification floor and a lowered action threshold,
every place that shows a story's signals (its page, its cards on every listing, the home page's action
items, feeds, the trends table, JSON-LD, the search filters, the methodology's rubric) says the same.

The expected signals are worked out here from the story files and site.yaml with plain PyYAML, apart
from beatgen's code."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup
from sitekit import copy_site, soup

NOW = "2026-12-01T00:00:00Z"
FLOOR, THRESHOLD = 3, 7


@dataclass(frozen=True)
class Expected:
    sources: str
    status: str
    impact: int
    impact_label: str
    action: bool
    sentiment_label: str
    month: str
    single: bool

    @property
    def summary(self) -> str:
        action = ", an action item" if self.action else ""
        return (f"{self.sources}. Impact {self.impact}/10 ({self.impact_label}{action}). "
                f"Sentiment: {self.sentiment_label}.")


def expected_signals(site: Path) -> dict[str, Expected]:
    """Every story's signals by URL path, from its front matter and the rubric in site.yaml."""
    rubric = yaml.safe_load((site / "site.yaml").read_text())["rubric"]
    bands = {score: band["label"] for band in rubric["impact"] for score in range(band["min"], band["max"] + 1)}
    found = {}
    for path in (site / "content" / "stories").rglob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        outlets = len({s["outlet"].strip().lower().removeprefix("www.") for s in front["sources"]})
        if outlets >= FLOOR:
            sources, status = f"Verified by {outlets} sources", "verified"
        elif outlets == 1:
            sources, status = "Single source", "single"
        else:
            sources, status = f"Unverified: {outlets} of {FLOOR} sources", "unverified"
        date = front["date"]
        url = f"/stories/{date:%Y}/{date:%m}/{front.get('slug', path.stem)}/"
        found[url] = Expected(sources, status, front["impact"], bands[front["impact"]], front["impact"] >= THRESHOLD,
                              rubric["sentiment"][front["sentiment"]]["label"], f"{date:%B %Y}", outlets == 1)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expected]]:
    site = copy_site("sample", tmp_path_factory.mktemp("signals") / "site")
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("verification_floor: 2", f"verification_floor: {FLOOR}")
                      .replace("action_threshold: 8", f"action_threshold: {THRESHOLD}"))
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--now", NOW, "--no-search", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    public = site / "public"
    published = {url: signals for url, signals in expected_signals(site).items()
                 if (public / url.strip("/") / "index.html").is_file()}
    return public, published


def badge_texts(badges: BeautifulSoup) -> tuple[str, ...]:
    return tuple(li.get_text(strip=True) for li in badges.find_all("li"))


def assert_badges(badges: BeautifulSoup, signals: Expected, where: str) -> None:
    sources, impact, sentiment = badges.find_all("li")
    assert badge_texts(badges) == (signals.sources, f"Impact {signals.impact}/10", signals.sentiment_label), where
    assert signals.status in sources["class"], where
    assert ("action" in impact["class"]) == signals.action, where


def test_the_finding_two_sources_under_a_floor_of_three(built: tuple[Path, dict[str, Expected]]) -> None:
    public, _ = built
    url = "/stories/2026/03/saudi-arabia-thaad-expansion/"
    page = soup(public / url.strip("/") / "index.html")
    assert page.select_one("#signals .badge.unverified").get_text() == "Unverified: 2 of 3 sources"
    note = page.select_one("#signals .signal-note").get_text()
    assert note == "Below our verification floor of 3 independent outlets"
    cards = [card for listing in public.glob("topics/*/index.html") for card in soup(listing).select("article.card")
             if card.select_one(".card-title a")["href"] == url]
    assert cards and {badge_texts(card.select_one(".badges"))[0] for card in cards} == {"Unverified: 2 of 3 sources"}


def test_every_story_page_shows_its_one_reading(built: tuple[Path, dict[str, Expected]]) -> None:
    public, stories = built
    assert {s.status for s in stories.values()} == {"verified", "unverified", "single"}
    assert {s.action for s in stories.values()} == {True, False}
    for url, signals in stories.items():
        page = soup(public / url.strip("/") / "index.html")
        sources, impact, sentiment = page.select("#signals .badge")
        assert (sources.get_text(), signals.status in sources["class"]) == (signals.sources, True), url
        assert ("action" in impact["class"], impact.get_text()) == (signals.action, f"Impact {signals.impact}/10"), url
        note = impact.find_next_sibling(class_="signal-note").get_text()
        assert note == signals.impact_label + (" · Action item" if signals.action else ""), url
        assert sentiment.get_text() == signals.sentiment_label, url
        filters = {span["data-pagefind-filter"]: span.get_text() for span in page.select("[data-pagefind-filter]")
                   if span["data-pagefind-filter"] != "topic"}
        assert filters == {"sentiment": signals.sentiment_label, "impact": signals.impact_label,
                           "year": url.split("/")[2]}, url
        graph = json.loads(page.select_one("script[type='application/ld+json']").string)["@graph"]
        assert graph[0]["backstory"] == signals.summary, url


def test_every_card_on_every_listing_agrees(built: tuple[Path, dict[str, Expected]]) -> None:
    public, stories = built
    listings = [public / "index.html", *public.glob("page/*/index.html"), *public.glob("topics/*/index.html"),
                *public.glob("topics/*/page/*/index.html"), *public.glob("affected/*/index.html"),
                *public.glob("affected/*/page/*/index.html"), *public.glob("archive/*/*/index.html"),
                *public.glob("stories/*/*/*/index.html")]
    seen: Counter[str] = Counter()
    for listing in listings:
        page = soup(listing)
        for card in page.select("article.card, section.lead"):
            url = card.select_one("a")["href"]
            assert_badges(card.select_one(".badges"), stories[url], f"{listing}: {url}")
            seen[url] += 1
    assert set(seen) == set(stories) and sum(seen.values()) > 5 * len(stories)


def test_home_action_items_follow_the_threshold(built: tuple[Path, dict[str, Expected]]) -> None:
    """The rail holds the stories the signals mark as action items (the sample's window spans its whole year),
    highest impact first and the newer first on equal impact."""
    public, stories = built
    home = soup(public / "index.html")
    dated = {url: soup(public / url.strip("/") / "index.html").select_one(".story-meta time")["datetime"]
             for url in stories}
    newest_first = sorted(stories, key=lambda url: dated[url], reverse=True)
    weighty = sorted((url for url in newest_first if stories[url].action), key=lambda url: -stories[url].impact)
    items = home.select(".action-items li")
    assert [li.a["href"] for li in items] == weighty[:5]
    assert [li.select_one(".badge").get_text() for li in items] == [f"Impact {stories[li.a['href']].impact}/10"
                                                                      for li in items]
    assert home.select_one(".action-items .note").get_text(" ", strip=True).startswith(
        f"The highest-impact stories, scored {THRESHOLD}+, of the 365 days to")


def test_feeds_carry_the_same_signals(built: tuple[Path, dict[str, Expected]]) -> None:
    public, stories = built
    checked = 0
    for atom in public.rglob("feed.xml"):
        if atom.parent.name == "corrections":
            continue
        for entry in feedparser.parse(atom.read_bytes()).entries:
            url = "/" + entry.link.removeprefix("https://example.org/")
            content = BeautifulSoup(entry.content[0].value, "html.parser")
            assert content.select_one("p.signals").get_text() == stories[url].summary, (atom, url)
            checked += 1
        document = json.loads(atom.with_suffix(".json").read_text())
        for item in document["items"]:
            url = "/" + item["url"].removeprefix("https://example.org/")
            content = BeautifulSoup(item["content_html"], "html.parser")
            assert content.select_one("p.signals").get_text() == stories[url].summary, (atom, url)
    assert checked > len(stories)


def test_trends_count_the_single_source_stories_the_pages_mark(built: tuple[Path, dict[str, Expected]]) -> None:
    public, stories = built
    single = Counter(signals.month for signals in stories.values() if signals.single)
    every = Counter(signals.month for signals in stories.values())
    table = soup(public / "trends" / "index.html").select_one("#chart-single table")
    for row in table.tbody.find_all("tr"):
        month, count, total, _share = (cell.get_text(strip=True) for cell in row.find_all(["th", "td"]))
        assert (int(count), int(total)) == (single[month], every[month]), month


def test_the_methodology_rubric_states_the_same_rule(built: tuple[Path, dict[str, Expected]]) -> None:
    public, _ = built
    page = soup(public / "methodology" / "index.html")
    rule = page.select_one("#verification").find_next_sibling("p").get_text()
    assert "With 3 or more independent outlets a story shows “Verified by N sources”" in rule
    assert "with one, it is published and marked “Single source”" in rule
    assert "with 2, it is published and marked “Unverified: N of 3 sources”" in rule
    labels = [row.find_all("td")[0].get_text() for row in page.select(".rubric-table tbody tr")]
    assert labels == ["Marginal", "Minor", "Moderate", "Significant (action item)", "High (action item)",
                      "Critical (action item)"]
