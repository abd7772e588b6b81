"""Stable digests of what a page shows, so a page whose inputs did not change is not rendered again.

A page's context is plain data (dataclasses, tuples, strings, dates); its digest is that of its pickle,
made by the C pickler, except where a cheaper identity says the same thing: a story by its file and the
digest of its front matter (`Story.front`), a term or page by its file and content digest (each model is a
pure function of those and the config), a taxon by its name, path and size, and the site by its chrome
(config, pages, glossary). A story's body reaches a page only as its rendered fragment or a feed entry made
from it, which are pickled whole: a page whose view says it holds one (`View.shows_text`) is marked as
showing text (`PageFingerprint.text`), so an edit of a body alone re-checks those pages and leaves the
listings that show the story's card alone.
Pages whose layouts reach further into the site (`site.stories`, `taxon.stories`) or into a story's Markdown
source are noticed while rendering (`layouts.RecordingEnvironment`) and keyed on the whole site instead.
A value that cannot be pickled gives a digest that matches nothing, so its page is always rendered: never a
stale page.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from dataclasses import dataclass
from typing import Any

from beatgen.content.model import Page, Story, Term
from beatgen.site.index import Site, Taxon


def digest(*parts: str | bytes) -> str:
    """The parts, each followed by a unit separator, hashed in one call (thousands of parts per digest)."""
    encoded = [part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass") for part in parts]
    encoded.append(b"")
    return hashlib.blake2b(b"\x1f".join(encoded), digest_size=16).hexdigest()


def _identity(*parts: Any) -> None:
    """Stands in, inside a fingerprint's pickle, for an object digested by its identity (never called)."""


class _Pickler(pickle.Pickler):
    """`reducer_override`, unlike `persistent_id`, is not consulted for strings, numbers, lists, tuples
    and dicts, which are most of a context: the C pickler handles those without calling Python.

    Without a memo (`fast`): a memo writes an object met twice as a reference to the first, so the bytes
    would depend on which equal values happen to be one object, which differs between a model just parsed
    and the same model read back from the cache."""

    def __init__(self, stream: io.BytesIO, site_token: str) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = True
        self.site_token = site_token
        self.stories: set[str] = set()

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is Story:
            self.stories.add(obj.file)
            return _identity, ("Story", obj.file, obj.front or obj.digest)
        if kind is Term or kind is Page:
            return _identity, (kind.__name__, obj.file, obj.digest)
        if kind is Taxon:
            return _identity, ("taxon", obj.slug, obj.name, obj.path, len(obj.stories))
        if kind is Site:
            return _identity, (self.site_token,)
        return NotImplemented


@dataclass(frozen=True)
class PageFingerprint:
    digest: str
    refs: tuple[str, ...] | None
    """The files of the stories the page's data holds (None when unknown)."""
    text: bool
    """The data holds a story's rendered body (`TEXT_CARRIERS`), not only what its front matter says."""


class Fingerprinter:
    """Digests of context values within one build."""

    def __init__(self, site_token: str) -> None:
        self.site_token = site_token

    def of(self, value: Any) -> str:
        return self.of_page(value).digest

    def of_page(self, value: Any) -> PageFingerprint:
        """The digest of a page's data, the files of the stories it holds and whether it shows their text."""
        stream = io.BytesIO()
        pickler = _Pickler(stream, self.site_token)
        text = bool(getattr(value, "shows_text", False))
        try:
            pickler.dump(value)
        except Exception:  # noqa: BLE001 - an unpicklable value: a digest that matches nothing
            return PageFingerprint(os.urandom(16).hex(), None, True)
        return PageFingerprint(hashlib.blake2b(stream.getbuffer(), digest_size=16).hexdigest(),
                               tuple(sorted(pickler.stories)), text)


def site_chrome(config_token: str, site: Site) -> str:
    """What every page may show of the site as a whole: its config, free pages and glossary."""
    documents: list[Page | Term] = [*site.pages, *site.terms]
    return digest("site", config_token, *(f"{d.file}:{d.digest}" for d in documents))


def whole_site(config_token: str, site: Site) -> str:
    """Every published story, for pages whose layouts read the site's own lists."""
    return digest("whole", config_token, *(f"{s.file}:{s.digest}" for s in site.stories))
