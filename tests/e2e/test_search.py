"""Search in a real browser: Pagefind's index, our search page, filters and sort on the sample site."""

from __future__ import annotations

from pathlib import Path

KUIPER_STORY = "/stories/2026/07/space-force-second-leo-satcom-provider/"


def open_search(browser, base: str, query: str = ""):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/search/{query}")
    page.wait_for_selector("#search-form[data-ready=true]", timeout=10_000)
    return page, errors


def result_links(page) -> list[str]:
    return page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")


def test_a_word_from_a_story_finds_that_story(built_sample: Path, browser, static_server) -> None:
    base = static_server(built_sample)
    page, errors = open_search(browser, base)
    page.fill("#search-q", "Kuiper")
    page.wait_for_selector("#search-results li")
    links = result_links(page)
    assert KUIPER_STORY in links
    page.click(f"#search-results a[href='{KUIPER_STORY}']")
    page.wait_for_url(f"{base}{KUIPER_STORY}")
    assert "Kuiper" in page.locator("#analysis").inner_text()
    assert not errors
    page.close()


def test_a_filter_narrows_the_results_and_date_sort_puts_the_newest_first(
        built_sample: Path, browser, static_server) -> None:
    base = static_server(built_sample)
    page, errors = open_search(browser, base, "?q=Patriot")
    page.wait_for_selector("#search-results li")
    everything = result_links(page)
    assert len(everything) >= 5
    page.select_option("#filter-topic", "Ukraine war")
    page.wait_for_function("n => document.querySelectorAll('#search-results li').length < n", arg=len(everything))
    narrowed = result_links(page)
    assert narrowed and set(narrowed) < set(everything)
    assert "topic=Ukraine+war" in page.url
    page.select_option("#search-sort", "date")
    page.wait_for_function("() => location.search.includes('sort=date')")
    page.wait_for_timeout(300)
    months = [link.split("/")[2:4] for link in result_links(page)]  # /stories/{year}/{month}/{slug}/
    assert len(months) == len(narrowed) and sorted(months, reverse=True) == months
    assert not errors
    page.close()
