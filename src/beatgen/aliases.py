"""Old paths (`aliases:`) must be free: a redirect written over a live page, or two redirects at one path,
would send readers to the wrong page or hide one of them.

Every story counts, held back or not: an alias must not take the URL a draft or a scheduled story will
have once it is published. Paths are compared without case, as case-insensitive hosts and disks see them.
"""

from __future__ import annotations

from collections.abc import Iterable

from beatgen.content.model import Alias, Page, Story
from beatgen.diagnostics import Diagnostic, error
from beatgen.routes import PageKind, Route

RESERVED = ("/static/", "/pagefind/", "/__beatgen/", "/_redirects/")
"""Folders and files of beatgen's own, which no content may write into."""


def alias_conflicts(stories: Iterable[Story], pages: Iterable[Page], routes: Iterable[Route]) -> list[Diagnostic]:
    """An error at each alias that is a live URL, a reserved path, or another file's alias, naming that file."""
    documents: list[Story | Page] = sorted([*stories, *pages], key=lambda d: d.file)
    live = {url(document).lower(): document.file for document in documents}
    for route in routes:
        if route.kind not in (PageKind.REDIRECT, PageKind.REDIRECTS):
            live.setdefault(route.path.lower(), f"beatgen's own page {route.path}")
    taken: dict[str, tuple[str, Alias]] = {}
    problems = []
    for document in documents:
        for alias in document.aliases:
            why = _conflict(alias, document, live, taken)
            if why:
                problems.append(error(document.file, alias.line, alias.column, "alias-conflict", why))
            taken.setdefault(alias.path.lower(), (document.file, alias))
    return problems


def url(document: Story | Page) -> str:
    return document.path if isinstance(document, Story) else f"/{document.slug}/"


def _conflict(alias: Alias, document: Story | Page, live: dict[str, str], taken: dict[str, tuple[str, Alias]]) -> str:
    key = alias.path.lower()
    if key == url(document).lower():
        return f"alias '{alias.path}' is this file's own URL; delete the alias"
    if key in live:
        return (f"alias '{alias.path}' is the URL of {live[key]}, a live page; an old path can only redirect once "
                "nothing lives there: delete the alias, or give that page another URL")
    if key in taken and taken[key][0] != document.file:
        other, first = taken[key]
        return (f"alias '{alias.path}' is also an alias of {other} (line {first.line}); an old path redirects to "
                "one page only: keep it in one of the two files")
    if key in taken:
        return f"alias '{alias.path}' is listed twice (first on line {taken[key][1].line}); delete one"
    reserved = next((folder for folder in RESERVED if (key + "/").startswith(folder)), None)
    if reserved:
        return f"alias '{alias.path}' is inside {reserved}, which beatgen writes itself; an old path cannot be there"
    return ""
