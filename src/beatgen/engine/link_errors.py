"""Broken links as diagnostics, each reported once at the place that wrote it: site.yaml (for the URLs
that come from it), the layout line, or the content file, with the pages that carry it.

Links are recorded as site paths (`engine/links.py`), so the place is found by searching for what the
writer wrote: the `#fragment`, else the path. A layout mistake that breaks a link on every story page
is one error at its line, not one per page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from beatgen.diagnostics import Diagnostic, error
from beatgen.engine.layouts import TemplateTokens
from beatgen.engine.links import NO_ADDRESS, Broken, LinkScanner
from beatgen.engine.pages import on_pages
from beatgen.routes import Route
from beatgen.site.index import Site
from beatgen.yamlsource import load_yaml

Place = tuple[str, int, int, str]
"""A file, line, column, and what in it holds the link (a site.yaml key), for the message."""
CONFIG_LINKS = (("corrections_policy",), ("publisher", "url"))
"""site.yaml values that layouts and JSON-LD turn into links on every page."""


@dataclass
class LinkErrors:
    """Turns the build's broken links into diagnostics; the places are looked for only when a link broke."""

    site_dir: Path
    site: Site
    scanner: LinkScanner
    routes: dict[str, Route]
    """Every page's route by its output file."""
    layouts: TemplateTokens

    def diagnostics(self, broken: Iterable[Broken]) -> list[Diagnostic]:
        found: dict[tuple[Place, str, str], list[str]] = {}
        for item in broken:
            places: dict[str, Place | None] = {}
            for rel in item.pages:
                route = self.routes[rel]
                if route.template not in places:
                    places[route.template] = self._config(item.link) or self._layout(item.link, route.template)
                if places[route.template] is None and item.why == NO_ADDRESS and shown_documents(self.site, route):
                    continue  # a content link to no page: the Markdown stage reports it, or leaves it to errors
                place = places[route.template] or self._content(item.link, route) or self._fallback(route)
                found.setdefault((place, item.link, item.why), []).append(rel)
        return [error(file, line, column, "broken-link", f"broken link '{link}'{what}: {why}{on_pages(rels)}")
                for ((file, line, column, what), link, why), rels in found.items()]

    def _config(self, link: str) -> Place | None:
        config = self.site.config
        for path in CONFIG_LINKS:
            value = getattr(config, path[0]) if len(path) == 1 else getattr(config.publisher, path[1])
            if value and self.scanner.target(_absolute(config.base_url, value), "/") == link:
                return _config_place(self.site_dir, path)
        return None

    def _layout(self, link: str, template: str) -> Place | None:
        needle = _needle(link)
        for name, source in sorted(self.layouts.sources(template).items(), key=lambda item: item[0] != template):
            at = source.find(needle)
            if at >= 0:
                return (f"layouts/{name}", *_position(source, at), "")
        return None

    def _content(self, link: str, route: Route) -> Place | None:
        """Where a page's content file wrote the link, trying what a writer may have typed; else the top of
        the first file the page shows (a link no layout wrote comes from its content)."""
        files = shown_documents(self.site, route)
        for file in files:
            try:
                text = (self.site_dir / file).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            for needle in _written(link, route.path):
                at = text.find(f"]({needle}")
                at = at + 2 if at >= 0 else text.find(needle)
                if at >= 0:
                    return (file, *_position(text, at), "")
        return (files[0], 1, 1, "") if files else None

    @staticmethod
    def _fallback(route: Route) -> Place:
        return (f"layouts/{route.template}", 1, 1, "")


def shown_documents(site: Site, route: Route) -> list[str]:
    """The content files whose text a page shows, where a link on it may have been written."""
    if route.kind == "story":
        return [site.by_path[route.key].file]
    if route.kind == "page":
        return [page.file for page in site.pages if page.slug == route.key]
    if route.kind == "glossary":
        return [term.file for term in site.terms]
    if route.kind == "corrections":
        return [story.file for story in site.stories if story.corrections]
    return []


def _written(link: str, page: str) -> list[str]:
    """The forms a writer may have given the link: its fragment, its path, or its path relative to the page."""
    path, _, fragment = link.partition("#")
    relative = posixpath.relpath(path, page) + ("/" if path.endswith("/") else "") if path.startswith("/") else ""
    return [form for form in (f"#{fragment}" if fragment else "", urlsplit(path).path, relative) if form]


def _needle(link: str) -> str:
    """What the writer most likely typed: the fragment with its '#', else the path."""
    if "://" in link:
        return urlsplit(link).path
    path, _, fragment = link.partition("#")
    return f"#{fragment}" if fragment else path


def _position(text: str, at: int) -> tuple[int, int]:
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def _absolute(base_url: str, value: str) -> str:
    return value if "://" in value else base_url + value.lstrip("/")


def _config_place(site_dir: Path, path: tuple[str, ...]) -> Place:
    """Where site.yaml sets a key; a key left to its default is named as such at the file's top."""
    name = ".".join(path)
    try:
        doc, _ = load_yaml((site_dir / "site.yaml").read_text(encoding="utf-8-sig"), "site.yaml")
    except (OSError, UnicodeDecodeError):
        doc = None
    if doc is None or path not in doc.value_at:
        return ("site.yaml", 1, 1, f" in {name} (its default; set {name} to a page and section your site has)")
    return ("site.yaml", *doc.value_at[path], f" in {name}")
