"""The lexicon: which shards hold words that begin with a search term, answered by Pagefind itself.

Pagefind looks a term up among the words of one index; when no word begins with it, it falls back to the
longest word the term begins with ("nothingness" finds "nothing"). One index over every story falls back
only when no story has such a word. Merged shards decide one by one, so a shard without the word would
add every story holding a shorter one: a name that one shard mentions would bring in stories from all
the others. The lexicon is one more small bundle with one record per shard, that shard's distinct
words: the search page asks it first which shards hold every term (with Pagefind's own tokens, stems
and fallback, over the words of the whole site) and searches those shards only.
"""

from __future__ import annotations

import gzip
import html
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from beatgen.engine.search_bundle import index_shard

FILTER = "holds"
"""The lexicon records' filter: the name of the shard whose words the record holds."""


def _fragments(bundle: Path) -> list[dict[str, Any]]:
    return [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
            for path in sorted((bundle / "fragment").glob("*.pf_fragment"))]


def shard_words(bundle: Path) -> str:
    """The distinct words of a shard bundle as Pagefind indexed them: each story's text and metadata."""
    words: set[str] = set()
    for fragment in _fragments(bundle):
        words.update(fragment["content"].lower().split())
        for value in fragment["meta"].values():
            words.update(value.lower().split())
    return " ".join(sorted(words))


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
