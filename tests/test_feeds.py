"""Feeds, sitemaps, robots.txt and structured data, parsed as feed readers and crawlers parse them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import feedparser
from sitekit import Run, soup

NOW = "2026-06-01T00:00:00Z"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def local(public: Path, url: str, base: str = "https://example.org/") -> Path:
    assert url.startswith(base), url
    rel = url.removeprefix(base).split("#")[0]
    return public / rel / "index.html" if rel.endswith("/") or not rel else public / rel


def test_atom_feed_parses_with_full_content_and_absolute_urls(built_mini: Path) -> None:
    feed = feedparser.parse((built_mini / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Mini Beat"
    assert [e.link for e in feed.entries] == ["https://example.org/stories/2026/03/alpha/",
                                              "https://example.org/stories/2026/03/escape/",
                                              "https://example.org/stories/2026/02/beta/"]
    alpha = feed.entries[0]
    assert alpha.id == "tag:example.org,2026-03-14:alpha"
    assert alpha.published.startswith("2026-03-14") and alpha.updated.startswith("2026-03-15")
    assert alpha.summary == "The alpha command ordered four integrated air and missile defense batteries."
    content = soup_of(alpha.content[0].value)
    hrefs = [a["href"] for a in content.find_all("a")]
    assert "https://example.org/stories/2026/02/beta/" in hrefs
    assert all(h.startswith(("https://", "http://", "mailto:")) for h in hrefs), hrefs
    assert {t.term for t in alpha.tags} == {"Air defense", "Procurement"}
    assert all(local(built_mini, e.link).exists() for e in feed.entries)


def soup_of(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_feed_ids_stay_when_a_story_is_edited(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    before = feedparser.parse((mini_site / "public" / "feed.xml").read_bytes())
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("title: ", "updated: 2026-04-02\ntitle: ", 1)
                    .replace("on schedule at", "as planned at"))
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    after = feedparser.parse((mini_site / "public" / "feed.xml").read_bytes())
    assert not after.bozo
    assert {e.link: e.id for e in before.entries} == {e.link: e.id for e in after.entries}
    edited = next(e for e in after.entries if e.link.endswith("/beta/"))
    assert edited.updated.startswith("2026-04-02") and "as planned at" in edited.content[0].value
    assert after.feed.updated.startswith("2026-04-02")


def test_json_feed_has_the_spec_required_fields(built_mini: Path) -> None:
    doc = json.loads((built_mini / "feed.json").read_text(encoding="utf-8"))
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["title"] == "Mini Beat" and doc["feed_url"] == "https://example.org/feed.json"
    assert doc["home_page_url"] == "https://example.org/"
    assert len(doc["items"]) == 3
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"].startswith("tag:example.org,")
        assert item["content_html"] and item["url"].startswith("https://example.org/stories/")
        datetime.fromisoformat(item["date_published"])
        datetime.fromisoformat(item["date_modified"])
    assert doc["items"][0]["id"] == "tag:example.org,2026-03-14:alpha"


def test_feed_entries_setting_and_topic_feeds(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    config = mini_site / "site.yaml"
    config.write_text(config.read_text() + "feed_entries: 1\n")
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    public = mini_site / "public"
    assert len(feedparser.parse((public / "feed.xml").read_bytes()).entries) == 1
    topic = feedparser.parse((public / "topics" / "procurement" / "feed.xml").read_bytes())
    assert not topic.bozo and topic.feed.title == "Mini Beat: Procurement"
    assert len(topic.entries) == 1
    assert json.loads((public / "topics" / "procurement" / "feed.json").read_text())["items"]


def test_pages_link_their_feeds_in_the_head(built_mini: Path) -> None:
    home = soup(built_mini / "index.html")
    assert [link["href"] for link in home.select('link[rel=alternate]')] == ["/feed.xml", "/feed.json"]
    topic = soup(built_mini / "topics" / "air-defense" / "index.html")
    hrefs = [link["href"] for link in topic.select('link[rel=alternate][type="application/atom+xml"]')]
    assert hrefs == ["/feed.xml", "/topics/air-defense/feed.xml"]
    for href in hrefs:
        assert (built_mini / href.lstrip("/")).is_file()


def test_entity_pages_have_their_own_feeds_linked_in_the_head(built_mini: Path) -> None:
    base = built_mini / "affected" / "northwind-systems"
    atom = feedparser.parse((base / "feed.xml").read_bytes())
    assert not atom.bozo and atom.feed.title == "Mini Beat: Northwind Systems"
    assert atom.feed.subtitle.startswith("Stories affecting Northwind Systems.")
    assert [e.link for e in atom.entries] == ["https://example.org/stories/2026/03/alpha/",
                                              "https://example.org/stories/2026/02/beta/"]
    document = json.loads((base / "feed.json").read_text(encoding="utf-8"))
    assert document["feed_url"] == "https://example.org/affected/northwind-systems/feed.json"
    assert [item["url"] for item in document["items"]] == [e.link for e in atom.entries]
    page = soup(base / "index.html")
    assert [link["href"] for link in page.select("link[rel=alternate]")] == [
        "/feed.xml", "/feed.json", "/affected/northwind-systems/feed.xml", "/affected/northwind-systems/feed.json"]
    assert page.select_one("a.feed-link").get_text() == "Atom feed of stories affecting Northwind Systems"


def test_sitemap_lists_every_public_page_with_lastmod(built_mini: Path) -> None:
    root = ET.parse(built_mini / "sitemap.xml").getroot()
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.findall(f"{SITEMAP}url")}
    for loc, lastmod in entries.items():
        assert local(built_mini, loc).is_file(), loc
        datetime.fromisoformat(lastmod)
    pages = {p for p in built_mini.rglob("index.html") if p.relative_to(built_mini).parts[0] != "search"}
    assert {local(built_mini, loc) for loc in entries} == pages
    assert entries["https://example.org/stories/2026/03/alpha/"].startswith("2026-03-15")
    assert entries["https://example.org/topics/procurement/"].startswith("2026-03-15")


def test_robots_names_both_sitemaps(built_mini: Path) -> None:
    lines = (built_mini / "robots.txt").read_text().splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: https://example.org/sitemap.xml" in lines
    assert "Sitemap: https://example.org/news-sitemap.xml" in lines


def jsonld(path: Path) -> list[dict]:
    [script] = soup(path).select('script[type="application/ld+json"]')
    return json.loads(script.string)["@graph"]


def test_story_json_ld_news_article(built_mini: Path) -> None:
    article, crumbs = jsonld(built_mini / "stories" / "2026" / "03" / "alpha" / "index.html")
    url = "https://example.org/stories/2026/03/alpha/"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Alpha command orders new IAMD batteries"
    assert article["description"].startswith("The alpha command ordered")
    assert article["datePublished"].startswith("2026-03-14") and article["dateModified"].startswith("2026-03-15")
    assert article["author"]["name"] == "Mini Beat Media"
    assert article["publisher"] == {"@type": "NewsMediaOrganization", "name": "Mini Beat Media",
                                    "url": "https://example.org/",
                                    "correctionsPolicy": "https://example.org/corrections/#corrections-policy"}
    assert article["url"] == url and article["mainEntityOfPage"]["@id"] == url
    assert article["keywords"] == ["Air defense", "Procurement"] and article["articleSection"] == "Air defense"
    assert article["backstory"] == "Verified by 2 sources. Impact 8/10 (High, an action item). Sentiment: Positive."
    assert crumbs["@type"] == "BreadcrumbList"
    assert [i["item"] for i in crumbs["itemListElement"]] == [
        "https://example.org/", "https://example.org/topics/", "https://example.org/topics/air-defense/", url]


def test_listing_json_ld_and_sharing_cards(built_mini: Path) -> None:
    page, crumbs = jsonld(built_mini / "topics" / "air-defense" / "index.html")
    assert page["@type"] == "CollectionPage" and page["url"] == "https://example.org/topics/air-defense/"
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Mini Beat", "Topics", "Air defense"]
    story = soup(built_mini / "stories" / "2026" / "03" / "alpha" / "index.html")
    og = {m["property"]: m["content"] for m in story.select("meta[property]")}
    assert og["og:type"] == "article" and og["og:url"] == "https://example.org/stories/2026/03/alpha/"
    assert og["og:title"] == "Alpha command orders new IAMD batteries"
    assert story.select_one('meta[name="twitter:card"]')["content"] == "summary"


def test_json_ld_cannot_be_closed_by_content(built_mini: Path) -> None:
    page = built_mini / "stories" / "2026" / "03" / "escape" / "index.html"
    raw = page.read_text(encoding="utf-8")
    start = raw.index('<script type="application/ld+json">')
    body = raw[start:raw.index("</script>", start)]
    assert "<" not in body[1:] and ">" not in body[len('<script type="application/ld+json">'):]
    assert jsonld(page)[0]["headline"] == "Escaping <script>alert('title')</script> test"
