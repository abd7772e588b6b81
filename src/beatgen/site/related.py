"""Related coverage: for each story, the stories that share its topics or affected parties, nearest in time.

Built on inverted indexes (topic → stories, entity → stories, each sorted by date). A story looks only at
the NEIGHBOURS stories nearest in time on either side in each of its own lists, so the work per story is
bounded by its number of topics and entities, never by the size of the archive: near-linear at 100,000.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from beatgen.content.model import Story
from beatgen.urls import slugify

NEIGHBOURS = 12
KEEP = 8
DAY = 86400.0
# A shared taxon counts fully on the same day, half at HALF_LIFE_DAYS apart, a third at twice that.
HALF_LIFE_DAYS = 30.0


@dataclass(frozen=True)
class Posting:
    """One taxon's stories in date order, with their timestamps for bisection."""

    times: list[float]
    members: list[int]


def taxon_keys(story: Story) -> set[str]:
    return {f"t:{slugify(name)}" for name in story.topics} | {f"e:{slugify(name)}" for name in story.affected}


def _postings(stories: Sequence[Story], keys: Sequence[set[str]]) -> dict[str, Posting]:
    """The inverted index; stories arrive sorted by (date, slug), so each list is sorted too."""
    index: dict[str, Posting] = defaultdict(lambda: Posting([], []))
    for number, story in enumerate(stories):
        for key in sorted(keys[number]):
            posting = index[key]
            posting.times.append(story.date.timestamp())
            posting.members.append(number)
    return index


def _candidates(number: int, when: float, keys: set[str], index: dict[str, Posting]) -> Counter[int]:
    """How many taxa each nearby story shares with this one (only the nearest NEIGHBOURS per taxon)."""
    shared: Counter[int] = Counter()
    for key in keys:
        posting = index[key]
        at = bisect_left(posting.times, when)
        shared.update(posting.members[max(0, at - NEIGHBOURS):at + NEIGHBOURS + 1])
    shared.pop(number, None)
    return shared


def _ranked(story: Story, shared: Counter[int], stories: Sequence[Story]) -> tuple[Story, ...]:
    """Overlap weighted by closeness in time; ties go to the nearer, then the newer, then by slug."""
    when = story.date.timestamp()

    def rank(other: int) -> tuple[float, float, float, str]:
        days = abs(stories[other].date.timestamp() - when) / DAY
        score = shared[other] / (1 + days / HALF_LIFE_DAYS)
        return (-round(score, 9), days, -stories[other].date.timestamp(), stories[other].slug)

    return tuple(stories[other] for other in sorted(shared, key=rank)[:KEEP])


def related_stories(stories: Sequence[Story]) -> dict[str, tuple[Story, ...]]:
    """Each story's related stories, best first (at most KEEP); deterministic for a given set of stories."""
    ordered = sorted(stories, key=lambda s: (s.date, s.slug))
    keys = [taxon_keys(story) for story in ordered]
    index = _postings(ordered, keys)
    return {story.slug: _ranked(story, _candidates(number, story.date.timestamp(), keys[number], index), ordered)
            for number, story in enumerate(ordered)}
