"""Bylines and time, reasons for scores and descriptions of affected parties, on real builds of the mini site:
author pages, index and feeds; the byline, JSON-LD Person and the desk's Organization; dates and times in the
site's zone; reading time over every section; reasons on the page, in JSON-LD and under require_reasons."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from sitekit import Run, copy_site, soup

from beatgen.cli import main

NOW = "2026-06-01T00:00:00Z"
ALPHA = Path("content/stories/2026/03/alpha.md")
AUTHORS = """\
jane-kowalska:
  name: Jane Kowalska
  role: Air defense correspondent
  bio: Covers European air defense from Warsaw.
  links: [https://social.example/@jane]
tom-reyes:
  name: Tomás Reyes
  role: Space editor
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site("mini", tmp_path_factory.mktemp("desk") / "site")
    (site / "data" / "authors.yaml").write_text(AUTHORS, encoding="utf-8")
    (site / "data" / "entities.yaml").write_text("Alpha Command: The alpha nation's joint air defense command.\n")
    edit(site / "site.yaml", "timezone: UTC", "timezone: Europe/London")
    edit(site / ALPHA, "impact: 8\n", 'authors: [jane-kowalska, tom-reyes]\nimpact: 8\nimpact_reason: "Moves **four** '
                                      'batteries into one buyer."\nsentiment_reason: "Adds capability for Alpha."\n')
    edit(site / "content/stories/2026/02/beta.md", "impact:", "authors: [jane-kowalska]\nimpact:")
    assert main(["build", "--source", str(site), "--now", NOW]) == 0
    return site / "public"


def page(public: Path, path: str):  # noqa: ANN201 - a BeautifulSoup document
    return soup(public / path.strip("/") / "index.html")


def graph(document) -> list[dict]:  # noqa: ANN001
    return json.loads(document.select_one('script[type="application/ld+json"]').string)["@graph"]


def test_byline_names_and_links_the_authors(desk: Path) -> None:
    alpha = page(desk, "/stories/2026/03/alpha/")
    byline = alpha.select_one(".story-header .byline")
    assert byline.get_text(" ", strip=True) == "By Jane Kowalska and Tomás Reyes"
    assert [a["href"] for a in byline.select("a[rel=author]")] == ["/authors/jane-kowalska/", "/authors/tom-reyes/"]
    beta = page(desk, "/stories/2026/02/beta/")
    assert beta.select_one(".byline").get_text(" ", strip=True) == "By Jane Kowalska , Air defense correspondent"


def test_json_ld_author_is_a_person_with_a_page(desk: Path) -> None:
    article = graph(page(desk, "/stories/2026/03/alpha/"))[0]
    assert article["author"][0] == {"@type": "Person", "name": "Jane Kowalska", "jobTitle": "Air defense correspondent",
                                    "url": "https://example.org/authors/jane-kowalska/",
                                    "sameAs": ["https://social.example/@jane"]}
    escape = graph(page(desk, "/stories/2026/03/escape/"))[0]
    assert escape["author"] == {"@type": "Organization", "name": "Mini Beat Media", "url": "https://example.org/"}
    assert page(desk, "/stories/2026/03/escape/").select_one(".byline").get_text(strip=True) == "By Mini Beat Media"


def test_author_page_index_and_feeds(desk: Path) -> None:
    jane = page(desk, "/authors/jane-kowalska/")
    assert jane.h1.get_text() == "Jane Kowalska"
    assert jane.select_one(".author-role").get_text() == "Air defense correspondent"
    assert jane.select_one(".dek").get_text() == "Covers European air defense from Warsaw."
    assert [a.get_text() for a in jane.select(".card-title a")] == ["Alpha command orders new IAMD batteries",
                                                                    "Beta range trials conclude"]
    assert not jane.select(".pager"), "two stories, two per page in the mini site: one page"
    assert graph(jane)[0]["@type"] == "ProfilePage" and graph(jane)[0]["mainEntity"]["name"] == "Jane Kowalska"
    assert jane.select_one('link[type="application/atom+xml"][href="/authors/jane-kowalska/feed.xml"]')
    index = page(desk, "/authors/")
    assert [li.get_text(" ", strip=True) for li in index.select(".author-list li")] == [
        "Jane Kowalska , Air defense correspondent 2 stories", "Tomás Reyes , Space editor 1 story"]
    atom = feedparser.parse((desk / "authors/jane-kowalska/feed.xml").read_bytes())
    assert not atom.bozo and atom.feed.author == "Jane Kowalska"
    assert [e.title for e in atom.entries] == ["Alpha command orders new IAMD batteries", "Beta range trials conclude"]
    assert [a["name"] for a in atom.entries[0].authors] == ["Jane Kowalska", "Tomás Reyes"]
    feed = json.loads((desk / "authors/jane-kowalska/feed.json").read_text())
    assert feed["items"][0]["authors"][1] == {"name": "Tomás Reyes", "url": "https://example.org/authors/tom-reyes/"}


def test_dates_and_times_in_the_site_zone(desk: Path) -> None:
    meta = page(desk, "/stories/2026/03/alpha/").select_one(".story-meta")
    times = meta.select("time")
    assert [t["datetime"] for t in times] == ["2026-03-14T09:30:00+00:00", "2026-03-15"]
    assert meta.get_text(" ", strip=True).startswith("Published 14 March 2026, 09:30 GMT · Updated 15 March 2026 ·")


def test_summer_time_is_named(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    edit(mini_site / "site.yaml", "timezone: UTC", "timezone: Europe/London")
    edit(mini_site / ALPHA, "date: 2026-03-14T09:30:00Z", "date: 2026-04-14T09:30:00Z")
    edit(mini_site / ALPHA, "updated: 2026-03-15", "updated: 2026-04-15T16:05:00+02:00")
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    meta = page(mini_site / "public", "/stories/2026/04/alpha/").select_one(".story-meta")
    assert [t["datetime"] for t in meta.select("time")] == ["2026-04-14T10:30:00+01:00", "2026-04-15T15:05:00+01:00"]
    assert [t.get_text() for t in meta.select("time")] == ["14 April 2026, 10:30 BST", "15 April 2026, 15:05 BST"]


def test_reading_time_counts_every_section(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    words = " ".join(["word"] * 230)
    edit(mini_site / ALPHA, "key_facts:\n", f'key_facts:\n  - "{words}"\n')
    edit(mini_site / ALPHA, "watch: |\n", f"watch: |\n  {words}\n")
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    meta = page(mini_site / "public", "/stories/2026/03/alpha/").select_one(".story-meta").get_text(" ", strip=True)
    assert meta.endswith("· 3 min read"), "the analysis alone is under a minute; the rest is over two"


def test_reasons_beside_the_signals_and_in_json_ld(desk: Path) -> None:
    alpha = page(desk, "/stories/2026/03/alpha/")
    reasons = [dd.get_text(" ", strip=True) for dd in alpha.select("#signals .signal-reason")]
    assert reasons == ["Why: Moves four batteries into one buyer.", "Why: Adds capability for Alpha."]
    assert alpha.select_one("#signals .signal-reason strong").get_text() == "four"
    ratings = graph(alpha)[0]["contentRating"]
    assert ratings[0] == {"@type": "Rating", "name": "Impact", "reviewAspect": "Operational impact", "ratingValue": 8,
                          "worstRating": 1, "bestRating": 10, "description": "High",
                          "ratingExplanation": "Moves four batteries into one buyer."}
    assert ratings[1]["ratingValue"] == 4 and ratings[1]["ratingExplanation"] == "Adds capability for Alpha."
    assert "ratingExplanation" not in graph(page(desk, "/stories/2026/02/beta/"))[0]["contentRating"][0]


def test_require_reasons_warns_and_strict_refuses(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    edit(mini_site / "site.yaml", "publisher:", "rubric:\n  require_reasons: true\npublisher:")
    expected = ["content/stories/2026/03/alpha.md:13:1: warning: an action item (impact 8, threshold 8) needs "
                "'impact_reason:', one sentence on why this impact and for whom (rubric.require_reasons in site.yaml) "
                "[missing-reason]",
                "content/stories/2026/03/alpha.md:14:1: warning: an action item (impact 8, threshold 8) needs "
                "'sentiment_reason:', one sentence on why this sentiment and for whom (rubric.require_reasons in "
                "site.yaml) [missing-reason]"]
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert [line for line in result.err.splitlines() if "missing-reason" in line] == expected and result.code == 0
    strict = beatgen("check", "--source", mini_site, "--now", NOW, "--strict")
    assert strict.code == 1 and expected[0].replace("warning", "error") in strict.err.splitlines()
    edit(mini_site / ALPHA, "impact: 8\n", 'impact: 8\nimpact_reason: "Why."\nsentiment_reason: "Why not."\n')
    assert "missing-reason" not in beatgen("check", "--source", mini_site, "--now", NOW, "--strict").err


def test_entity_description_and_unknown_names(desk: Path, mini_site: Path, beatgen: Callable[..., Run]) -> None:
    entity = page(desk, "/affected/alpha-command/")
    assert entity.select_one(".dek").get_text() == "The alpha nation's joint air defense command."
    assert entity.select_one('meta[name="description"]')["content"] == "The alpha nation's joint air defense command."
    (mini_site / "data" / "entities.yaml").write_text("Alpha Comand: A typo.\nNorthwind Systems: A maker.\n")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert [line for line in result.err.splitlines() if "entities.yaml" in line] == [
        "data/entities.yaml:1:1: warning: 'Alpha Comand' is not an affected party of any story, so its description "
        "is shown nowhere; did you mean 'Alpha Command'? [unknown-entity]"]


def test_authors_file_mistakes_are_config_errors(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    (mini_site / "data" / "authors.yaml").write_text("Jane K:\n  name: Jane\njo:\n  name: Jo\n  role: Editor\n"
                                                     "  links: [javascript:alert(1)]\n")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 2
    assert result.err.splitlines()[:2] == [
        "data/authors.yaml:1:1: error: an author's id may use only a-z, 0-9 and single '-', got \"Jane K\" (text); "
        "did you mean 'jane-k'? [bad-slug]",
        "data/authors.yaml:6:11: error: url must be an http:// or https:// address, got \"javascript:alert(1)\" (text) "
        "[bad-url]"]


def test_undeclared_author_suggests_the_id(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    (mini_site / "data" / "authors.yaml").write_text(AUTHORS, encoding="utf-8")
    edit(mini_site / ALPHA, "impact: 8\n", "authors: [jane-kowalsky, Tomás Reyes]\nimpact: 8\n")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert [line for line in result.err.splitlines() if "unknown-author" in line] == [
        "content/stories/2026/03/alpha.md:13:11: error: author 'jane-kowalsky' is not declared in data/authors.yaml; "
        "did you mean 'jane-kowalska'? [unknown-author]",
        "content/stories/2026/03/alpha.md:13:26: error: author 'Tomás Reyes' is not declared in data/authors.yaml; "
        "write the author's id, 'tom-reyes' [unknown-author]"]
