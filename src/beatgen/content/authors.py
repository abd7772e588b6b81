"""The desk: `data/authors.yaml` declares each author once, by an id that stories name in `authors:`.

    jane-kowalska:
      name: Jane Kowalska
      role: Air defense correspondent
      bio: Covers European air defense from Warsaw.
      links: [https://example.org/@jane]

Declared once, so a byline, an author page and a feed agree on the name and role, and a misspelt id in a
story is an error with the nearest declared one rather than a byline of its own.
"""

from __future__ import annotations

from beatgen.config import Author
from beatgen.content.weburl import url_problem
from beatgen.diagnostics import Diagnostic, error
from beatgen.fields import Reader, describe
from beatgen.urls import is_slug, slugify
from beatgen.yamlsource import load_yaml

AUTHORS_FILE = "data/authors.yaml"
AUTHOR_KEYS = ("name", "role", "bio", "links")


def parse_authors(text: str) -> tuple[tuple[Author, ...], list[Diagnostic]]:
    doc, problems = load_yaml(text, AUTHORS_FILE)
    if doc is None or problems or doc.data is None:
        return (), problems
    if not isinstance(doc.data, dict):
        return (), [error(AUTHORS_FILE, 1, 1, "bad-config", f"{AUTHORS_FILE} must map each author's id to their "
                                                             f"name and role, got {describe(doc.data)}")]
    r = Reader(doc, AUTHORS_FILE)
    authors = tuple(author for key in doc.data if (author := _author(r, str(key))))
    return authors, r.problems


def _author(r: Reader, key: str) -> Author | None:
    if not is_slug(key):
        r.fail((key,), "bad-slug", f"an author's id may use only a-z, 0-9 and single '-', got {describe(key)}; "
                                   f"did you mean '{slugify(key)}'?", key=True)
        return None
    if not isinstance(r.get((key,)), dict):
        r.fail((key,), "wrong-type", f"the author '{key}' must be a mapping with 'name' and 'role' (and optional "
                                     f"'bio' and 'links'), got {describe(r.get((key,)))}", key=True)
        return None
    r.unknown_keys((key,), AUTHOR_KEYS, as_error=True, what="author")
    name = r.text((key, "name"), required=True, max_len=80)
    role = r.text((key, "role"), required=True, max_len=80)
    bio = r.text((key, "bio"), max_len=600)
    links = tuple(link for index, link in enumerate(r.texts((key, "links"), what="links"))
                  if _link_ok(r, (key, "links", index), link))
    return Author(key, name, role, bio, links) if name and role else None


def _link_ok(r: Reader, path: tuple[str | int, ...], link: str) -> bool:
    """An author's link is checked like a source's address: an http(s) URL a browser opens as written."""
    problem = url_problem(link)
    if problem is not None:
        r.fail(path, "bad-url", problem.message)
    return problem is None
