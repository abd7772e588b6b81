"""Each page kind of a built fixture site, read as a reader's browser would (parsed HTML)."""

from __future__ import annotations

from pathlib import Path

from sitekit import soup


def story(public: Path, path: str = "stories/2026/03/alpha") -> Path:
    return public / path / "index.html"


def test_story_page_has_every_section_in_order(built_mini: Path) -> None:
    page = soup(story(built_mini))
    assert [h.get_text() for h in page.find_all("h1")] == ["Alpha command orders new IAMD batteries"]
    ids = [s["id"] for s in page.select("article.story > section, article.story > nav, article.story > aside")]
    assert ids == ["takeaways", "signals", "key-facts", "affected", "analysis", "watch", "timeline", "sources",
                   "coverage", "related", "pager"]
    dek = "The alpha command ordered four integrated air and missile defense batteries."
    assert page.select_one(".dek").get_text() == dek
    meta = page.select_one(".story-meta").get_text(" ", strip=True)
    assert meta == "Published 14 March 2026, 09:30 UTC · Updated 15 March 2026 · 1 min read"


def test_signals_panel(built_mini: Path) -> None:
    page = soup(story(built_mini))
    signals = page.select_one("#signals").get_text(" ", strip=True)
    assert "Verified by 2 sources" in signals
    assert "Impact 8/10" in signals and "High" in signals and "Action item" in signals
    assert "Positive" in signals
    assert page.select_one("#signals a.badge.verified")["href"] == "/methodology/#verification"


def test_single_source_counts_outlets_not_articles(built_mini: Path) -> None:
    page = soup(story(built_mini, "stories/2026/02/beta"))
    assert page.select_one("#signals .badge.single").get_text() == "Single source"
    assert "Based on 2 source articles from 1 independent outlet" in page.select_one("#sources").get_text(" ")


def test_key_facts_numbered_and_inline_markdown(built_mini: Path) -> None:
    page = soup(story(built_mini))
    assert len(page.select("#key-facts ol > li")) == 3
    assert page.select_one("#takeaways li strong").get_text() == "ordered"


def test_pullquote_after_second_paragraph(built_mini: Path) -> None:
    prose = soup(story(built_mini)).select_one("#analysis .prose")
    blocks = [child.name for child in prose.find_all(recursive=False)]
    assert blocks[:3] == ["p", "p", "blockquote"]
    assert "statement of intent" in prose.blockquote.get_text()


def test_links_to_story_files_are_resolved(built_mini: Path) -> None:
    page = soup(story(built_mini))
    hrefs = [a["href"] for a in page.select("#analysis a:not(.glossary-link)")]
    assert hrefs == ["/stories/2026/02/beta/", "/stories/2026/02/beta/"]
    assert page.select_one("#watch a")["href"] == "/stories/2026/02/beta/"


def test_timeline_is_chronological_and_marks_this_story(built_mini: Path) -> None:
    items = soup(story(built_mini)).select("#timeline li")
    assert [li.time["datetime"][:10] for li in items] == ["2026-01-05", "2026-02-10", "2026-03-14"]
    assert items[1].a["href"] == "/stories/2026/02/beta/"
    assert "current" in items[2]["class"] and "(this story)" in items[2].get_text()
    backlinks = soup(story(built_mini, "stories/2026/02/beta")).select("#timeline li.backlink a")
    assert [a["href"] for a in backlinks] == ["/stories/2026/03/alpha/"]
    assert soup(story(built_mini, "stories/2026/03/escape")).select_one("#timeline") is None


def test_sources_and_affected(built_mini: Path) -> None:
    page = soup(story(built_mini))
    links = page.select("#sources li a")
    assert [a["href"] for a in links] == ["https://defense-daily.example/a/1", "https://wire.example/b/2"]
    entities = [a["href"] for a in page.select("#affected a")]
    assert entities == ["/affected/alpha-command/", "/affected/northwind-systems/"]


def test_previous_and_next(built_mini: Path) -> None:
    page = soup(story(built_mini, "stories/2026/03/escape"))
    assert page.select_one("a[rel=prev]")["href"] == "/stories/2026/02/beta/"
    assert page.select_one("a[rel=next]")["href"] == "/stories/2026/03/alpha/"


