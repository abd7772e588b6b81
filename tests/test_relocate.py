"""`beatgen rename` and `beatgen move`, run as the real command: the story's file, slug or date change, its old URL
becomes an alias that redirects, and every link (by file or by URL, in stories, pages and front matter) and
timeline reference (by slug or by YEAR/MONTH/slug) follows; a change that would fail `check` is refused with
every file of the site untouched; a failure half-way through writing undoes what was written."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import copy_site, soup

from beatgen.edits.commit import Change, CommitError, commit

NOW = "2026-06-01T00:00:00Z"
STORIES = "content/stories"


def _beatgen(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "beatgen", *args, "--source", str(site), "--now", NOW],
                          capture_output=True, text=True, check=False)


def _hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The mini site, with more ways to point at beta: a qualified timeline reference and an anchored link from a
    CRLF file, a page's links, and beta's own link to alpha by file."""
    site = copy_site("mini", tmp_path / "site")
    (site / STORIES / "2026/03/escape.md").unlink()  # its raw HTML is a warning: the site passes `check --strict`
    (site / STORIES / "2026/04").mkdir()
    (site / STORIES / "2026/04/echo.md").write_bytes(
        ('---\ntitle: "Echo follows beta"\ndate: 2026-04-02\ntakeaways:\n  - "Beta led here: '
         '[beta](/stories/2026/02/beta/)."\nimpact: 4\nsentiment: neutral\nsources:\n  - outlet: wire.example\n'
         '    title: "Echo"\n    url: https://wire.example/echo\ntimeline:\n  - {date: 2026-02-10, event: "Beta", '
         'story: "2026/02/beta"}\n---\n\nSee [the trials](../02/beta.md#what-it-changes) and [alpha](../03/alpha.md).'
         '\n').replace("\n", "\r\n").encode())
    about = site / "content/pages/about.md"
    about.write_text(about.read_text() + "\nOur longest story: [beta](/stories/2026/02/beta/), "
                                         "[by file](../stories/2026/02/beta.md).\n")
    beta = site / STORIES / "2026/02/beta.md"
    beta.write_text(beta.read_text() + "\n## What it changes\n\nIt led to [alpha](../03/alpha.md).\n")
    return site


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))


def test_rename_updates_every_reference_and_the_old_url_redirects(site: Path) -> None:
    before = _hashes(site)
    result = _beatgen(site, "rename", "beta", "beta-trials")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Moved {STORIES}/2026/02/beta.md to {STORIES}/2026/02/beta-trials.md",
        "Its URL /stories/2026/02/beta/ is now /stories/2026/02/beta-trials/; the old one redirects (added to its "
        "'aliases:')",
        f"Updated 7 links and 2 timeline references in content/pages/about.md, {STORIES}/2026/03/alpha.md, "
        f"{STORIES}/2026/04/echo.md"]
    assert _changed(before, _hashes(site)) == ["content/pages/about.md", f"{STORIES}/2026/02/beta-trials.md",
                                               f"{STORIES}/2026/02/beta.md", f"{STORIES}/2026/03/alpha.md",
                                               f"{STORIES}/2026/04/echo.md"]
    beta = (site / STORIES / "2026/02/beta-trials.md").read_text()
    assert beta.endswith("---\n\nThe beta trials concluded on schedule at the northern range.\n\nA second paragraph "
                         "closes the story.\n\n## What it changes\n\nIt led to [alpha](../03/alpha.md).\n")
    assert "    url: https://wire.example/c/4\naliases:\n  - /stories/2026/02/beta/\n---\n" in beta
    alpha = (site / STORIES / "2026/03/alpha.md").read_text()
    assert alpha.count("(../02/beta-trials.md)") == 2 and "(/stories/2026/02/beta-trials/)" in alpha
    assert "    story: beta-trials\n" in alpha and "beta.md" not in alpha
    echo = (site / STORIES / "2026/04/echo.md").read_bytes().decode()
    assert echo.count("\r\n") == echo.count("\n")  # still CRLF
    assert "[beta](/stories/2026/02/beta-trials/)" in echo and 'story: "2026/02/beta"' not in echo
    assert "story: 2026/02/beta-trials}" in echo and "(../02/beta-trials.md#what-it-changes)" in echo
    about = (site / "content/pages/about.md").read_text()
    assert "[beta](/stories/2026/02/beta-trials/), [by file](../stories/2026/02/beta-trials.md)" in about
    assert _beatgen(site, "check", "--strict").returncode == 0
    assert _beatgen(site, "build", "--quiet").returncode == 0
    redirect = soup(site / "public/stories/2026/02/beta/index.html")
    assert redirect.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/stories/2026/02/beta-trials/"
    assert soup(site / "public/stories/2026/02/beta-trials/index.html").h1.get_text() == "Beta range trials conclude"


