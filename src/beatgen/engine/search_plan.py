"""The shard plan: which story pages go into which search shard, and the name of each shard's folder.

The stories are taken in the order of the search page's date sort, oldest first, and cut into runs of
about `size` stories (site.yaml's `search: shard_size`). Where a run ends depends only on the stories
at its edge (content-defined boundaries, as rsync and backup tools cut files): a run ends at a story
whose URL hashes to zero once the run is three quarters of `size` long, and at one and a half times
`size` whatever the hash. So a new story, which is the newest, touches the last shard only, and
adding, removing or re-dating an older story changes its own shard (rarely its neighbour), never
every shard after it.

A shard's name is the digest of exactly what goes into it: each page's name and what Pagefind reads from
it (`search_reads`), and the Pagefind release and chunk size. Equal names, equal files, whatever the
output folder or the cache held; and a layout edit that Pagefind does not see renames no shard. The
plan also names the lexicon (`search_lexicon`), made of every shard's words.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from beatgen.content.model import Story
from beatgen.engine.fingerprint import digest
from beatgen.urls import output_file

NAME_LENGTH = 16


@dataclass(frozen=True)
class Shard:
    name: str
    """The shard's folder under `pagefind/`: a digest of exactly what goes into it."""
    pages: tuple[str, ...]
    """The output files of its story pages, in date order."""


def search_order(stories: Iterable[Story]) -> list[str]:
    """The story pages, oldest first, in the order of the search page's date sort: its key is the
    story's ISO date and URL (`layouts/partials/search_facets.html`), so no two stories tie."""
    keyed = sorted((f"{story.date.isoformat()} {story.path}", output_file(story.path)) for story in stories)
    return [page for _key, page in keyed]


def _cuts_after(page: str, spread: int) -> bool:
    return int.from_bytes(hashlib.blake2b(page.encode("utf-8"), digest_size=8).digest(), "big") % spread == 0


def runs(pages: Sequence[str], size: int) -> list[tuple[str, ...]]:
    """Consecutive runs of about `size` pages whose ends depend on the pages there alone."""
    shortest, longest, spread = max(1, size * 3 // 4), max(1, size * 3 // 2), max(1, size // 4)
    found: list[tuple[str, ...]] = []
    run: list[str] = []
    for page in pages:
        run.append(page)
        if len(run) >= longest or (len(run) >= shortest and _cuts_after(page, spread)):
            found.append(tuple(run))
            run = []
    if run:
        found.append(tuple(run))
    return found


@dataclass(frozen=True)
class SearchPlan:
    shards: tuple[Shard, ...]
    language: str
    """The site's language: the lexicon's words are stemmed as the stories' are."""
    lexicon: str
    """The lexicon's folder under `pagefind/` (none without shards): a digest of the shard names."""


def plan_shards(pages: Sequence[str], digests: Mapping[str, str], size: int, language: str,
                token: str) -> SearchPlan:
    """The shards of the story `pages` (in date order), named after each page's name and the digest of what
    Pagefind reads from it."""
    shards = tuple(Shard(digest("shard", token, *(f"{page}\x1e{digests[page]}" for page in run))[:NAME_LENGTH], run)
                   for run in runs(pages, size))
    lexicon = digest("lexicon", token, language, *(s.name for s in shards))[:NAME_LENGTH] if shards else ""
    return SearchPlan(shards, language, lexicon)


def manifest(plan: SearchPlan) -> bytes:
    """`pagefind/shards.json`: the shard folders in date order and the lexicon, which the search page loads."""
    listing = {"shards": [shard.name for shard in plan.shards], "lexicon": plan.lexicon}
    return json.dumps(listing, separators=(",", ":")).encode("utf-8") + b"\n"
