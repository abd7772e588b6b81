"""The home page leads with weight: action items are the highest-impact stories of the configured window,
counted back from the newest story, the newer first on equal impact."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitekit import Run, copy_site, soup, write_story

# slug, date, impact. The newest story is of 2026-05-30; the window is 20 days: after 2026-05-10.
CORPUS = [
    ("n1", "2026-05-30", 5), ("h", "2026-05-29", 7), ("a", "2026-05-28", 8), ("c", "2026-05-25", 9),
    ("b", "2026-05-20", 10), ("d", "2026-05-15", 8), ("e", "2026-05-12", 8), ("f", "2026-05-11", 9),
    ("g", "2026-05-09", 10),
]


def test_action_items_are_the_weightiest_of_the_window(tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    site = copy_site("mini", tmp_path / "site")
    for path in (site / "content" / "stories").rglob("*.md"):
        path.unlink()
    for slug, day, impact in CORPUS:
        write_story(site, slug, day, impact=impact)
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "action_window_days: 20\n")
    assert beatgen("build", "--source", site, "--now", "2026-06-01T00:00:00Z").code == 0
    home = soup(site / "public" / "index.html")
    rail = home.select_one(".action-items")
    items = [(li.a.get_text(), li.select_one(".badge").get_text()) for li in rail.select("li")]
    assert items == [("Story b", "Impact 10/10"), ("Story c", "Impact 9/10"), ("Story f", "Impact 9/10"),
                     ("Story a", "Impact 8/10"), ("Story d", "Impact 8/10")]
    assert rail.select_one(".note").get_text(" ", strip=True) == (
        "The highest-impact stories, scored 8+, of the 20 days to May 30, 2026 .")
    grid = home.select_one(".home-grid")
    assert [child["class"][0] for child in grid.find_all(recursive=False)] == ["action-items", "latest"]
    assert soup(site / "public" / "page" / "2" / "index.html").select_one(".action-items") is None
