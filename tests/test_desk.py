"""`beatgen desk`: the editor's board of the desk fixture site, exactly, as text and JSON; the private HTML page
(never written into the site's sources or output, never over a file it did not write); `serve`'s
/__beatgen/desk; and the dates the board recognises in "What to watch"."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from servekit import serving
from sitekit import Run, copy_site, soup, tree_bytes

from beatgen.desk.dates import named_dates

NOW = "2026-06-01T00:00:00Z"
BOARD = """\
The desk at 2026-06-01T00:00:00+00:00

Drafts (1)
  content/stories/2026/05/drafted.md:13:1: A draft on the launch contract · 2026-05-28T10:00:00+00:00 · held back \
until 'draft: true' is deleted

Scheduled (1)
  content/stories/2026/06/launch-window.md:3:1: The launch window opens on Wednesday · 2026-06-03T06:00:00+00:00 · \
goes out with the first build after this time

Embargoed (1)
  content/stories/2026/05/tender-result.md:4:1: The tender result, under embargo · 2026-06-02T06:00:00+00:00 · held \
back from every output until this time

Single-source stories (1)
  content/stories/2026/05/single-sourced.md:9:1: One outlet reports a satellite failure · 2026-05-20T08:00:00+00:00 · \
one source (orbit-news.example); a second outlet would verify it

Corrections of the last 30 days (1)
  content/stories/2026/05/single-sourced.md:14:3: One outlet reports a satellite failure · 2026-05-25T00:00:00+00:00 \
· An earlier version named the wrong operator.

What to watch: dates that have passed (1)
  content/stories/2026/04/budget-vote.md:20:38: The space budget goes to a vote · 2026-05-12 · “Watch the Senate \
committee vote on May 12, then the floor vote.”

Stories without a picture (4)
  content/stories/2026/04/budget-vote.md:2:1: The space budget goes to a vote · 2026-04-20T12:00:00+00:00 · no \
'image:' (a picture file and its alt text): the page shows no picture of its own
  content/stories/2026/05/single-sourced.md:2:1: One outlet reports a satellite failure · 2026-05-20T08:00:00+00:00 \
· no 'image:' (a picture file and its alt text): the page shows no picture of its own
  content/stories/2026/05/tender-result.md:2:1: The tender result, under embargo · 2026-05-30T09:00:00+00:00 · no \
'image:' (a picture file and its alt text): the page shows no picture of its own
  content/stories/2026/06/launch-window.md:2:1: The launch window opens on Wednesday · 2026-06-03T06:00:00+00:00 · \
no 'image:' (a picture file and its alt text): the page shows no picture of its own

Action items without reasons for their scores (1)
  content/stories/2026/04/budget-vote.md:6:1: The space budget goes to a vote · 2026-04-20T12:00:00+00:00 · impact \
