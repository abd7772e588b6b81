"""An old address in Chromium: a link shared before a story or page moved lands on its new URL."""

from __future__ import annotations

from pathlib import Path

from sitekit import copy_site

from beatgen.cli import main


def test_an_old_url_lands_on_the_new_page(tmp_path: Path, browser, static_server) -> None:
    site = copy_site("desk", tmp_path / "site")
    assert main(["build", "--source", str(site), "--now", "2026-06-01T00:00:00Z", "--quiet", "--no-search"]) == 0
    base = static_server(site / "public")
    page = browser.new_page()
    for old, new, title in [("/stories/2026/05/satellite-silent/", "/stories/2026/05/single-sourced/",
                             "One outlet reports a satellite failure"), ("/about-us/", "/about/", "About")]:
        page.goto(f"{base}{old}")
        page.wait_for_url(f"{base}{new}")
        assert page.locator("h1").inner_text() == title
        assert page.evaluate("document.querySelector('link[rel=canonical]').href") == f"https://example.org{new}"
    page.close()
