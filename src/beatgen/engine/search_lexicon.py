"""The lexicon: which shards hold words that begin with a search term, answered by Pagefind itself.

Pagefind looks a term up among the words of one index; when no word begins with it, it falls back to the
longest word the term begins with ("nothingness" finds "nothing"). One index over every story falls back
only when no story has such a word. Merged shards decide one by one, so a shard without the word would
add every story holding a shorter one: a name that one shard mentions would bring in stories from all
the others. The lexicon is one more small bundle with one record per shard, that shard's distinct
words: the search page asks it first which shards hold every term (with Pagefind's own tokens, stems
and fallback, over the words of the whole site) and searches those shards only.

The lexicon needs every shard's words, so it used to wait for Pagefind to index the shards an edit
changed. A shard's words are the union of its pages' words, and Pagefind's record of a page does not
depend on the pages beside it: after an edit, the words of the pages the build did not rewrite are read
from the shard the output held them in, and those of the few it rewrote from Pagefind run on them alone
(`Forecast`). The lexicon is then indexed beside the shard, and checked against the shard's words once
it is made: a forecast that missed (a page whose shard was indexed before a build without the search
index rewrote it) makes the lexicon again from the shards, as before.
"""

from __future__ import annotations

import gzip
import html
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from beatgen.engine.search_bundle import index_shard, pagefind_bundle
from beatgen.engine.search_plan import SearchPlan, Shard

FILTER = "holds"
"""The lexicon records' filter: the name of the shard whose words the record holds."""


def _fragments(bundle: Path) -> list[dict[str, Any]]:
    return [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            for path in sorted((bundle / "fragment").glob("*.pf_fragment"))]


def _words(fragment: dict[str, Any]) -> set[str]:
    """The distinct words of one page as Pagefind indexed it: its text and metadata."""
    words = set(fragment["content"].lower().split())
    for value in fragment["meta"].values():
        words.update(value.lower().split())
    return words


def _joined(words: Iterable[set[str]]) -> str:
    return " ".join(sorted(set().union(*words)))


def shard_words(bundle: Path) -> str:
    """The distinct words of a shard bundle as Pagefind indexed them: each story's text and metadata."""
    return _joined(map(_words, _fragments(bundle)))


def words_by_url(bundle: Path) -> dict[str, set[str]]:
    """The words of each page a bundle holds, by the URL Pagefind gives the page."""
    return {fragment["url"]: _words(fragment) for fragment in _fragments(bundle)}


def page_url(page: str) -> str:
    """The URL Pagefind gives an output file: the folder of an `index.html`, the file's own path otherwise."""
    return "/" + page.removesuffix("index.html")


def lexicon_words(lexicon: Path) -> dict[str, str]:
    """The words of each shard a built lexicon holds, by shard name (so an unchanged shard is not read)."""
    if not (lexicon / "fragment").is_dir():
        return {}
    return {fragment["filters"][FILTER][0]: fragment["content"] for fragment in _fragments(lexicon)}


def build_lexicon(words: Sequence[tuple[str, str]], language: str, into: Path) -> None:
    """Write the lexicon bundle of `words` (each shard's name and words) into the new folder `into`."""
    into.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".beatgen-lexicon-", dir=into.parent) as work:
        pages = []
        for name, text in words:
            page = Path(work, name, "index.html")
            page.parent.mkdir()
            page.write_text(f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
                            f'<title>{name}</title></head><body><main data-pagefind-body>{html.escape(text)}</main>'
                            f'<span data-pagefind-filter="{FILTER}">{name}</span></body></html>\n', encoding="utf-8")
            pages.append((f"{name}/index.html", page))
        index_shard(pages, into)


FEW = 4
"""A forecast runs Pagefind on at most a `FEW`th of a shard's pages; more, and it waits for the shard."""


class Forecast:
    """A new shard's words before Pagefind has indexed it: the words of the pages the build did not rewrite,
    from the bundles the last build left (`previous`, the shards this plan drops), and of those it rewrote
    (`rewritten`), from Pagefind run on them alone."""

    def __init__(self, previous: Callable[[], Iterable[Path]], rewritten: Mapping[str, Path],
                 page_at: Callable[[str], Path], work: Path) -> None:
        self._previous = previous
        self._rewritten = rewritten
        self._page_at = page_at
        self._work = work
        self._known: dict[str, set[str]] | None = None

    def words(self, shard: Shard) -> str | None:
        """The shard's words, or none when too many of its pages are new to the last build's shards."""
        if self._known is None:
            self._known = {url: words for bundle in self._previous() for url, words in words_by_url(bundle).items()}
        known = self._known
        fresh = {page for page in shard.pages if page in self._rewritten or page_url(page) not in known}
        if len(fresh) > max(1, len(shard.pages) // FEW):
            return None
        found: dict[str, set[str]] = {}
        if fresh:
            self._work.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=".beatgen-words-", dir=self._work) as work:
                found = words_by_url(pagefind_bundle([(page, self._page_at(page)) for page in sorted(fresh)],
                                                      Path(work)))
        kept = (known[page_url(page)] for page in shard.pages if page not in fresh)
        return _joined([*found.values(), *kept])  # a page Pagefind skips (no body) has no record, nor words


ShardWords = list[tuple[str, str]]


class LexiconMaker:
    """Makes the lexicon of `plan`: with the shards' words from the previous lexicon where a shard kept its
    name, and from each new shard's folder (`folder_of`) once it is made, or before, from a `forecast`."""

    def __init__(self, plan: SearchPlan, folder_of: Callable[[str], Path], previous: Path | None,
                 forecast: Forecast | None = None) -> None:
        self._plan = plan
        self._folder_of = folder_of
        self._previous = previous
        self._forecast = forecast
        self._known: dict[str, str] | None = None

    def _kept(self) -> dict[str, str]:
        if self._known is None:
            self._known = lexicon_words(self._previous) if self._previous is not None else {}
        return self._known

    def forecast_words(self) -> ShardWords | None:
        """Every shard's words before the new shards are made, or none where a forecast cannot tell."""
        if self._forecast is None:
            return None
        words = []
        for shard in self._plan.shards:
            kept = self._kept()
            found = kept[shard.name] if shard.name in kept else self._forecast.words(shard)
            if found is None:
                return None
            words.append((shard.name, found))
        return words

    def words(self) -> ShardWords:
        """Every shard's words, the new shards' read from their folders (made by now)."""
        kept = self._kept()
        return [(shard.name, kept[shard.name] if shard.name in kept else shard_words(self._folder_of(shard.name)))
                for shard in self._plan.shards]

    def build(self, words: ShardWords, into: Path) -> None:
        build_lexicon(words, self._plan.language, into)

    def __call__(self, into: Path) -> None:
        self.build(self.words(), into)