8 (action items from 8) without 'impact_reason:' or 'sentiment_reason:'
"""


@pytest.fixture
def desk_site(tmp_path: Path) -> Path:
    return copy_site("desk", tmp_path / "site")


def _desk(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "beatgen", "desk", "--source", str(site), *args],
                          capture_output=True, text=True, check=False)


def test_the_board_lists_the_desk_exactly(desk_site: Path) -> None:
    result = _desk(desk_site, "--now", NOW)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == BOARD


def test_the_board_as_json_a_month_later(desk_site: Path) -> None:
    """The scheduled story is out, the embargo lifted, the correction older than 30 days, and "by 1 July" passed."""
    result = _desk(desk_site, "--now", "2026-07-02T00:00:00Z", "--format", "json")
    board = json.loads(result.stdout)
    assert board["now"] == "2026-07-02T00:00:00+00:00" and board["unread"] == []
    sections = {s["name"]: [(i["file"], i["line"], i["column"], i["url"], i["when"]) for i in s["items"]]
                for s in board["sections"]}
    watch = "content/stories/2026/04/budget-vote.md"
    assert sections == {
        "drafts": [("content/stories/2026/05/drafted.md", 13, 1, "/stories/2026/05/drafted/",
                    "2026-05-28T10:00:00+00:00")],
        "scheduled": [], "embargoed": [],
        "single-source": [("content/stories/2026/05/single-sourced.md", 9, 1, "/stories/2026/05/single-sourced/",
                           "2026-05-20T08:00:00+00:00")],
        "corrections": [],
        "watch": [(watch, 20, 38, "/stories/2026/04/budget-vote/", "2026-05-12"),
                  (watch, 21, 68, "/stories/2026/04/budget-vote/", "2026-07-01")],
        "no-picture": [(f"content/stories/2026/{name}.md", 2, 1, f"/stories/2026/{name}/", when) for name, when in (
            ("04/budget-vote", "2026-04-20T12:00:00+00:00"), ("05/single-sourced", "2026-05-20T08:00:00+00:00"),
            ("05/tender-result", "2026-05-30T09:00:00+00:00"), ("06/launch-window", "2026-06-03T06:00:00+00:00"))],
        "no-reason": [(watch, 6, 1, "/stories/2026/04/budget-vote/", "2026-04-20T12:00:00+00:00")],
    }
    last = board["sections"][5]["items"][-1]
    assert last["note"] == "“The final budget is due 2026-07-15; the agency's plan follows by 1 July.”"
    assert [s["title"] for s in board["sections"]] == [
        "Drafts", "Scheduled", "Embargoed", "Single-source stories", "Corrections of the last 30 days",
        "What to watch: dates that have passed", "Stories without a picture",
        "Action items without reasons for their scores"]


def test_a_file_with_errors_is_named_under_the_board(desk_site: Path) -> None:
    draft = desk_site / "content/stories/2026/05/drafted.md"
    draft.write_text(draft.read_text().replace("impact: 4", "impact: 40"))
    result = _desk(desk_site, "--now", NOW)
    assert result.returncode == 0
    assert "Drafts (0)\n  none\n" in result.stdout
    assert result.stdout.endswith("\nNot on the board, as they fail `beatgen check`: "
                                  "content/stories/2026/05/drafted.md\n")


def test_the_board_as_a_private_page(desk_site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    result = _desk(desk_site, "--now", NOW, "--html", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"Wrote the desk to {folder}/index.html: a private page, keep it out of the published "
                             "site\n")
    page = soup(folder / "index.html")
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert [h.get_text() for h in page.find_all("h2")] == [
        "Drafts (1)", "Scheduled (1)", "Embargoed (1)", "Single-source stories (1)",
        "Corrections of the last 30 days (1)", "What to watch: dates that have passed (1)",
        "Stories without a picture (4)", "Action items without reasons for their scores (1)"]
    rows = [[cell.get_text() for cell in row.find_all("td")] for row in page.select("#watch tbody tr")]
    assert rows == [["The space budget goes to a vote", "2026-05-12",
                     "“Watch the Senate committee vote on May 12, then the floor vote.”",
                     "content/stories/2026/04/budget-vote.md:20:38"]]
    assert page.select("a") == []  # outside `serve` there is no preview to link to
    assert _desk(desk_site, "--now", "2026-07-02T00:00:00Z", "--html", str(folder)).returncode == 0
    later = (folder / "index.html").read_text()
    assert "Drafts (1)" in later and "Scheduled (0)" in later
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]


@pytest.mark.parametrize("inside", [".", "content", "content/stories", "layouts", "static", "data", "public",
                                    "preview/desk"])
def test_the_page_is_never_written_into_the_site_or_its_output(inside: str, desk_site: Path) -> None:
    before = tree_bytes(desk_site)
    result = _desk(desk_site, "--html", str(desk_site / inside))
    assert result.returncode == 2
    assert result.stderr == (f"error: {desk_site / inside} is the site's folder, or inside its sources or its output, "
                             "where a private page could be published or committed; write it elsewhere, e.g. --html "
                             "../desk\n")
    assert tree_bytes(desk_site) == before and not (desk_site / inside / "index.html").exists()


def test_a_page_it_did_not_write_is_left_alone(desk_site: Path, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "index.html").write_text("<p>My notes</p>")
    result = _desk(desk_site, "--html", str(tmp_path / "notes"))
    assert result.returncode == 2
    assert result.stderr == (f"error: {tmp_path}/notes/index.html exists and was not written by `beatgen desk`; it was "
                             "left as it is: choose another folder\n")
    assert (tmp_path / "notes" / "index.html").read_text() == "<p>My notes</p>"


def test_serve_shows_the_board_and_keeps_it_out_of_the_output(desk_site: Path) -> None:
    with serving(desk_site, "--now", NOW, "--verbose") as served:
        output = Path(served.wait_for(r"Preview output: (\S+)").group(1))
        page = soup_of(served.url + "__beatgen/desk")
        links = {a.get_text(): a["href"] for a in page.select("#drafts a, #embargoed a")}
        assert links == {"A draft on the launch contract": "/stories/2026/05/drafted/",
                         "The tender result, under embargo": "/stories/2026/05/tender-result/"}
        story = desk_site / "content/stories/2026/04/budget-vote.md"
        story.write_text(story.read_text().replace("impact: 8\n", "impact: 8\ndraft: true\n"))
        drafts = [row.td.get_text() for row in soup_of(served.url + "__beatgen/desk").select("#drafts tbody tr")]
        assert drafts == ["The space budget goes to a vote", "A draft on the launch contract"]
        assert not [p for p in output.rglob("*") if p.is_file() and b"beatgen desk" in p.read_bytes()]


def soup_of(url: str):  # noqa: ANN201 - a BeautifulSoup document
    from bs4 import BeautifulSoup

    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return BeautifulSoup(response.read().decode("utf-8"), "html.parser")


@pytest.mark.parametrize(("text", "found"), [
    ("Watch the vote on May 12.", [("May 12", date(2026, 5, 12))]),
    ("Due 2026-07-15 and by 1 July.", [("2026-07-15", date(2026, 7, 15)), ("1 July", date(2026, 7, 1))]),
    ("Hearings Sept. 30th, Dec 3, 2027 and 12 June 2028.",
     [("Sept. 30th", date(2026, 9, 30)), ("Dec 3, 2027", date(2027, 12, 3)), ("12 June 2028", date(2028, 6, 12))]),
    ("A date before the story's is next year's: March 3.", [("March 3", date(2027, 3, 3))]),
    ("Nothing to pass: by June, mid-May, next week, 2026-02-30, Feb 30, in may 12 days.", []),
], ids=["month-day", "iso-and-day-month", "abbreviations-and-years", "next-year", "no-day"])
def test_dates_in_what_to_watch(text: str, found: list[tuple[str, date]]) -> None:
    assert [(d.text, d.day) for d in named_dates(text, date(2026, 3, 14))] == found


def test_the_cli_refuses_a_bad_clock(beatgen: Callable[..., Run], desk_site: Path) -> None:
    result = beatgen("desk", "--source", desk_site, "--now", "tomorrow")
    assert result.code == 2
    assert ("(command line):1:1: error: --now must be a date or time such as 2026-03-15T06:00:00Z, got 'tomorrow' "
            "[bad-clock]") in result.err


def test_pictures_and_reasons_on_the_sample_board(tmp_path: Path) -> None:
    """The sample site: exactly its published stories without `image:` are listed, and a reason added to an
    action item takes it off the board."""
    site = copy_site("sample", tmp_path / "site")
    board = json.loads(_desk(site, "--now", "2026-11-30T00:00:00Z", "--format", "json").stdout)
    sections = {s["name"]: {i["file"] for i in s["items"]} for s in board["sections"]}
    files = {p.relative_to(site).as_posix(): p.read_text() for p in (site / "content/stories").rglob("*.md")}
    assert sections["no-picture"] == {f for f, text in files.items()
                                      if "\nimage:" not in text and "\ndraft: true" not in text}
    assert sections["no-reason"] == set()
    action = next(f for f, text in files.items() if "\nimpact: 10\n" in text)
    text = files[action]
    (site / action).write_text(text.replace("\nimpact_reason:", "\nformer_reason:"))
    board = json.loads(_desk(site, "--now", "2026-11-30T00:00:00Z", "--format", "json").stdout)
    assert [i["file"] for i in board["sections"][-1]["items"]] == [action]
