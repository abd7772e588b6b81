"""Every internal link a built page holds, checked against the site being built.

While a page renders (in its worker), one compiled regular expression over its bytes finds the URLs it
links to (`href` and `src` attributes, the site's absolute URLs in JSON-LD, meta tags, feeds and
sitemaps) and the ids it offers as anchors. Both go into the page's record, so a page that did not
change is never scanned again; once every page is known, the whole-site check is a set lookup per
link: it must name a page, feed or file of this build and, with a `#fragment`, an id of that page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from beatgen.build.state import PageRecord
from beatgen.urls import output_file

SCAN = re.compile(rb'(?<![\w-])(href|src|id)="([^"]*)"|(?<!"@id":)"(https?://[^"\\\s<>]*)"|<loc>([^<]*)</loc>')
"""An attribute that links or names an anchor; any other quoted absolute URL (JSON-LD, meta tags, feeds)
but a JSON-LD node's `@id`, which names the node and need not resolve; a sitemap's `<loc>`."""
GENERATED_LATER = ("/pagefind/",)
"""Folders that the search indexer writes after the pages: links into them are not checked here."""


@dataclass(frozen=True)
class LinkScanner:
    """Finds a page's internal links, as site paths (`/stories/x/`, `/methodology/#impact`), and its ids."""

    base_url: str
    base_path: str

    def scan(self, page: str, data: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The links and ids of the page at site path `page`; links to its own ids are settled here."""
        ids: set[str] = set()
        urls: set[bytes] = set()
        for kind, value, absolute, loc in SCAN.findall(data):
            if kind == b"id":
                ids.add(_text(value))
            else:
                urls.add(value or absolute or loc)
        links = {self.target(_text(url), page) for url in urls}
        own = {f"{page}#{anchor}" for anchor in ids}
        return tuple(sorted(link for link in links if link is not None and link not in own)), tuple(sorted(ids))

    def target(self, url: str, page: str) -> str | None:
        """A URL found on the page at `page` as a site path with its fragment (the query left out); None for
        other sites and schemes. A root-relative link outside the base path (a layout that wrote `/x/`
        instead of `url('/x/')`) comes back as an absolute URL, which no page answers."""
        if url.startswith(self.base_url):
            rest = url[len(self.base_url):]
        elif url.startswith(self.base_path) and not url.startswith("//"):
            rest = url[len(self.base_path):]
        elif urlsplit(url).scheme or url.startswith("//"):
            return None
        else:
            absolute = urljoin(self.base_url + page.lstrip("/"), url)
            if not absolute.startswith(self.base_url):
                return absolute
            rest = absolute[len(self.base_url):]
        path, _, fragment = rest.partition("#")
        path = "/" + unquote(path.split("?", 1)[0])
        if path.startswith(GENERATED_LATER):
            return None
        path = path.removesuffix("index.html")
        return f"{path}#{unquote(fragment)}" if fragment else path


def _text(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


@dataclass(frozen=True)
class Broken:
    """One link that the site does not answer, why, and the pages (output files) that hold it."""

    link: str
    why: str
    pages: tuple[str, ...]


def broken_links(checked: Mapping[str, PageRecord], records: Mapping[str, PageRecord], paths: Mapping[str, str],
                 base_path: str) -> list[Broken]:
    """Every link of the `checked` pages (by output file) that no page, feed or file of the build answers,
    or whose fragment is no id of its page among `records`. `paths`: each site path → its output file."""
    verdicts: dict[str, str] = {}
    holders: dict[str, list[str]] = {}
    for rel, record in checked.items():
        for link in record.links or ():
            if link not in verdicts:
                verdicts[link] = _why(link, records, paths, base_path)
            if verdicts[link]:
                holders.setdefault(link, []).append(rel)
    return [Broken(link, verdicts[link], tuple(pages)) for link, pages in sorted(holders.items())]


def _why(link: str, records: Mapping[str, PageRecord], paths: Mapping[str, str], base_path: str) -> str:
    if "://" in link:
        return f"it leaves the site's base path {base_path}; make the link with url() in layouts"
    path, _, fragment = link.partition("#")
    if path not in paths:
        return "no page, feed or file of this build has that address; link to one that exists"
    ids = records[paths[path]].ids if paths[path] in records else None
    if fragment and ids is not None and fragment not in ids:
        return f"{path} has no element with id '{fragment}'; link to an id it has, or give the section that id"
    return ""


def site_paths(routes: Iterable[str], files: Iterable[str]) -> dict[str, str]:
    """Each address a reader can request → the output file that answers it: pages by their path, and the
    static files by theirs."""
    found = {path: output_file(path) for path in routes}
    found.update({f"/{rel}": rel for rel in files})
    return found