def test_home_lead_latest_action_items_and_pagination(built_mini: Path) -> None:
    home = soup(built_mini / "index.html")
    assert home.select_one(".lead-title a")["href"] == "/stories/2026/03/alpha/"
    assert [a.get_text() for a in home.select(".action-items li a")] == ["Alpha command orders new IAMD batteries"]
    assert home.select_one("a[rel=next]")["href"] == "/page/2/"
    second = soup(built_mini / "page" / "2" / "index.html")
    assert [a["href"] for a in second.select(".card-title a")] == ["/stories/2026/02/beta/"]


def test_topic_entity_and_archive_pages(built_mini: Path) -> None:
    topic = soup(built_mini / "topics" / "air-defense" / "index.html")
    assert topic.h1.get_text() == "Air defense"
    assert [a["href"] for a in topic.select(".card-title a")] == ["/stories/2026/03/alpha/", "/stories/2026/02/beta/"]
    index = soup(built_mini / "topics" / "index.html")
    assert {a.get_text() for a in index.select(".taxon-list a")} == {"Air defense", "Procurement"}
    entity = soup(built_mini / "affected" / "northwind-systems" / "index.html")
    assert len(entity.select(".card")) == 2
    month = soup(built_mini / "archive" / "2026" / "03" / "index.html")
    assert len(month.select(".card")) == 2
    assert (built_mini / "archive" / "2026" / "index.html").exists()


def test_glossary_methodology_pages_and_404(built_mini: Path) -> None:
    glossary = soup(built_mini / "glossary" / "index.html")
    assert glossary.select_one("dt#iamd").get_text(" ", strip=True).startswith("IAMD")
    assert glossary.select_one("#letter-l") is not None
    methodology = soup(built_mini / "methodology" / "index.html")
    assert methodology.select_one("#impact-8") is not None
    assert methodology.select_one("#sentiment-very-negative") is not None
    assert methodology.select_one("#verification") is not None
    about = soup(built_mini / "about" / "index.html")
    assert about.select_one(".prose a")["href"] == "mailto:desk@example.org"
    assert soup(built_mini / "404.html").h1.get_text() == "Page not found"


def test_drafts_and_future_stories_are_left_out(built_mini: Path) -> None:
    everything = "".join(p.read_text(encoding="utf-8") for p in built_mini.rglob("*.html"))
    assert "Gamma draft story" not in everything and "Delta scheduled story" not in everything
    assert not (built_mini / "stories" / "2026" / "03" / "gamma").exists()


def test_head_and_assets(built_mini: Path) -> None:
    page = soup(story(built_mini))
    assert page.html["lang"] == "en"
    assert page.select_one("link[rel=canonical]")["href"] == "https://example.org/stories/2026/03/alpha/"
    assert page.select_one("meta[name=description]")["content"].startswith("The alpha command")
    css = page.select_one("link[rel=stylesheet]")["href"]
    assert css.startswith("/static/css/site.") and css.endswith(".css")
    assert (built_mini / css.lstrip("/")).exists()


def test_footnotes_section_has_a_notes_heading(built_sample: Path) -> None:
    notes = soup(story(built_sample, "stories/2026/11/navy-red-sea-interceptor-costs")).select_one("section.footnotes")
    assert [child.name for child in notes.find_all(recursive=False)] == ["h2", "ol"]
    assert notes.h2.get_text() == "Notes" and notes.select_one("li#fn1") is not None


def test_archive_month_lists_each_headline_with_its_signals(built_sample: Path) -> None:
    month = soup(built_sample / "archive" / "2026" / "03" / "index.html")
    cards = month.select(".story-list .card")
    assert [card.select_one(".card-title a")["href"] for card in cards] == [
        "/stories/2026/03/saudi-arabia-thaad-expansion/", "/stories/2026/03/hamas-urges-iran/",
        "/stories/2026/03/iran-drone-strikes-gulf/"]
    assert [len(card.select(".badges li")) for card in cards] == [3, 3, 3]
    assert cards[2].select_one(".badge.impact").get_text() == "Impact 10/10"
