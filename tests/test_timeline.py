"""Timelines are editorial: a story's own entries, the stories that name it in theirs, and itself; nothing else.

Every story of the corpus shares a topic with every other, so related coverage is full while no timeline
may show an automatic match.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import REPO, copy_site, soup, write_story

NOW = "2026-06-01T00:00:00Z"
# slug, date, timeline entries (date, event, named story)
CORPUS = [
    ("a", "2026-03-01", [("2026-01-10", "Tender opened", None), ("2026-02-01", "Range trials ended", "b"),
                         ("2026-04-01", "Follow-up order signed", "c")]),
    ("b", "2026-02-01", []),
    ("c", "2026-04-01", [("2026-03-01", "First order", "a"), ("2026-02-01", "Trials", "b")]),
    ("d", "2026-03-05", []),
]
# What each page's timeline shows: (date, text, link, class)
EXPECTED = {
    "a": [("2026-01-10", "Tender opened", None, None),
          ("2026-02-01", "Range trials ended", "/stories/2026/02/b/", None),
          ("2026-03-01", "Story a (this story)", None, "current"),
          ("2026-04-01", "Follow-up order signed", "/stories/2026/04/c/", None)],
    "b": [("2026-02-01", "Story b (this story)", None, "current"),
          ("2026-03-01", "Story a", "/stories/2026/03/a/", "backlink"),
          ("2026-04-01", "Story c", "/stories/2026/04/c/", "backlink")],
    "c": [("2026-02-01", "Trials", "/stories/2026/02/b/", None),
          ("2026-03-01", "First order", "/stories/2026/03/a/", None),
          ("2026-04-01", "Story c (this story)", None, "current")],
}


def add_timeline(path: Path, entries: list[tuple[str, str, str | None]]) -> None:
    """Insert a `timeline:` block before the closing front matter fence of a story written by write_story."""
    lines = ["timeline:"]
    for day, event, story in entries:
        lines += [f"  - date: {day}", f'    event: "{event}"'] + ([f"    story: {story}"] if story else [])
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n\n", "\n" + "\n".join(lines) + "\n---\n\n", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from beatgen.cli import main

    site = copy_site("mini", tmp_path_factory.mktemp("timeline") / "site")
    for path in (site / "content" / "stories").rglob("*.md"):
        path.unlink()
    for slug, day, entries in CORPUS:
        path = write_story(site, slug, day, topics=["air-defense"], affected=["Poland"])
        if entries:
            add_timeline(path, entries)
    assert main(["build", "--source", str(site), "--now", NOW, "--quiet"]) == 0
    return site / "public"


def page(public: Path, slug: str) -> object:
    day = next(day for name, day, _ in CORPUS if name == slug)
    return soup(public / "stories" / day[:4] / day[5:7] / slug / "index.html")


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_timeline_shows_own_entries_backlinks_and_itself_in_date_order(built: Path, slug: str) -> None:
    items = [(li.time["datetime"][:10], " ".join(li.get_text(" ", strip=True).split()[3:]),
              li.a["href"] if li.a else None, " ".join(li.get("class", [])) or None)
             for li in page(built, slug).select("#timeline li")]
    assert items == EXPECTED[slug]


def test_a_story_no_timeline_names_shows_none_though_it_has_related_coverage(built: Path) -> None:
    lonely = page(built, "d")
    assert lonely.select_one("#timeline") is None
    assert len(lonely.select("#related .card")) == 3
    ids = [s["id"] for s in lonely.select("article.story > section")]
    assert "timeline" not in ids and "related" in ids


def test_methodology_describes_editorial_timelines_and_related_scoring() -> None:
    text = (REPO / "content" / "pages" / "methodology.md").read_text(encoding="utf-8")
    assert "nothing is added by a machine" in text
    assert "at least one topic, or at least two affected parties" in text
    assert "The five highest scores are shown" in text
