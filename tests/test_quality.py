"""Quality gates on the built sample site: the Nu Html Checker, a link crawler and the readers' budgets."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from readerkit import VNU_JAR, page_kinds, require_java_vnu
from sitekit import soup

BASE = "https://example.org/"
CSS_BUDGET = 30 * 1024
STORY_BUDGET = 60 * 1024
SITE_HREF = re.compile(r'href="(https://example\.org/[^"]*)"')
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{10}\.[a-z0-9]+$")


def test_nu_html_checker_finds_no_error_or_warning_on_any_page_kind(built_sample: Path) -> None:
    java = require_java_vnu()
    pages = page_kinds(built_sample)
    assert {"home", "story", "topic", "entity", "glossary", "page", "search", "not-found", "embed",
            "footnotes"} <= set(pages)
    css = sorted((built_sample / "static" / "css").glob("*.css"))
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--also-check-css",
               *map(str, pages.values()), *map(str, css)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{m.get('url', '').rsplit('/public/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] in ("error", "non-document-error") or m.get("subType") == "warning"]
    assert not errors, "\n".join(errors)


def resolve(public: Path, source: Path, url: str) -> tuple[Path, str] | None:
    """The built file a link on `source` points at, and its fragment; None for links that leave the site."""
    if url.startswith(BASE):
        url = "/" + url.removeprefix(BASE)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return source, parts.fragment
    path = unquote(parts.path)
    target = public / path.lstrip("/") if path.startswith("/") else (source.parent / path)
    return (target / "index.html" if path.endswith("/") else target), parts.fragment


def html_links(page) -> list[str]:
    links = [tag.get("href") for tag in page.find_all(["a", "link"])]
    links += [tag.get("src") for tag in page.find_all(["script", "img", "source"])]
    return [link for link in links if link]


def test_every_internal_link_asset_and_feed_url_resolves(built_sample: Path) -> None:
    ids: dict[Path, set[str]] = {}
    broken = []
    pages = [p for p in built_sample.rglob("*.html") if p.relative_to(built_sample).parts[0] != "pagefind"]
    parsed = {path: soup(path) for path in pages}
    for path, page in parsed.items():
        ids[path.resolve()] = {tag["id"] for tag in page.find_all(id=True)}
    for path, page in parsed.items():
        for link in html_links(page):
            if (hit := resolve(built_sample, path, link)) is None:
                continue
            target, fragment = hit
            if not target.is_file():
                broken.append(f"{path.relative_to(built_sample)}: {link}")
            elif fragment and target.suffix == ".html" and fragment not in ids.get(target.resolve(), set()):
                broken.append(f"{path.relative_to(built_sample)}: {link} (no such anchor)")
    for url in feed_and_sitemap_urls(built_sample):
        hit = resolve(built_sample, built_sample / "index.html", url)
        if hit is None or not hit[0].is_file():
            broken.append(f"feed or sitemap: {url}")
    assert len(pages) > 100
    assert not broken, "\n".join(broken[:30])


def feed_and_sitemap_urls(public: Path) -> list[str]:
    urls = []
    for name in ("sitemap.xml", "news-sitemap.xml"):
        urls += [loc.text for loc in ET.parse(public / name).getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for feed in public.rglob("feed.xml"):
        urls += [link.get("href") for link in ET.parse(feed).getroot().iter("{http://www.w3.org/2005/Atom}link")]
    for feed in public.rglob("feed.json"):
        doc = json.loads(feed.read_text(encoding="utf-8"))
        urls += [doc["home_page_url"], doc["feed_url"], *(item["url"] for item in doc["items"])]
        urls += [url for item in doc["items"] for url in SITE_HREF.findall(item["content_html"])]
    return urls


def test_readers_budgets(built_sample: Path) -> None:
    css = list((built_sample / "static" / "css").glob("*.css"))
    assert css and all(path.stat().st_size < CSS_BUDGET for path in css)
    for text in (path.read_text(encoding="utf-8") for path in css):
        assert "@font-face" not in text and "@import" not in text
    stories = list((built_sample / "stories").rglob("index.html"))
    largest = max(stories, key=lambda p: p.stat().st_size)
    assert largest.stat().st_size < STORY_BUDGET, f"{largest}: {largest.stat().st_size} bytes"


@pytest.mark.parametrize("kind", ["home", "story", "topic", "search", "embed"])
def test_no_third_party_or_render_blocking_requests(built_sample: Path, kind: str) -> None:
    page = soup(page_kinds(built_sample)[kind])
    for tag in page.find_all(["script", "link", "img", "iframe", "source"]):
        url = tag.get("src") or tag.get("href") or tag.get("srcset", "").split(" ")[0]
        assert all(c.strip().startswith("/") for c in tag.get("srcset", "/").split(",")), tag.get("srcset")
        if tag.name == "link" and set(tag.get("rel", [])) & {"canonical", "alternate"}:
            continue
        if tag.name == "script" and not tag.get("src"):
            assert tag["type"] == "application/ld+json"
            continue
        assert url.startswith("/") and not url.startswith("//"), f"third-party or odd URL {url}"
        if tag.name in ("link", "script"):
            assert HASHED.match(url), f"{url} is not content-hashed"
        if tag.name == "script":
            assert tag.get("type") == "module" or tag.has_attr("defer") or tag.has_attr("async")
        if tag.name == "img":
            assert tag.get("width") and tag.get("height")
