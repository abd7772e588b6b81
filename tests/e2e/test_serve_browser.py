"""A writer's loop in a real browser: save a story, see it change; break it, see where; fix it, see it clear;
search finds the saved words once the background index has caught up."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect
from servekit import serving
from sitekit import copy_site

from beatgen.engine.pipeline import check
from beatgen.engine.prepared import BuildOptions

TITLE = "Alpha command orders new IAMD batteries"
NOW = "2026-06-01T00:00:00Z"


def test_saving_a_story_reloads_the_open_tab_and_errors_show_in_an_overlay(tmp_path: Path, browser) -> None:
    site = copy_site("mini", tmp_path / "site")
    story = site / "content" / "stories" / "2026" / "03" / "alpha.md"
    original = story.read_text()
    with serving(site, "--now", NOW) as served:
        page = browser.new_page()
        page.goto(f"{served.url}stories/2026/03/alpha/")
        expect(page.locator("h1")).to_have_text(TITLE)

        story.write_text(original.replace(TITLE, "Alpha command doubles its IAMD order"))
        expect(page.locator("h1")).to_have_text("Alpha command doubles its IAMD order", timeout=5000)

        story.write_text(original.replace("\nimpact: 8\n", "\nimpact: [8\n"))
        found = check(BuildOptions(site, site / "unused", drafts=True, now=NOW))
        [problem] = [p for p in found if p.severity == "error"]
        overlay = page.locator("#beatgen-overlay")
        expect(overlay).to_be_visible(timeout=5000)
        where = f"content/stories/2026/03/alpha.md:{problem.line}:{problem.column}"
        expect(overlay.locator(".beatgen-where")).to_have_text([where])
        expect(overlay.locator(".beatgen-problem")).to_contain_text(re.compile(r"invalid YAML"))
        expect(page.locator("h1")).to_have_text("Alpha command doubles its IAMD order")

        story.write_text(original)
        expect(overlay).to_have_count(0, timeout=5000)
        expect(page.locator("h1")).to_have_text(TITLE)
        page.close()


def _found(page, words: str) -> list[str]:
    """The result links of the search page for `words`, once it has any."""
    page.fill("#search-q", words)
    page.wait_for_selector("#search-results li", timeout=10_000)
    return page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")


def test_a_saved_word_shows_at_once_and_search_finds_it_after_the_index_refresh(tmp_path: Path, browser) -> None:
    site = copy_site("mini", tmp_path / "site")
    story = site / "content" / "stories" / "2026" / "03" / "alpha.md"
    with serving(site, "--now", NOW) as served:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{served.url}stories/2026/03/alpha/")
        story.write_text(story.read_text().replace("on Friday", "on Friday beside a quokka"))
        expect(page.locator("#analysis")).to_contain_text("beside a quokka", timeout=5000)
        served.wait_for(r"^Rebuilt after content/stories/2026/03/alpha\.md: ")
        served.wait_for(r"^Search index refreshed in ")
        page.goto(f"{served.url}search/")
        page.wait_for_selector("#search-form[data-ready=true]", timeout=10_000)
        assert _found(page, "quokka") == ["/stories/2026/03/alpha/"]
        assert not errors
        page.close()
