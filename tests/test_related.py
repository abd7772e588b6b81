"""Related coverage: a corpus where the expected top 5, and what each card says it shares, is worked out by hand.

Score = shared topics and entities / (1 + days apart / 30); ties go to the nearer, the newer, then the slug.
A candidate shares at least one topic or at least two affected parties.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, copy_site, soup, write_story

from beatgen.config import load_config
from beatgen.engine.reading import read_content
from beatgen.engine.state import BuildState
from beatgen.render.related import time_apart
from beatgen.site.related import related_stories

# slug, date, topics, affected
CORPUS = [
    ("x", "2026-05-01", ["t1", "t2"], ["E1", "E2"]),
    ("r1", "2026-05-02", ["t1", "t2"], ["E1"]),   # 3 shared, 1 day: 2.90
    ("r2", "2026-04-01", ["t1", "t2"], ["E1"]),   # 3 shared, 30 days: 1.50
    ("r3", "2026-05-03", ["t1"], []),             # 1 shared, 2 days: 0.94 (ties r8; slug first)
    ("r4", "2026-04-29", ["t2"], ["E1"]),         # 2 shared, 2 days: 1.88
    ("r5", "2026-02-01", ["t1", "t2"], ["E1"]),   # 3 shared, 89 days: 0.76
    ("r6", "2026-05-01", ["lone"], ["E3"]),       # nothing shared: never related
    ("r7", "2026-05-06", ["t1"], []),             # 1 shared, 5 days: 0.86
    ("r8", "2026-05-03", ["t2"], []),             # 1 shared, 2 days: 0.94
    ("r9", "2026-05-01", ["other"], ["E1"]),      # one affected party, no topic: 1.00, but not related
    ("r10", "2026-05-01", ["other"], ["E1", "E2"]),  # two affected parties, no topic: 2.00
]
EXPECTED = [
    ("/stories/2026/05/r1/", "Shares: T1 · T2 · E1 · 1 day later"),
    ("/stories/2026/05/r10/", "Shares: E1 · E2 · the same day"),
    ("/stories/2026/04/r4/", "Shares: T2 · E1 · 2 days earlier"),
    ("/stories/2026/04/r2/", "Shares: T1 · T2 · E1 · 4 weeks earlier"),
    ("/stories/2026/05/r3/", "Shares: T1 · 2 days later"),
]


def make_site(tmp_path: Path) -> Path:
    site = copy_site("mini", tmp_path / "site")
    for path in (site / "content" / "stories").rglob("*.md"):
        path.unlink()
    for slug, day, topics, affected in CORPUS:
        write_story(site, slug, day, topics=topics, affected=affected)
    return site


def test_related_top_five_is_known_and_says_what_it_shares(tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    site = make_site(tmp_path)
    assert beatgen("build", "--source", site, "--now", "2026-06-01T00:00:00Z").code == 0
    page = soup(site / "public" / "stories" / "2026" / "05" / "x" / "index.html")
    cards = [(card.select_one(".card-title a")["href"], card.select_one(".card-shares").get_text())
             for card in page.select("#related .card")]
    assert cards == EXPECTED
    assert page.select_one("#related h2").get_text() == "Related coverage"
    lonely = soup(site / "public" / "stories" / "2026" / "05" / "r6" / "index.html")
    assert lonely.select_one("#related") is None
    one_party = soup(site / "public" / "stories" / "2026" / "05" / "r9" / "index.html")
    assert [a["href"] for a in one_party.select("#related .card-title a")] == ["/stories/2026/05/r10/"]


@pytest.mark.parametrize(("days", "words"), [
    (0, "the same day"), (1, "1 day later"), (-1, "1 day earlier"), (13, "13 days later"), (14, "2 weeks later"),
    (-30, "4 weeks earlier"), (60, "9 weeks later"), (61, "2 months later"), (-400, "13 months earlier"),
    (730, "2 years later"), (-1100, "3 years earlier"),
])
def test_time_apart_in_words(days: int, words: str) -> None:
    assert time_apart(days) == words


def test_related_is_deterministic_and_bounded(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    config = load_config(site)
    stories = read_content(site, config, "", BuildState(), jobs=1)[0].stories
    first = related_stories(stories)
    assert first == related_stories(list(reversed(stories)))
    assert all(len(others) <= 5 and all(o.slug != slug for o in others) for slug, others in first.items())