def test_move_to_a_new_date_takes_the_file_to_its_month_and_keeps_its_own_links(site: Path) -> None:
    result = _beatgen(site, "move", f"{STORIES}/2026/02/beta.md", "--date", "2025-12-05T09:00:00Z")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        f"Moved {STORIES}/2026/02/beta.md to {STORIES}/2025/12/beta.md",
        "Its URL /stories/2026/02/beta/ is now /stories/2025/12/beta/; the old one redirects (added to its "
        "'aliases:')"]
    beta = (site / STORIES / "2025/12/beta.md").read_text()
    assert "\ndate: 2025-12-05T09:00:00Z\n" in beta and "aliases:\n  - /stories/2026/02/beta/\n" in beta
    assert beta.endswith("It led to [alpha](../../2026/03/alpha.md).\n")
    alpha = (site / STORIES / "2026/03/alpha.md").read_text()
    assert alpha.count("(../../2025/12/beta.md)") == 2 and "(/stories/2025/12/beta/)" in alpha
    assert "    story: beta\n" in alpha  # a slug alone still names it
    assert "story: 2025/12/beta}" in (site / STORIES / "2026/04/echo.md").read_text()
    assert _beatgen(site, "check", "--strict").returncode == 0


def test_move_to_a_folder_keeps_the_url(site: Path) -> None:
    result = _beatgen(site, "move", "beta", "--to", "2026/03")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Moved {STORIES}/2026/02/beta.md to {STORIES}/2026/03/beta.md",
        "Its URL stays /stories/2026/02/beta/ (it follows the story's date and slug, not its folder)",
        f"Updated 4 links and 0 timeline references in content/pages/about.md, {STORIES}/2026/03/alpha.md, "
        f"{STORIES}/2026/04/echo.md"]
    beta = (site / STORIES / "2026/03/beta.md").read_text()
    assert "aliases" not in beta and beta.endswith("It led to [alpha](../03/alpha.md).\n")  # resolves from 03 too
    assert "(/stories/2026/02/beta/)" in (site / STORIES / "2026/03/alpha.md").read_text()
    assert _beatgen(site, "check", "--strict").returncode == 0


