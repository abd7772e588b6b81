"""axe-core in real Chromium on one page of every kind, in light and in dark mode: no serious violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from readerkit import AXE_JS, page_kinds, require, url_path

BLOCKING = ("critical", "serious")


def axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_axe_violation_on_any_page_kind(built_sample: Path, browser, static_server, scheme: str) -> None:
    require(AXE_JS.is_file(), "axe-core (npm)")
    base = static_server(built_sample)
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    problems = {}
    for kind, file in page_kinds(built_sample).items():
        page.goto(base + url_path(built_sample, file) + ("?q=Patriot" if kind == "search" else ""))
        if kind == "search":
            page.wait_for_selector("#search-results li")
        if found := axe_problems(page):
            problems[kind] = found
    context.close()
    assert not problems, problems
