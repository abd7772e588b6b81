"""Embeds in Chromium: no request leaves 127.0.0.1 until the reader clicks, then the provider's player loads.

Every request the page makes is logged; those for other hosts are answered by a stub here, so the test
needs no network and would see a tracker, a remote thumbnail or an eager iframe as a logged request.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from readerkit import AXE_JS, require
from sitekit import copy_site
from test_embeds import LAUNCH, PICTURE, add_story

from beatgen.cli import main

PLAYERS = ["https://www.youtube-nocookie.com/embed/lv0zGH85X4c?autoplay=1",
           "https://mastodon.social/@esa/112096331452713428/embed"]


def built_with_embeds(tmp_path: Path) -> Path:
    site = copy_site("mini", tmp_path / "site")
    (site / "static" / "img").mkdir(exist_ok=True)
    (site / "static" / "img" / "launch.svg").write_text(PICTURE.format("#123"), encoding="utf-8")
    add_story(site, "launch.md", LAUNCH)
    assert main(["build", "--source", str(site), "--now", "2026-06-01T00:00:00Z", "--quiet", "--no-search"]) == 0
    return site / "public"


def logged_page(context, requests: list[str]):  # noqa: ANN001, ANN201 - Playwright objects
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
               else route.fulfill(status=200, content_type="text/html", body="<!DOCTYPE html><title>player</title>"))
    return page


def outside(requests: list[str]) -> list[str]:
    return [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]


def test_no_request_leaves_the_site_until_the_reader_clicks(tmp_path: Path, browser, static_server) -> None:
    base = static_server(built_with_embeds(tmp_path))
    context = browser.new_context()
    requests: list[str] = []
    page = logged_page(context, requests)
    page.goto(f"{base}/stories/2026/03/launch/", wait_until="networkidle")
    assert any(url.endswith(".svg") for url in requests) and outside(requests) == []
    assert page.locator("iframe").count() == 0
    buttons = page.locator("figure.embed button.embed-load")
    assert buttons.all_inner_texts() == ["Play here (loads youtube-nocookie.com)",
                                         "Show the post here (loads mastodon.social)"]
    buttons.first.focus()
    page.keyboard.press("Enter")
    frame = page.locator("figure.embed iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == PLAYERS[0]
    assert frame.get_attribute("title") == "Starship's third flight, explained"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    page.wait_for_load_state("networkidle")
    assert outside(requests) == PLAYERS[:1]
    buttons.first.click()
    assert page.locator("figure.embed iframe").nth(1).get_attribute("src") == PLAYERS[1]
    page.wait_for_load_state("networkidle")
    assert outside(requests) == PLAYERS
    require(AXE_JS.is_file(), "axe-core (npm)")
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("critical", "serious")] == []
    context.close()


def test_without_javascript_the_card_is_a_plain_link(tmp_path: Path, browser, static_server) -> None:
    base = static_server(built_with_embeds(tmp_path))
    context = browser.new_context(java_script_enabled=False)
    requests: list[str] = []
    page = logged_page(context, requests)
    page.goto(f"{base}/stories/2026/03/launch/", wait_until="networkidle")
    assert page.locator("button").count() == 0 and outside(requests) == []
    page.locator("figure.embed a.embed-card").first.click()
    page.wait_for_url("https://www.youtube.com/watch?v=lv0zGH85X4c")
    assert outside(requests) == ["https://www.youtube.com/watch?v=lv0zGH85X4c"]
    context.close()
