"""A reader's browser on the built sample site."""

from __future__ import annotations

from pathlib import Path

from sitekit import copy_site

from beatgen.cli import main


def test_story_page_renders_in_chromium(tmp_path: Path, browser, static_server) -> None:
    site = copy_site("mini", tmp_path / "site")
    assert main(["build", "--source", str(site), "--now", "2026-06-01T00:00:00Z", "--quiet"]) == 0
    base = static_server(site / "public")
    page = browser.new_page()
    page.goto(f"{base}/stories/2026/03/alpha/")
    assert page.locator("h1").inner_text() == "Alpha command orders new IAMD batteries"
    assert page.locator("#signals .badge.verified").inner_text() == "Verified by 2 sources"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.close()
