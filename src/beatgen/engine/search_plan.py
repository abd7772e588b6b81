"""The shard plan: which story pages go into which search shard, and the name of each shard's folder.

The stories are taken in the order of the search page's date sort, oldest first, and cut into runs of
about `size` stories (site.yaml's `search: shard_size`). Where a run ends depends only on the stories
at its edge (content-defined boundaries, as rsync and backup tools cut files): a run ends at a story
whose URL hashes to zero once the run is three quarters of `size` long, and at one and a half times
`size` whatever the hash. So a new story, which is the newest, touches the last shard only, and
adding, removing or re-dating an older story changes its own shard (rarely its neighbour), never
every shard after it.

The last run, still open, holds the newest stories: those the desk adds, corrects and edits all day, each
edit re-indexing the whole shard it sits in. It is cut again, the same way, into runs of about
`size / TAIL_SPLIT` (`tail_runs`), so that an edit there indexes a hundred-odd stories, not up to a thousand
and a half. When the open run closes, its small runs become one shard like the others (one rebuild indexes
them together, once per `size` new stories); the search page meets at most a handful more shards.

A shard's name is the digest of exactly what goes into it: each page's name and what Pagefind reads from
it (`search_reads`), and the Pagefind release and chunk size. Equal names, equal files, whatever the
output folder or the cache held; and a layout edit that Pagefind does not see renames no shard. The
plan also names the lexicon (`search_lexicon`), made of every shard's words.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
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


TAIL_SPLIT = 8
"""The open run is cut into runs this many times smaller (`runs`)."""


def runs(pages: Sequence[str], size: int) -> list[tuple[str, ...]]:
    """Consecutive runs of about `size` pages whose ends depend on the pages there alone, the open last run
    cut again into runs of about `size / TAIL_SPLIT`."""
    closed, open_run = _closed_runs(pages, size)
    tail, rest = _closed_runs(open_run, max(1, size // TAIL_SPLIT))
    return [*closed, *tail, *([tuple(rest)] if rest else [])]


def _closed_runs(pages: Sequence[str], size: int) -> tuple[list[tuple[str, ...]], list[str]]:
    """The runs that a page at their end closed, and the pages after the last of them (the open run)."""
    shortest, longest, spread = max(1, size * 3 // 4), max(1, size * 3 // 2), max(1, size // 4)
    found: list[tuple[str, ...]] = []
    run: list[str] = []
    for page in pages:
        run.append(page)
        if len(run) >= longest or (len(run) >= shortest and _cuts_after(page, spread)):
            found.append(tuple(run))
            run = []
    return found, run


@dataclass(frozen=True)
class SearchPlan:
    shards: tuple[Shard, ...]
    language: str
    """The site's language: the lexicon's words are stemmed as the stories' are."""
    lexicon: str
    """The lexicon's folder under `pagefind/` (none without shards): a digest of the shard names."""


def plan_shards(cuts: Sequence[tuple[str, ...]], digest_of: Callable[[str], str], language: str, token: str,
                previous: SearchPlan | None = None, redone: AbstractSet[str] = frozenset()) -> SearchPlan:
    """The shards of the story pages cut into `cuts` (`runs`), each named after its pages' names and the
    digest of what Pagefind reads from each (`digest_of`). `previous`: the last plan, whose shards keep their
    names where the cuts are the very same tuples (the site kept its shape) and hold no page of `redone`,
    whose digest was read again: a save at 100,000 stories names one shard, not a hundred."""
    kept = _kept_names(previous, cuts, language, redone)
    shards = tuple(Shard(kept[n] or _shard_name(cut, digest_of, token), cut) for n, cut in enumerate(cuts))
    lexicon = digest("lexicon", token, language, *(s.name for s in shards))[:NAME_LENGTH] if shards else ""
    return SearchPlan(shards, language, lexicon)


def _kept_names(previous: SearchPlan | None, cuts: Sequence[tuple[str, ...]], language: str,
                redone: AbstractSet[str]) -> list[str]:
    if (previous is None or previous.language != language or len(previous.shards) != len(cuts)
            or any(shard.pages is not cut for shard, cut in zip(previous.shards, cuts, strict=True))):
        return [""] * len(cuts)
    return ["" if not redone.isdisjoint(shard.pages) else shard.name for shard in previous.shards]


def _shard_name(pages: tuple[str, ...], digest_of: Callable[[str], str], token: str) -> str:
    return digest("shard", token, *(f"{page}\x1e{digest_of(page)}" for page in pages))[:NAME_LENGTH]


def manifest(plan: SearchPlan) -> bytes:
    """`pagefind/shards.json`: the shard folders in date order and the lexicon, which the search page loads."""
    listing = {"shards": [shard.name for shard in plan.shards], "lexicon": plan.lexicon}
    return json.dumps(listing, separators=(",", ":")).encode("utf-8") + b"\n"
