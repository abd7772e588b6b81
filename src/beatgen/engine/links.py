"""Every internal link a built page holds, checked against the site being built.

While a page renders (in its worker), a few compiled regular expressions over its bytes find the URLs it
links to (`href` and `src` attributes, the site's absolute URLs in JSON-LD, meta tags, feeds and
sitemaps) and the ids it offers as anchors. Both go into the page's record, so a page that did not
change is never scanned again; once every page is known, the whole-site check is a set lookup per
link: it must name a page, feed or file of this build and, with a `#fragment`, an id of that page.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from beatgen.engine.state import PageRecord
from beatgen.urls import output_file

HREF = re.compile(rb'href="([^"]*)"')
SRC = re.compile(rb'src="([^"]*)"')
LOC = re.compile(rb"<loc>([^<]*)</loc>")
ABSOLUTE = re.compile(rb'"(https?://[^"\\\s<>]*)"')
"""Any quoted absolute URL: in JSON-LD, meta tags and feeds."""
NODE_ID = re.compile(rb'"@id":"(https?://[^"\\\s<>]*)"')
"""A JSON-LD node's `@id` names the node and need not resolve (`.../#article`)."""
ID = re.compile(rb' id="([^"]*)"')
"""One pattern per kind, each starting with a literal: the regular expression engine then skips to the
next occurrence of that literal, about fifteen times faster than one pattern of alternatives."""
SEP = "\x1f"
"""Joins a page's links and ids in its record."""
GENERATED_LATER = ("/pagefind/",)
"""Folders that the search indexer writes after the pages: links into them are not checked here."""


@dataclass(frozen=True)
class LinkScanner:
    """Finds a page's internal links, as site paths (`/stories/x/`, `/methodology/#impact`), and its ids."""

    base_url: str
    base_path: str
    known: dict[bytes, str | None] = field(default_factory=dict, compare=False, repr=False)
    """The links of URLs that read the same on every page (most of a page's: the chrome, the stories it
    lists, the sources' addresses elsewhere), so that a worker works each out once."""

    def scan(self, page: str, data: bytes) -> tuple[bytes, bytes]:
        """The links and ids of the page at site path `page`, each sorted and joined (`joined`); links to the
        page itself and to its own ids are settled here."""
        ids = {_text(value) for value in ID.findall(data)}
        absolute = ABSOLUTE.findall(data)
        for node in NODE_ID.findall(data):
            absolute.remove(node)
        own = page + "#"
        links = set()
        for url in {*HREF.findall(data), *SRC.findall(data), *LOC.findall(data), *absolute}:
            link = self.known[url] if url in self.known else self._link(url, page)
            if link is not None and link != page and not (link.startswith(own) and link[len(own):] in ids):
                links.add(link)
        return joined(links), joined(ids)

    def _link(self, url: bytes, page: str) -> str | None:
        text = _text(url)
        link = self.target(text, page)
        if text.startswith((self.base_url, self.base_path, "//")) or urlsplit(text).scheme:
            self.known[url] = link
        return link

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
        path = "/" + path.split("?", 1)[0].removesuffix("index.html")
        if path.startswith(GENERATED_LATER):
            return None
        link = f"{path}#{fragment}" if fragment else path
        return unquote(link) if "%" in link else link


def _text(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


NO_ADDRESS = "no page, feed or file of this build has that address; link to one that exists"
"""Why a link whose path no page answers is broken (content links of that kind are the Markdown stage's)."""


@dataclass(frozen=True)
class Broken:
    """One link that the site does not answer, why, and the pages (output files) that hold it."""

    link: str
    why: str
    pages: tuple[str, ...]


def broken_links(checked: Iterable[tuple[str, PageRecord]], records: Mapping[str, PageRecord],
                 paths: Mapping[str, str], base_path: str) -> list[Broken]:
    """Every link of the `checked` pages (output file, record) that no page, feed or file of the build
    answers, or whose fragment is no id of its page among `records`. `paths`: each site path → its output
    file. Each distinct link is judged once (each target's ids split once); the pages are walked again
    only when some link is broken."""
    checked = [(rel, record) for rel, record in checked if record.links]
    links: set[str] = set()
    for _, record in checked:  # one page's links split at a time: every page's at once are millions of strings
        links.update(split(record.links))
    ids: dict[str, frozenset[str] | None] = {}
    verdicts = {link: why for link in sorted(links) if (why := _why(link, records, paths, base_path, ids))}
    holders: dict[str, list[str]] = {link: [] for link in verdicts}
    for rel, record in checked if verdicts else ():
        for link in verdicts.keys() & set(split(record.links)):
            holders[link].append(rel)
    return [Broken(link, why, tuple(holders[link])) for link, why in verdicts.items()]


def _why(link: str, records: Mapping[str, PageRecord], paths: Mapping[str, str], base_path: str,
         ids: dict[str, frozenset[str] | None]) -> str:
    if "://" in link:
        return f"it leaves the site's base path {base_path}; make the link with url() in layouts"
    path, _, fragment = link.partition("#")
    if path not in paths:
        return NO_ADDRESS
    if not fragment:
        return ""
    if path not in ids:
        target = records.get(paths[path])
        ids[path] = frozenset(split(target.ids)) if target is not None and target.ids is not None else None
    known = ids[path]
    if known is not None and fragment not in known:
        return f"{path} has no element with id '{fragment}'; link to an id it has, or give the section that id"
    return ""


def joined(values: set[str]) -> bytes:
    """Sorted, joined by SEP and compressed: the records of 100,000 stories' pages hold tens of millions of
    links, which compress to a fifth (paths share their beginnings), and a build holds every record."""
    return zlib.compress(SEP.join(sorted(values)).encode("utf-8", "surrogatepass"), 1) if values else b""


def split(joined: bytes | None) -> list[str]:
    """A record's links or ids, one by one."""
    return zlib.decompress(joined).decode("utf-8", "surrogatepass").split(SEP) if joined else []


def kept_ids(before: PageRecord | None, after: PageRecord) -> bool:
    """Whether a page rendered again still has every id it had (so no link to it can have broken)."""
    return before is None or not before.ids or set(split(before.ids)) <= set(split(after.ids))


def site_paths(routes: Iterable[str], files: Iterable[str]) -> dict[str, str]:
    """Each address a reader can request → the output file that answers it: pages by their path, and the
    static files by theirs."""
    found = {path: output_file(path) for path in routes}
    found.update({f"/{rel}": rel for rel in files})
    return found
