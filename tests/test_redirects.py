"""Redirects: each `aliases:` path of a story or page gets a redirect page (meta refresh, canonical, noindex, a
link for readers) and a line in `_redirects`; none is in the sitemap or the search index; every link of the
output still resolves in the crawler; an alias that takes a live URL or another file's alias is refused.
The broken aliases of one file are in fixtures/bad/alias-*.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from readerkit import VNU_JAR, require_java_vnu
from sitekit import Run, copy_site, soup, tree_bytes
from test_quality import html_links, resolve
from test_search_index import fragments

NOW = "2026-06-01T00:00:00Z"
MOVED = {"stories/2026/05/satellite-silent/index.html": "/stories/2026/05/single-sourced/",
         "about-us/index.html": "/about/"}


@pytest.fixture(scope="module")
def desk_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The desk fixture site (a story and a page with an alias), built with its search index."""
    site = copy_site("desk", tmp_path_factory.mktemp("redirects") / "site")
    result = subprocess.run([sys.executable, "-m", "beatgen", "build", "--source", str(site), "--now", NOW, "--quiet"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return site


def test_each_alias_is_a_redirect_page_to_the_new_url(desk_site: Path) -> None:
    public = desk_site / "public"
    for old, new in MOVED.items():
        page = soup(public / old)
        assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={new}"
        assert page.find("link", rel="canonical")["href"] == f"https://example.org{new}"
        assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert page.html["lang"] == "en"
        [link] = page.select("main a")
        assert link["href"] == new and link.get_text() == f"https://example.org{new}"
    assert soup(public / "about-us/index.html").h1.get_text() == "This page has moved"
    assert "“One outlet reports a satellite failure” is now at" in \
        soup(public / "stories/2026/05/satellite-silent/index.html").main.get_text()


def test_the_redirects_file_lists_every_alias_in_netlify_and_cloudflare_syntax(desk_site: Path) -> None:
    lines = (desk_site / "public" / "_redirects").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules == ["/about-us/ /about/ 301",
                     "/stories/2026/05/satellite-silent/ /stories/2026/05/single-sourced/ 301"]
    for rule in rules:  # `from to status`, both site paths, as Cloudflare's parser reads a line
        old, new, status = rule.split()
        assert old.startswith("/") and new.startswith("/") and status == "301"


def test_redirect_pages_are_not_in_the_sitemap_nor_the_search_index(desk_site: Path) -> None:
    public = desk_site / "public"
    sitemap = [loc.text for loc in ET.parse(public / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/stories/2026/05/single-sourced/" in sitemap
    assert not [url for url in sitemap if "satellite-silent" in url or "about-us" in url]
    indexed = sorted(fragments(public))
    assert len(indexed) == 2 and not [url for url in indexed if "satellite-silent" in url]  # no redirect page


def test_every_link_of_the_output_resolves_redirect_pages_included(desk_site: Path) -> None:
    public = desk_site / "public"
    broken, seen = [], 0
    for path in (p for p in public.rglob("*.html") if p.relative_to(public).parts[0] != "pagefind"):
        for link in html_links(soup(path)):
            if (hit := resolve(public, path, link)) is not None:
                seen += 1
                if not hit[0].is_file():
                    broken.append(f"{path.relative_to(public)}: {link}")
    refresh = soup(public / "about-us/index.html").find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert resolve(public, public / "about-us/index.html", refresh.split("url=", 1)[1])[0].is_file()
    assert seen > 100 and broken == []


def test_redirect_pages_are_valid_html(desk_site: Path) -> None:
    java = require_java_vnu()
    pages = [str(desk_site / "public" / old) for old in MOVED]
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", *pages], capture_output=True, text=True,
                            timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert [m["message"] for m in messages if m["type"] != "info" or m.get("subType") == "warning"] == []


def test_under_a_path_prefix_both_sides_of_a_redirect_carry_it(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    alpha = mini_site / "content/stories/2026/03/alpha.md"
    alpha.write_text(alpha.read_text().replace("updated: 2026-03-15\n", "updated: 2026-03-15\naliases:\n"
                                                                         "  - /news/alpha.html\n  - /old/alpha\n"))
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--base-url", "https://example.org/beat/").code == 0
    public = mini_site / "public"
    assert [line for line in (public / "_redirects").read_text().splitlines() if not line.startswith("#")] == [
        "/beat/news/alpha.html /beat/stories/2026/03/alpha/ 301", "/beat/old/alpha/ /beat/stories/2026/03/alpha/ 301"]
    page = soup(public / "news/alpha.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/beat/stories/2026/03/alpha/"
    assert page.find("link", rel="canonical")["href"] == "https://example.org/beat/stories/2026/03/alpha/"
    assert (public / "old/alpha/index.html").is_file()


def test_a_site_without_aliases_has_no_redirects_file(built_mini: Path) -> None:
    assert not (built_mini / "_redirects").exists()


def test_adding_and_removing_an_alias_in_place_matches_a_clean_build(built_mini: Path, beatgen: Callable[..., Run],
                                                                     tmp_path: Path) -> None:
    site = built_mini.parent
    beta = site / "content/stories/2026/02/beta.md"
    original = beta.read_text()
    beta.write_text(original.replace("impact: 3\n", "impact: 3\naliases: [/stories/2026/02/beta-trials/]\n"))
    assert beatgen("build", "--source", site, "--now", NOW, "--quiet").code == 0
    assert (built_mini / "stories/2026/02/beta-trials/index.html").is_file()
    assert beatgen("build", "--source", site, "--now", NOW, "--no-cache", "--output", tmp_path / "clean",
                   "--quiet").code == 0
    assert tree_bytes(built_mini) == tree_bytes(tmp_path / "clean")
    beta.write_text(original)
    assert beatgen("build", "--source", site, "--now", NOW, "--quiet").code == 0
    assert not (built_mini / "stories/2026/02/beta-trials").exists() and not (built_mini / "_redirects").exists()


def _with_alias(site: Path, rel: str, alias: str) -> None:
    path = site / rel
    text = path.read_text()
    path.write_text(text.replace("\n---\n", f"\naliases: [{alias}]\n---\n", 1))


@pytest.mark.parametrize(("rel", "alias", "expected"), [
    ("content/stories/2026/02/beta.md", "/stories/2026/03/alpha/",
     "content/stories/2026/02/beta.md:17:11: error: alias '/stories/2026/03/alpha/' is the URL of "
     "content/stories/2026/03/alpha.md, a live page; an old path can only redirect once nothing lives there: delete "
     "the alias, or give that page another URL [alias-conflict]"),
    ("content/stories/2026/02/beta.md", "/stories/2026/03/gamma/",
     "content/stories/2026/02/beta.md:17:11: error: alias '/stories/2026/03/gamma/' is the URL of "
     "content/stories/2026/03/gamma.md, a live page; an old path can only redirect once nothing lives there: delete "
     "the alias, or give that page another URL [alias-conflict]"),
    ("content/pages/about.md", "/topics",
     "content/pages/about.md:3:11: error: alias '/topics/' is the URL of beatgen's own page /topics/, a live page; "
     "an old path can only redirect once nothing lives there: delete the alias, or give that page another URL "
     "[alias-conflict]"),
    ("content/pages/about.md", "/static/old/",
     "content/pages/about.md:3:11: error: alias '/static/old/' is inside /static/, which beatgen writes itself; an old "
     "path cannot be there [alias-conflict]"),
], ids=["a-story", "a-draft", "a-listing", "reserved"])
def test_an_alias_over_a_live_url_names_both(rel: str, alias: str, expected: str, built_mini: Path,
                                             beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    _with_alias(site, rel, alias)
    before = tree_bytes(built_mini)
    for command in ("check", "build"):
        result = beatgen(command, "--source", site, "--now", NOW)
        assert result.code == 1 and expected in result.err.splitlines(), result.err
    assert tree_bytes(built_mini) == before


def test_two_files_with_one_alias_name_both(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    _with_alias(mini_site, "content/stories/2026/02/beta.md", "/old/")
    _with_alias(mini_site, "content/pages/about.md", "/old")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert ("content/stories/2026/02/beta.md:17:11: error: alias '/old/' is also an alias of content/pages/about.md "
            "(line 3); an old path redirects to one page only: keep it in one of the two files [alias-conflict]"
            ) in result.err.splitlines()


def test_a_drafts_alias_makes_no_redirect_page(built_mini: Path, beatgen: Callable[..., Run]) -> None:
    """A held-back story is absent from every output: its aliases would reveal its URL."""
    _with_alias(built_mini.parent, "content/stories/2026/03/gamma.md", "/stories/2026/03/gamma-old/")
    assert beatgen("build", "--source", built_mini.parent, "--now", NOW, "--quiet").code == 0
    assert not (built_mini / "stories/2026/03/gamma-old").exists() and not (built_mini / "_redirects").exists()
    assert not [p for p in built_mini.rglob("*") if p.is_file() and re.search(b"gamma", p.read_bytes())]
