"""The trends page and the taxon sparklines, from a corpus whose figures are known by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, copy_site, soup, write_story

from beatgen.render.charts import sparkline

NOW = "2026-06-30T00:00:00Z"
SVG = "{http://www.w3.org/2000/svg}"
# slug, date, impact, sentiment, topics, affected, outlets. The newest story is 2026-05-29 (a Friday).
CORPUS = [
    ("a", "2026-05-29", 8, "very-negative", ["air-defense"], ["Iran"], 2),
    ("b", "2026-05-27", 4, "negative", ["air-defense"], ["Iran"], 1),
    ("c", "2026-05-20", 6, "neutral", ["space"], ["NASA"], 2),
    ("d", "2026-05-05", 2, "positive", ["space"], ["NASA"], 1),
    ("e", "2026-04-20", 10, "very-positive", ["air-defense", "space"], ["Iran", "NASA"], 2),
    ("f", "2026-04-10", 5, "neutral", ["space"], ["NASA", "ESA"], 2),
    ("g", "2026-03-25", 3, "negative", ["drones"], ["Ukraine"], 1),
    ("h", "2026-03-02", 7, "negative", ["drones"], ["Ukraine"], 2),
    ("i", "2025-12-15", 5, "neutral", ["drones"], ["Ukraine"], 2),
    ("j", "2025-12-20", 9, "very-negative", ["hypersonics"], ["China"], 1),
]


@pytest.fixture(scope="module")
def trends_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site("mini", tmp_path_factory.mktemp("trends") / "site")
    for path in (site / "content" / "stories").rglob("*.md"):
        path.unlink()
    for slug, day, impact, sentiment, topics, affected, outlets in CORPUS:
        write_story(site, slug, day, impact=impact, sentiment=sentiment, topics=topics, affected=affected,
                    outlets=outlets)
    return site


@pytest.fixture(scope="module")
def built(trends_site: Path) -> Path:
    from beatgen.cli import main

    assert main(["build", "--source", str(trends_site), "--now", NOW, "--quiet"]) == 0
    return trends_site / "public"


def rows(table) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")]


def test_stories_per_week_with_impact_spread(built: Path) -> None:
    table = soup(built / "trends" / "index.html").select_one("#chart-weekly table")
    weeks = rows(table)
    assert len(weeks) == 24 and weeks[0][0] == "Dec 15, 2025" and weeks[-1][0] == "May 25, 2026"
    busy = {week[0]: week[1:] for week in weeks if week[1] != "0"}
    assert busy == {
        "Dec 15, 2025": ["2", "7.0", "5", "9"], "Mar 2, 2026": ["1", "7.0", "7", "7"],
        "Mar 23, 2026": ["1", "3.0", "3", "3"], "Apr 6, 2026": ["1", "5.0", "5", "5"],
        "Apr 20, 2026": ["1", "10.0", "10", "10"], "May 4, 2026": ["1", "2.0", "2", "2"],
        "May 18, 2026": ["1", "6.0", "6", "6"], "May 25, 2026": ["2", "6.0", "4", "8"],
    }
    assert weeks[1] == ["Dec 22, 2025", "0", "–", "–", "–"]


def test_sentiment_mix_and_single_source_share_per_month(built: Path) -> None:
    page = soup(built / "trends" / "index.html")
    mix = rows(page.select_one("#chart-sentiment table"))
    assert mix == [
        ["December 2025", "1", "0", "1", "0", "0", "2"], ["January 2026", "0", "0", "0", "0", "0", "0"],
        ["February 2026", "0", "0", "0", "0", "0", "0"], ["March 2026", "0", "2", "0", "0", "0", "2"],
        ["April 2026", "0", "0", "1", "0", "1", "2"], ["May 2026", "1", "1", "1", "1", "0", "4"],
    ]
    single = rows(page.select_one("#chart-single table"))
    assert [row[1:] for row in single] == [["1", "2", "50% (1 of 2)"], ["0", "0", "–"], ["0", "0", "–"],
                                           ["1", "2", "50% (1 of 2)"], ["0", "2", "0% (0 of 2)"],
                                           ["2", "4", "50% (2 of 4)"]]
    figure = page.select_one("#chart-single")
    assert figure.select_one(".chart-desc").get_text().endswith("In May 2026: 50% (2 of 4).")
    notes = [t.get_text() for t in figure.select("svg.chart-wide text.note")]
    assert notes == ["1 of 2", "1 of 2", "0 of 2", "2 of 4"]


def test_rising_and_falling_in_30_and_90_day_windows(built: Path) -> None:
    tables = soup(built / "trends" / "index.html").select("table.movers")
    by_caption = {table.caption.get_text(): rows(table) for table in tables}
    assert by_caption["Topics: last 30 days against the 30 before"] == [["Air defense", "1", "2", "▲ +1 (rising)"]]
    assert by_caption["Topics: last 90 days against the 90 before"] == [
        ["Space", "0", "4", "▲ +4 (rising)"], ["Air defense", "0", "3", "▲ +3 (rising)"],
        ["Drones", "1", "2", "▲ +1 (rising)"], ["Hypersonics", "1", "0", "▼ −1 (falling)"]]
    assert by_caption["Who's affected: last 30 days against the 30 before"] == [
        ["Iran", "1", "2", "▲ +1 (rising)"], ["ESA", "1", "0", "▼ −1 (falling)"]]
    assert by_caption["Who's affected: last 90 days against the 90 before"][0] == ["NASA", "0", "4", "▲ +4 (rising)"]


def test_topic_month_heat_table_shows_counts_and_shading(built: Path) -> None:
    table = soup(built / "trends" / "index.html").select_one("table.heat")
    assert [th.get_text() for th in table.thead.find_all("th")][1:] == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "All"]
    assert rows(table) == [["Space", "0", "0", "0", "0", "2", "2", "4"],
                           ["Air defense", "0", "0", "0", "0", "1", "2", "3"],
                           ["Drones", "1", "0", "0", "2", "0", "0", "3"],
                           ["Hypersonics", "1", "0", "0", "0", "0", "0", "1"]]
    cells = table.tbody.tr.find_all("td")
    assert [cell["class"] for cell in cells[:6]] == [["heat-0"]] * 4 + [["heat-5"]] * 2
    assert table.select_one("a")["href"] == "/topics/space/"


def test_every_chart_is_labelled_svg_with_a_text_equivalent(built: Path) -> None:
    page = soup(built / "trends" / "index.html")
    figures = page.select("figure.chart-figure")
    assert [f["id"] for f in figures] == ["chart-weekly", "chart-impact", "chart-sentiment", "chart-single"]
    for figure in figures:
        svg = ET.fromstring(str(figure.find("svg")))
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text and len(desc.text) > 40
        assert figure.select_one("details summary").get_text() == "Data table"
    weekly = ET.fromstring(str(figures[0].find("svg")))
    assert len(weekly.findall(f".//{SVG}g[@class='bars']/{SVG}rect")) == 8
    stacked = ET.fromstring(str(figures[2].find("svg")))
    assert len(stacked.findall(f".//{SVG}pattern")) == 5
    assert len(stacked.findall(f".//{SVG}rect[@class]")) >= 9
    assert [li.get_text() for li in figures[2].select(".legend li")][0] == "Very negative"


def test_ties_are_reported_as_ties(built: Path) -> None:
    desc = soup(built / "trends" / "index.html").select_one("#chart-weekly .chart-desc").get_text()
    assert desc.endswith("the busiest weeks, tied at 2 stories each, began Dec 15, 2025 and May 25, 2026.")


def test_ties_at_the_cut_of_movers_and_heat_rows_are_not_hidden(tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    """Ten affected parties rise by one each (eight are listed, the table says two more did too); thirteen
    topics have one story each (the heat table keeps all of them, tied at the twelfth)."""
    site = copy_site("mini", tmp_path / "site")
    for path in (site / "content" / "stories").rglob("*.md"):
        path.unlink()
    write_story(site, "old", "2026-01-05", topics=["t0"], affected=["Z"])
    write_story(site, "many", "2026-05-29", topics=[f"t{n}" for n in range(1, 13)],
                affected=[f"E{n:02}" for n in range(10)])
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    page = soup(site / "public" / "trends" / "index.html")
    table = next(t for t in page.select("table.movers") if t.caption.get_text().startswith("Who's affected: last 30"))
    assert [row[0] for row in rows(table)] == [f"E{n:02}" for n in range(8)] + ["2 more also rose by 1."]
    assert len(rows(page.select_one("table.heat"))) == 13


def test_charts_have_axis_titles_and_a_narrow_layout_with_fewer_labels(built: Path) -> None:
    page = soup(built / "trends" / "index.html")
    titles = {"chart-weekly": ("Stories", "Week (starting Monday)"), "chart-impact": ("Impact score (1–10)",
              "Week (starting Monday)"), "chart-sentiment": ("Stories", "Month"),
              "chart-single": ("Single-source share (%)", "Month")}
    for chart_id, expected in titles.items():
        wide, narrow = page.select(f"#{chart_id} svg.chart")
        assert (wide["class"][1], narrow["class"][1]) == ("chart-wide", "chart-narrow")
        assert wide["viewbox"] == "0 0 720 280" and narrow["viewbox"] == "0 0 280 240"
        for svg in (wide, narrow):
            assert tuple(t.get_text() for t in svg.select("text.axis-title")) == expected
            assert svg["aria-labelledby"] == f"{svg.title['id']} {svg.desc['id']}"
    wide, narrow = page.select("#chart-weekly svg.chart")
    labels = [t.get_text() for t in wide.select("text.tick") if not t.get_text()[0].isdigit()]
    assert labels == ["Dec 2025", "Jan 2026", "Feb", "Mar", "Apr", "May"]
    assert [t.get_text() for t in narrow.select("text.tick") if not t.get_text()[0].isdigit()] == [
        "Dec 2025", "Feb 2026", "Apr", "May"]


def test_trends_page_is_identical_across_builds(trends_site: Path, built: Path,
                                                beatgen: Callable[..., Run]) -> None:
    again = trends_site / "again"
    assert beatgen("build", "--source", trends_site, "--now", "2027-01-01T00:00:00Z", "--output", again).code == 0
    assert (again / "trends" / "index.html").read_bytes() == (built / "trends" / "index.html").read_bytes()


def test_topic_page_has_sparkline_on_the_common_scale_and_feed_link(built: Path) -> None:
    """The busiest week of any topic or entity holds 2 stories (air defense and Iran, week of May 25): every
    sparkline's bars are drawn against 2, so Space's weeks of one story are half height."""
    page = soup(built / "topics" / "space" / "index.html")
    svg = ET.fromstring(str(page.select_one("figure.sparkline svg")))
    assert svg.find(f"{SVG}title").text == "Space: stories and impact per week"
    assert [rect.get("height") for rect in svg.findall(f".//{SVG}rect")] == ["22"] * 4
    desc = svg.find(f"{SVG}desc").text
    assert "in the 26 weeks to the week of May 25, 2026, 4 in all, on a scale of 0 to 2 stories" in desc
    assert desc.endswith("; 5.8 over the period.")
    assert len(svg.findall(f".//{SVG}circle")) == 4 and not svg.findall(f".//{SVG}polyline")
    assert page.select_one("figure.sparkline figcaption").get_text(" ", strip=True).startswith(desc)
    assert page.select_one("a.feed-link")["href"] == "/topics/space/feed.xml"
    busiest_page = soup(built / "topics" / "air-defense" / "index.html")
    busiest = ET.fromstring(str(busiest_page.select_one("figure.sparkline svg")))
    assert sorted(rect.get("height") for rect in busiest.findall(f".//{SVG}rect")) == ["22", "44"]
    entity = soup(built / "affected" / "nasa" / "index.html")
    assert entity.select_one("figure.sparkline svg") is not None
    assert entity.select_one("a.feed-link")["href"] == "/affected/nasa/feed.xml"


def test_sparkline_draws_lone_weeks_as_dots_and_joins_consecutive_ones() -> None:
    svg = ET.fromstring(str(sparkline("s", "Title", "Description", [1, 0, 2, 1], [5.0, None, 6.0, 8.0], 4)))
    assert [rect.get("height") for rect in svg.findall(f".//{SVG}rect")] == ["11", "22", "11"]
    assert [(c.get("cx"), c.get("cy")) for c in svg.findall(f".//{SVG}circle")] == [
        ("30", "24"), ("150", "20"), ("210", "12")]
    assert [p.get("points") for p in svg.findall(f".//{SVG}polyline")] == ["150,20 210,12"]


def test_nav_and_story_coverage_link_to_trends(built: Path) -> None:
    story = soup(built / "stories" / "2026" / "05" / "a" / "index.html")
    assert story.select_one("nav a[href='/trends/']").get_text() == "Trends"
    coverage = [a["href"] for a in story.select("#coverage a")]
    assert coverage == ["/methodology/", "/glossary/", "/trends/"]
