"""The methodology rubric is generated from site.yaml, and every signal on a story links into it."""

from __future__ import annotations

from pathlib import Path

from sitekit import soup


def test_rubric_has_an_anchor_per_score_tier_and_the_verification_rule(built_mini: Path) -> None:
    page = soup(built_mini / "methodology" / "index.html")
    assert all(page.select_one(f"#impact-{score}") for score in range(1, 11))
    tiers = [dt["id"] for dt in page.select(".rubric-list dt")]
    assert tiers == ["sentiment-very-negative", "sentiment-negative", "sentiment-neutral", "sentiment-positive",
                     "sentiment-very-positive"]
    rows = [[cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
            for tr in page.select(".rubric-table tbody tr")]
    assert rows[0][:2] == ["1 – 2", "Marginal"] and rows[-1][:2] == ["10", "Critical (action item)"]
    assert "(action item)" in rows[4][1]
    assert "Single source" in page.select_one("#verification").find_next_sibling("p").get_text()


def test_every_story_signal_links_to_an_existing_rubric_anchor(built_mini: Path) -> None:
    anchors = {tag["id"] for tag in soup(built_mini / "methodology" / "index.html").find_all(id=True)}
    stories = list((built_mini / "stories").rglob("index.html"))
    assert stories
    for path in stories:
        page = soup(path)
        hrefs = [a["href"] for a in page.select("#signals a")]
        assert len(hrefs) == 3, path
        for href in hrefs:
            target, _, anchor = href.partition("#")
            assert target == "/methodology/" and anchor in anchors, (path, href)
        coverage = {a["href"] for a in page.select("#coverage a")}
        assert {"/methodology/", "/glossary/", "/trends/"} <= coverage