REFUSALS = {
    "ambiguous": (
        ["rename", "alpha", "beta"],
        [f"{STORIES}/2026/03/beta.md:31:12: error: timeline names story 'beta', which is the slug of 2 stories "
         f"({STORIES}/2026/02/beta.md and {STORIES}/2026/03/beta.md); write '2026/02/beta' or '2026/03/beta' to "
         "name one [ambiguous-story]",
         "error: nothing was written: after the change the site would not pass `beatgen check`"]),
    "an-alias": (
        ["rename", "beta", "beta-old"],
        ["content/pages/about.md:3:11: error: alias '/stories/2026/02/beta-old/' is the URL of "
         f"{STORIES}/2026/02/beta-old.md, a live page; an old path can only redirect once nothing lives there: delete "
         "the alias, or give that page another URL [alias-conflict]",
         "error: nothing was written: after the change the site would not pass `beatgen check`"]),
    "a-file": (
        ["rename", "beta", "old-beta"],
        [f"error: {STORIES}/2026/02/old-beta.md already exists; it was left as it is: choose another name"]),
    "errors-first": (
        ["move", "beta", "--to", "2026/05"],
        [f"{STORIES}/2026/03/gamma.md:7:9: error: impact must be an integer from 1 to 10, got 50 [out-of-range]",
         "error: the site does not pass `beatgen check` as it is; fix these first, then run this again"]),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_a_change_that_would_fail_check_is_refused_with_every_file_untouched(case: str, site: Path) -> None:
    about = site / "content/pages/about.md"
    alias = "aliases: [/stories/2026/02/beta-old/]"
    about.write_text(about.read_text().replace("title: About\n", f"title: About\n{alias}\n"))
    (site / STORIES / "2026/02/old-beta.md").write_text((site / STORIES / "2026/02/beta.md").read_text()
                                                        .replace("title:", "slug: beta-before\ntitle:", 1))
    if case == "errors-first":
        gamma = site / STORIES / "2026/03/gamma.md"
        gamma.write_text(gamma.read_text().replace("impact: 5", "impact: 50"))
    before = _hashes(site)
    args, expected = REFUSALS[case]
    result = _beatgen(site, *args)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == expected
    assert _hashes(site) == before


def test_a_move_into_the_future_is_refused_while_published_stories_link_to_it(site: Path) -> None:
    before = _hashes(site)
    result = _beatgen(site, "move", "beta", "--date", "2027-01-05T09:00:00Z")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == ("content/pages/about.md:7:27: error: broken internal link '/stories/2027/01/beta/': it points "
                        f"at {STORIES}/2027/01/beta.md, which is scheduled for 2027-01-05T09:00:00+00:00; remove the "
                        "link until it is published [broken-link]")
    assert len(lines) == 10 and lines[-1] == ("error: nothing was written: after the change the site would not pass "
                                              "`beatgen check`")
    assert _hashes(site) == before


def test_usage_errors(site: Path) -> None:
    before = _hashes(site)
    for args, code, message in [
        (["move", "beta"], 2, "error: say where the story goes: --to YEAR/MONTH (its folder), --date DATE (its date, "
                              "which its URL follows), or both"),
        (["move", "beta", "--to", "2026/13"], 2, "(command line):1:1: error: --to must be a year and month such as "
                                                 "2026/05, got '2026/13' [bad-folder]"),
        (["move", "beta", "--date", "soon"], 2, "(command line):1:1: error: --date must be a date such as "
                                                "2026-03-14 or 2026-03-14T09:30:00Z, got 'soon' [bad-date]"),
        (["rename", "beta", "Beta Trials"], 1, "error: the new slug must use only a-z, 0-9 and single '-' (at most 100 "
                                               "characters), got 'Beta Trials'"),
        (["rename", "bta", "new"], 1, "error: no story has the slug 'bta'; did you mean 'beta'? (give its slug, "
                                      "YEAR/MONTH/slug or its file path)"),
        (["move", "beta", "--to", "2026/02"], 1, f"error: {STORIES}/2026/02/beta.md is already in {STORIES}/2026/02/ "
                                                 "and dated 2026-02-10T00:00:00+00:00: nothing to move"),
    ]:
        result = _beatgen(site, *args)
        assert (result.returncode, result.stderr.splitlines()[-1]) == (code, message)
    assert _hashes(site) == before


def _leftovers(root: Path) -> list[str]:
    return [p.name for p in root.rglob(".*") if ".beatgen-" in p.name]


def test_a_failure_while_writing_the_new_files_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "b.md").write_text("b")
    (tmp_path / "blocked").write_text("a file where a folder is needed")
    changes = [Change("a.md", b"a", b"A"), Change("b.md", b"b", b"B", to="new/deeper/b.md"),
               Change("b.md", b"b", b"B", to="blocked/b.md")]
    with pytest.raises(CommitError, match="nothing was changed"):
        commit(tmp_path, changes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md", "blocked"]
    assert (tmp_path / "a.md").read_text() == "a" and _leftovers(tmp_path) == []


def test_a_failure_half_way_through_the_renames_undoes_the_first_ones(tmp_path: Path) -> None:
    """A file appears at the target of a move after the check: the link refuses it, and the file already
    replaced gets its old bytes back."""
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "b.md").write_text("b")
    (tmp_path / "c.md").write_text("someone else's file")
    with pytest.raises(CommitError):
        commit(tmp_path, [Change("a.md", b"a", b"A"), Change("b.md", b"b", b"B", to="c.md")])
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"a.md": "a", "b.md": "b",
                                                                   "c.md": "someone else's file"}


def test_a_file_edited_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("edited by a writer since")
    with pytest.raises(CommitError, match="a.md changed while this command ran; nothing was written"):
        commit(tmp_path, [Change("a.md", b"a", b"A")])
    assert (tmp_path / "a.md").read_text() == "edited by a writer since"


def test_the_name_that_decides_the_slug_is_the_one_renamed(site: Path) -> None:
    """A file named `Wisła.md` has the slug `wisla` from its name: the file is renamed. A file with a `slug:` line
    and a name of its own keeps its name: the line is changed."""
    beta = (site / STORIES / "2026/02/beta.md").read_text()
    (site / STORIES / "2026/02/Wisła.md").write_text(beta.replace("Beta range", "Wisła range"))
    (site / STORIES / "2026/02/2026-02-11-notes.md").write_text(beta.replace("title:", "slug: notes\ntitle:", 1))
    assert _beatgen(site, "rename", "wisla", "wisla-range").returncode == 0
    assert not (site / STORIES / "2026/02/Wisła.md").exists()
    assert "slug:" not in (site / STORIES / "2026/02/wisla-range.md").read_text()
    assert _beatgen(site, "rename", "notes", "range-notes").returncode == 0
    notes = (site / STORIES / "2026/02/2026-02-11-notes.md").read_text()
    assert notes.startswith("---\nslug: range-notes\ntitle:") and "  - /stories/2026/02/notes/\n" in notes
    assert _beatgen(site, "check", "--strict").returncode == 0
