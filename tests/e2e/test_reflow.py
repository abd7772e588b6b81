"""Every page kind reflows at 320, 375 and 1280 px, light and dark (WCAG 1.4.10), with every `<details>` open;
chart text on /trends/ is never under 12 CSS px; the home page's action items come first on a phone.

Screenshots of the story, home and trends pages at 375 and 1280 px are kept under tests/artefacts/screenshots/
(git ignores the folder) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from readerkit import page_kinds, url_path
from sitekit import REPO

WIDTHS = (320, 375, 1280)
SHOTS = REPO / "tests" / "artefacts" / "screenshots"
OVERFLOW = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  return [document.documentElement.scrollWidth, innerWidth];
}"""
# Each visible SVG text's size on screen: its computed font size times the scale its SVG is drawn at.
TEXT_SIZES = """() => [...document.querySelectorAll('svg text')].filter(t => t.getClientRects().length).map(t => {
  const svg = t.ownerSVGElement;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale, t.getBoundingClientRect().height];
})"""
# The other text of the page: every element that holds text of its own, at its computed size.
HTML_TEXT_SIZES = """() => [...document.querySelectorAll('body *:not(svg *)')].filter(el =>
  [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && el.getClientRects().length
  && !el.closest('.visually-hidden')).map(el => [el.tagName, parseFloat(getComputedStyle(el).fontSize)])"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_kind_is_wider_than_the_viewport(built_sample: Path, browser, static_server, scheme: str) -> None:
    base = static_server(built_sample)
    kinds = page_kinds(built_sample)
    assert {"home", "story", "topic", "entity", "archive-month", "trends", "glossary", "search"} <= set(kinds)
    too_wide = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        for kind, file in kinds.items():
            page.goto(base + url_path(built_sample, file))
            scroll_width, inner = page.evaluate(OVERFLOW)
            assert inner == width
            if scroll_width > inner:
                too_wide.append(f"{kind} at {width}px: {scroll_width}px wide")
        context.close()
    assert not too_wide, too_wide


@pytest.mark.parametrize("width", WIDTHS)
def test_chart_text_on_trends_is_at_least_12_css_px(built_sample: Path, browser, static_server, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(static_server(built_sample) + "/trends/")
    sizes = page.evaluate(TEXT_SIZES)
    other = page.evaluate(HTML_TEXT_SIZES)
    page.close()
    assert len(sizes) > 40 and len(other) > 100
    small = [(text, round(size, 2)) for text, size, _height in sizes if size < 12]
    assert not small, small
    assert all(height >= 12 for _text, _size, height in sizes)
    assert not [(tag, size) for tag, size in other if size < 12]


def test_action_items_come_before_the_latest_list_on_a_phone(built_sample: Path, browser, static_server) -> None:
    base = static_server(built_sample)
    boxes = {}
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(base + "/")
        boxes[width] = {name: page.locator(f".home-grid > .{name}").bounding_box()
                        for name in ("action-items", "latest")}
        page.close()
    phone, desk = boxes[375], boxes[1280]
    assert phone["action-items"]["y"] + phone["action-items"]["height"] <= phone["latest"]["y"]
    assert desk["action-items"]["x"] >= desk["latest"]["x"] + desk["latest"]["width"]
    assert abs(desk["action-items"]["y"] - desk["latest"]["y"]) < 30


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_story_home_and_trends(built_sample: Path, browser, static_server, width: int) -> None:
    base = static_server(built_sample)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    for name, path in (("home", "/"), ("story", "/stories/2026/03/hamas-urges-iran/"), ("trends", "/trends/")):
        page.goto(base + path)
        target = SHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 20_000
    page.close()
