"""One story names another unambiguously: two months may share a slug, each story keeps its own page, and a
timeline names a shared slug by `YEAR/MONTH/slug`; unknown slugs, files and URLs get a "did you mean"."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sitekit import REPO, Run, soup, write_story

NOW = "2026-06-01T00:00:00Z"


def _timeline(site: Path, reference: str) -> Path:
    alpha = site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("    story: beta\n", f"    story: {reference}\n"))
    return alpha


def test_a_slug_two_months_share_is_an_ambiguous_reference(mini_site: Path) -> None:
    """Finding 5: the timeline's `story: beta` was silently resolved to one of the two stories."""
    write_story(mini_site, "beta", "2026-04-02")
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(mini_site), "--now", NOW]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    assert result.returncode == 1
    assert ("content/stories/2026/03/alpha.md:31:12: error: timeline names story 'beta', which is the slug of 2 "
            "stories (content/stories/2026/02/beta.md and content/stories/2026/04/beta.md); write '2026/02/beta' or "
            "'2026/04/beta' to name one [ambiguous-story]") in result.stderr.splitlines()
    assert not (mini_site / "public").exists()


def test_each_story_of_a_shared_slug_keeps_its_own_page_and_the_timeline_its_target(
        mini_site: Path, beatgen: Callable[..., Run]) -> None:
    write_story(mini_site, "beta", "2026-04-02", body="The April beta story.")
    _timeline(mini_site, "2026/04/beta")
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0, result.err
    stories = mini_site / "public" / "stories" / "2026"
    february, april = soup(stories / "02" / "beta" / "index.html"), soup(stories / "04" / "beta" / "index.html")
    assert february.h1.get_text() == "Beta range trials conclude"
    assert april.h1.get_text() == "Story beta" and "The April beta story." in april.select_one("#analysis").text
    alpha = soup(stories / "03" / "alpha" / "index.html")
    linked = {a.get_text(): a["href"] for a in alpha.select("#timeline a")}
    assert linked["Beta range trials concluded"] == "/stories/2026/04/beta/"
    back = "/stories/2026/03/alpha/"
    assert back in [a["href"] for a in april.select("#timeline a")]
    assert back not in [a["href"] for a in february.select("#timeline a")]
    alpha_file = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha_file.write_text(alpha_file.read_text().replace("story: 2026/04/beta", "story: 2026/02/beta"))
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    alpha = soup(stories / "03" / "alpha" / "index.html")
    assert {a.get_text(): a["href"] for a in alpha.select("#timeline a")}["Beta range trials concluded"] == \
        "/stories/2026/02/beta/"


def test_a_misspelt_reference_gets_the_nearest_slug(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    _timeline(mini_site, "betta")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert ("content/stories/2026/03/alpha.md:31:12: error: timeline names story 'betta', but no story has that "
            "slug; did you mean 'beta'? [unknown-story]") in result.err.splitlines()


def test_a_broken_link_gets_the_nearest_file_or_url_among_its_neighbours(mini_site: Path,
                                                                          beatgen: Callable[..., Run]) -> None:
    """Suggestions come from the link's folder and its file name, not from a search of every story."""
    for number in range(80):
        write_story(mini_site, f"filler-{number}", f"2026-01-{number % 28 + 1:02d}")
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    links = "See [filler](../01/filer-17.md) and [a URL](/stories/2025/01/filler-71/)."
    alpha.write_text(f"{alpha.read_text()}\n{links}\n")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    errors = [line for line in result.err.splitlines() if ": error: " in line]
    assert errors == [
        "content/stories/2026/03/alpha.md:50:14: error: broken internal link '../01/filer-17.md': no story, page or "
        "glossary file is at that path; did you mean '../01/filler-17.md'? [broken-link]",
        "content/stories/2026/03/alpha.md:50:45: error: broken internal link '/stories/2025/01/filler-71/': no page "
        "of the site has that URL; did you mean '/stories/2026/01/filler-71/'? [broken-link]"]


def test_references_to_a_story_with_errors_are_left_to_its_own_errors(mini_site: Path,
                                                                       beatgen: Callable[..., Run]) -> None:
    """alpha names beta in its timeline, by file and by URL: a beta that fails to read is reported once, at its
    own line, not again as a missing story at every place that names it."""
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("impact: 3", "impact: 11"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert [line for line in result.err.splitlines() if ": error: " in line] == [
        "content/stories/2026/02/beta.md:6:9: error: impact must be an integer from 1 to 10, got 11 [out-of-range]"]
