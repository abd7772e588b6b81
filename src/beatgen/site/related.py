"""Related coverage: for each story, the stories that share its topics or affected parties, nearest in time.

A candidate shares at least one topic, or at least two affected parties: one country or company in common
(a NATO member, the United States) says nothing about what two stories have to do with each other.
Built on inverted indexes (topic → stories, entity → stories, each sorted by date). A story looks only at
the NEIGHBOURS stories nearest in time on either side in each of its own lists, so the work per story is
bounded by its number of topics and entities, never by the size of the archive: near-linear at 100,000.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from beatgen.content.model import Story
from beatgen.urls import slugify

NEIGHBOURS = 6
KEEP = 5
"""Related stories kept (and shown) per story."""
MIN_SHARED_ENTITIES = 2
# A shared taxon counts fully on the same day, half at HALF_LIFE (30 days) apart, a third at twice that.
HALF_LIFE = 30 * 86400.0


@dataclass(frozen=True)
class Posting:
    """One taxon's stories in date order, with their timestamps for bisection."""

    times: list[float]
    members: list[int]


def taxon_keys(story: Story, slugs: dict[str, str]) -> set[str]:
    """`t:<topic>` and `e:<entity>` keys; `slugs` memoises slugify across the stories of one call."""
    def slug(name: str) -> str:
        if name not in slugs:
            slugs[name] = slugify(name)
        return slugs[name]

    return {f"t:{slug(name)}" for name in story.topics} | {f"e:{slug(name)}" for name in story.affected}


def _postings(stories: Sequence[Story], times: list[float], keys: Sequence[set[str]]) -> dict[str, Posting]:
    """The inverted index; stories arrive sorted by (date, slug), so each list is sorted too."""
    index: dict[str, Posting] = defaultdict(lambda: Posting([], []))
    for number in range(len(stories)):
        for key in keys[number]:
            posting = index[key]
            posting.times.append(times[number])
            posting.members.append(number)
    return index


def _candidates(number: int, when: float, keys: set[str], index: dict[str, Posting]) -> Counter[int]:
    """How many taxa each nearby story shares with this one (only the nearest NEIGHBOURS per taxon), for
    the stories that share a topic or MIN_SHARED_ENTITIES affected parties."""
    topics: Counter[int] = Counter()
    entities: Counter[int] = Counter()
    for key in keys:
        posting = index[key]
        at = bisect_left(posting.times, when)
        nearest = posting.members[max(0, at - NEIGHBOURS):at + NEIGHBOURS + 1]
        (topics if key.startswith("t:") else entities).update(nearest)
    return Counter({other: topics[other] + entities[other] for other in topics.keys() | entities.keys()
                    if other != number and (topics[other] or entities[other] >= MIN_SHARED_ENTITIES)})


def _ranked(number: int, shared: Counter[int], times: list[float], stories: Sequence[Story]) -> tuple[Story, ...]:
    """Overlap weighted by closeness in time; ties go to the nearer, then the newer, then by slug.

    Candidates come by overlap, highest first; a score never exceeds the overlap, so once KEEP candidates
    score above the next overlap, the rest cannot enter and are skipped.
    """
    when = times[number]
    scored: list[tuple[float, float, float, str, int]] = []
    level = 0
    for other, count in shared.most_common():
        if count != level:
            if len(scored) >= KEEP and -heapq.nsmallest(KEEP, scored)[-1][0] > count:
                break
            level = count
        gap = abs(times[other] - when)
        scored.append((-count / (1 + gap / HALF_LIFE), gap, -times[other], stories[other].slug, other))
    return tuple(stories[entry[-1]] for entry in heapq.nsmallest(KEEP, scored))


def related_stories(stories: Sequence[Story]) -> dict[str, tuple[Story, ...]]:
    """Each story's related stories, best first (at most KEEP); deterministic for a given set of stories."""
    ordered = sorted(stories, key=lambda s: (s.date, s.slug, s.path))
    times = [story.date.timestamp() for story in ordered]
    slugs: dict[str, str] = {}
    keys = [taxon_keys(story, slugs) for story in ordered]
    index = _postings(ordered, times, keys)
    return {story.path: _ranked(number, _candidates(number, times[number], keys[number], index), times, ordered)
            for number, story in enumerate(ordered)}


def shared_taxa(story: Story, other: Story) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The topics and affected parties of `story` that `other` also has (compared by slug), in `story`'s order."""
    topics = {slugify(name) for name in other.topics}
    entities = {slugify(name) for name in other.affected}
    return (tuple(name for name in story.topics if slugify(name) in topics),
            tuple(name for name in story.affected if slugify(name) in entities))
