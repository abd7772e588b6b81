"""The links that layouts, site.yaml and content put on built pages are checked against the site being
built: pages, feeds, static files and `#anchors`, in `check` and `build`, each reported once at the place
that wrote it. The real command runs in a child process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import copy_site, soup, tree_bytes, write_story

from beatgen.diagnostics import BuildError
from beatgen.engine.links import LinkScanner, split
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.state import BuildState

NOW = "2026-06-01T00:00:00Z"
ALPHA = Path("content/stories/2026/03/alpha.md")


def beatgen(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "beatgen", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": error: " in line]


def edit(path: Path, old: str, new: str) -> tuple[int, int]:
    """Replace `old` once; the 1-based line and column where `new` now starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    at = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def assert_refused(site: Path, expected: list[str]) -> None:
    """`check` and `build` report exactly these errors; the build leaves the last output as it was."""
    public = site / "public"
    before = tree_bytes(public) if public.exists() else None
    checked = beatgen("check", "--source", site, "--now", NOW)
    built = beatgen("build", "--source", site, "--now", NOW, "--no-search")
    for result in (checked, built):
        assert result.returncode == 1, result.stderr
        assert errors(result) == expected
    assert (tree_bytes(public) if public.exists() else None) == before


def test_the_default_corrections_policy_resolves_on_any_site(mini_site: Path) -> None:
    """The finding: the default pointed at a heading only the sample's methodology page has."""
    methodology = mini_site / "content" / "pages" / "methodology.md"
    methodology.write_text("---\ntitle: Methodology\n---\n\nHow the mini beat scores stories.\n")
    result = beatgen("build", "--source", mini_site, "--now", NOW, "--no-search")
    assert result.returncode == 0, result.stderr
    corrections = soup(mini_site / "public" / "corrections" / "index.html")
    assert corrections.select_one(".lede a")["href"] == "/corrections/#corrections-policy"
    assert corrections.select_one("#corrections-policy h2").get_text() == "How we correct"


def test_a_corrections_policy_that_points_nowhere_is_an_error_in_site_yaml(mini_site: Path) -> None:
    methodology = mini_site / "content" / "pages" / "methodology.md"
    methodology.write_text("---\ntitle: Methodology\n---\n\nHow the mini beat scores stories.\n")
    config = mini_site / "site.yaml"
    config.write_text(config.read_text() + "corrections_policy: /methodology/#corrections-policy\n")
    line = len(config.read_text().splitlines())
    assert_refused(mini_site, [
        f"site.yaml:{line}:21: error: broken link '/methodology/#corrections-policy' in corrections_policy: "
        "/methodology/ has no element with id 'corrections-policy'; link to an id it has, or give the section that "
        "id (on / and 21 other pages) [broken-link]"])


def test_a_mistyped_anchor_in_a_layout_is_one_error_at_its_line(mini_site: Path) -> None:
    line, column = edit(mini_site / "layouts" / "story.html", "#verification\">", "#verificaton\">")
    assert_refused(mini_site, [
        f"layouts/story.html:{line}:{column}: error: broken link '/methodology/#verificaton': /methodology/ has no "
        "element with id 'verificaton'; link to an id it has, or give the section that id "
        "(on /stories/2026/03/alpha/ and 2 other pages) [broken-link]"])


def test_a_layout_link_to_a_page_the_site_lacks(mini_site: Path) -> None:
    line, column = edit(mini_site / "layouts" / "base.html", "<a href=\"{{ url('/archive/') }}\">Archive</a>",
                        "<a href=\"{{ url('/contact/') }}\">Contact</a>")
    assert_refused(mini_site, [
        f"layouts/base.html:{line}:{column + 17}: error: broken link '/contact/': no page, feed or file of this build "
        "has that address; link to one that exists (on / and 21 other pages) [broken-link]"])


