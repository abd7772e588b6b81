"""Related coverage and the merged timeline: a corpus where the expected top 5 is worked out by hand.

Score = shared topics and entities / (1 + days apart / 30); ties go to the nearer, the newer, then the slug.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitekit import Run, copy_site, soup, write_story

from beatgen.config import load_config
from beatgen.content.load import load_content
from beatgen.site.related import related_stories

# slug, date, topics, affected
CORPUS = [
    ("x", "2026-05-01", ["t1", "t2"], ["E1"]),
    ("r1", "2026-05-02", ["t1", "t2"], ["E1"]),   # 3 shared, 1 day: 2.90
    ("r2", "2026-04-01", ["t1", "t2"], ["E1"]),   # 3 shared, 30 days: 1.50
    ("r3", "2026-05-03", ["t1"], []),             # 1 shared, 2 days: 0.94 (ties r8; slug first)
    ("r4", "2026-04-29", ["t2"], ["E1"]),         # 2 shared, 2 days: 1.88
    ("r5", "2026-02-01", ["t1", "t2"], ["E1"]),   # 3 shared, 89 days: 0.76
    ("r6", "2026-05-01", ["other"], ["E2"]),      # nothing shared: never related
    ("r7", "2026-05-06", ["t1"], []),             # 1 shared, 5 days: 0.86
    ("r8", "2026-05-03", ["t2"], []),             # 1 shared, 2 days: 0.94
]


def make_site(tmp_path: Path) -> Path:
    site = copy_site("mini", tmp_path / "site")
    for path in (site / "content" / "stories").rglob("*.md"):
        path.unlink()
    for slug, day, topics, affected in CORPUS:
        write_story(site, slug, day, topics=topics, affected=affected)
    return site


def test_related_top_five_is_known(tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    site = make_site(tmp_path)
    assert beatgen("build", "--source", site, "--now", "2026-06-01T00:00:00Z").code == 0
    page = soup(site / "public" / "stories" / "2026" / "05" / "x" / "index.html")
    related = [a["href"] for a in page.select("#related .card-title a")]
    assert related == ["/stories/2026/05/r1/", "/stories/2026/04/r4/", "/stories/2026/04/r2/",
                       "/stories/2026/05/r3/", "/stories/2026/05/r8/"]
    assert page.select_one("#related h2").get_text() == "Related coverage"
    lonely = soup(site / "public" / "stories" / "2026" / "05" / "r6" / "index.html")
    assert lonely.select_one("#related") is None


def test_timeline_merges_related_stories_chronologically(tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    site = make_site(tmp_path)
    assert beatgen("build", "--source", site, "--now", "2026-06-01T00:00:00Z").code == 0
    items = soup(site / "public" / "stories" / "2026" / "05" / "x" / "index.html").select("#timeline li")
    dates = [li.time["datetime"][:10] for li in items]
    assert dates == sorted(dates) and len(items) == 8
    assert [li.get("class") for li in items].count(["current"]) == 1
    assert all("(related story)" in li.get_text() for li in items if li.get("class") == ["related"])
    assert "/stories/2026/05/r6/" not in {li.a["href"] for li in items if li.a}


def test_related_is_deterministic_and_bounded(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    config = load_config(site)
    stories = load_content(site, config).stories
    first = related_stories(stories)
    assert first == related_stories(list(reversed(stories)))
    assert all(len(others) <= 8 and all(o.slug != slug for o in others) for slug, others in first.items())
