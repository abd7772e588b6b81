"""The trends page of the sample site in a real browser, light and dark; screenshots kept as test artefacts."""

from __future__ import annotations

from pathlib import Path

from sitekit import copy_site

from beatgen.cli import main

BAR_FILL = "getComputedStyle(document.querySelector('#chart-weekly .chart-wide .bars rect')).fill"


def test_trends_page_reads_in_light_and_dark(tmp_path: Path, browser, static_server) -> None:
    site = copy_site("sample", tmp_path / "site")
    assert main(["build", "--source", str(site), "--now", "2026-12-01T00:00:00Z", "--quiet"]) == 0
    base = static_server(site / "public")
    fills = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{base}/trends/")
        assert page.locator("svg.chart").count() == 8
        assert page.locator("svg.chart-narrow").nth(0).bounding_box() is None
        for index in range(4):
            box = page.locator("svg.chart-wide").nth(index).bounding_box()
            assert box and box["width"] > 700 and box["height"] > 250
        fills[scheme] = page.evaluate(BAR_FILL)
        page.locator("#chart-weekly details summary").click()
        assert page.locator("#chart-weekly details table").is_visible()
        page.screenshot(path=str(tmp_path / f"trends-{scheme}.png"), full_page=True)
        page.close()
    assert fills["light"] != fills["dark"]
    assert (tmp_path / "trends-light.png").stat().st_size > 10_000