def test_a_root_relative_layout_link_under_a_base_path(mini_site: Path) -> None:
    config = mini_site / "site.yaml"
    config.write_text(config.read_text().replace("base_url: https://example.org/", "base_url: https://example.org/beat/"))
    line, column = edit(mini_site / "layouts" / "base.html", "<a href=\"{{ url('/archive/') }}\">Archive</a>",
                        "<a href=\"/about/\">About us</a>")
    assert_refused(mini_site, [
        f"layouts/base.html:{line}:{column + 9}: error: broken link 'https://example.org/about/': it leaves the site's "
        "base path /beat/; make the link with url() in layouts (on / and 21 other pages) [broken-link]"])


def test_a_content_link_to_a_missing_section_names_the_story_line(mini_site: Path) -> None:
    story = mini_site / ALPHA
    story.write_text(story.read_text() + "\nSee [the rubric](/methodology/#no-such-section).\n")
    line = len(story.read_text().splitlines())
    assert_refused(mini_site, [
        f"{ALPHA}:{line}:31: error: broken link '/methodology/#no-such-section': /methodology/ has no element with "
        "id 'no-such-section'; link to an id it has, or give the section that id (on /stories/2026/03/alpha/) "
        "[broken-link]"])


def test_unchanged_pages_are_checked_from_their_records(mini_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story links to a section of an unrelated story; renaming that section breaks the link although
    the linking page is neither rendered nor scanned again: its recorded links meet the other page's new ids."""
    write_story(mini_site, "zeta", "2025-06-01T08:00:00Z", body="## Launch window\n\nText.")
    story = mini_site / ALPHA
    story.write_text(story.read_text() + "\nSee [the window](/stories/2025/06/zeta/#launch-window).\n")
    line = len(story.read_text().splitlines())
    state = BuildState()
    options = BuildOptions(mini_site, mini_site / "public", now=NOW, search=False, jobs=1)
    build(options, state=state)
    record = state.pages["stories/2026/03/alpha/index.html"]
    assert "/stories/2025/06/zeta/#launch-window" in split(record.links)
    assert {"takeaways", "signals", "analysis"} <= set(split(record.ids))
    before = tree_bytes(mini_site / "public")
    scanned: list[str] = []
    real = LinkScanner.scan
    monkeypatch.setattr(LinkScanner, "scan", lambda self, page, data: scanned.append(page) or real(self, page, data))
    edit(mini_site / "content" / "stories" / "2025" / "06" / "zeta.md", "## Launch window", "## Launch date")
    with pytest.raises(BuildError) as failed:
        build(options, state=state)
    assert [d.text() for d in failed.value.diagnostics] == [
        f"{ALPHA}:{line}:40: error: broken link '/stories/2025/06/zeta/#launch-window': /stories/2025/06/zeta/ has "
        "no element with id 'launch-window'; link to an id it has, or give the section that id "
        "(on /stories/2026/03/alpha/) [broken-link]"]
    assert "/stories/2025/06/zeta/" in scanned and "/stories/2026/03/alpha/" not in scanned
    assert tree_bytes(mini_site / "public") == before
    edit(story, "/stories/2025/06/zeta/#launch-window", "/stories/2025/06/zeta/#launch-date")
    build(options, state=state)
    assert soup(mini_site / "public" / "stories" / "2025" / "06" / "zeta" / "index.html").select_one("#launch-date")
    build(BuildOptions(mini_site, mini_site / "clean", now=NOW, search=False, cache=False))
    assert tree_bytes(mini_site / "public") == tree_bytes(mini_site / "clean")
    edit(story, "/stories/2025/06/zeta/#launch-date", "/stories/2025/06/zeta/#launch-time")
    with pytest.raises(BuildError) as again:
        build(options, state=state)
    assert [d.code for d in again.value.diagnostics] == ["broken-link"]


def test_every_link_on_the_sample_site_resolves(tmp_path: Path) -> None:
    """The sample's own pages, feeds and sitemaps pass the check (the test crawler confirms it independently
    in test_quality.py), and `check` writes nothing."""
    site = copy_site("sample", tmp_path / "site")
    before = sorted(path.relative_to(site) for path in site.rglob("*"))
    result = beatgen("check", "--source", site, "--now", "2026-12-01T00:00:00Z")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^0 error\(s\), \d+ warning\(s\)$", result.stderr, re.M)
    assert sorted(path.relative_to(site) for path in site.rglob("*")) == before
