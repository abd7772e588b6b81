"""Related coverage as the story page shows it: each card says what it shares with the story, and when.

The reason is worked out from the two stories themselves, not from the ranking's bounded neighbourhoods,
so it names every topic and affected party they have in common.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from beatgen.content.model import Story
from beatgen.site.index import Site
from beatgen.site.related import shared_taxa

UNITS = (("day", 1.0, 14), ("week", 7.0, 61), ("month", 30.44, 730), ("year", 365.25, math.inf))
"""Each unit with its length in days and the span (in days) below which it is used."""


@dataclass(frozen=True)
class RelatedCard:
    story: Story
    shares: tuple[str, ...]
    """Display names of the shared topics, then of the shared affected parties, then the time apart."""


def related_cards(site: Site, story: Story) -> tuple[RelatedCard, ...]:
    zone = ZoneInfo(site.config.timezone)
    return tuple(_card(site, story, other, zone) for other in site.related.get(story.path, ()))


def _card(site: Site, story: Story, other: Story, zone: ZoneInfo) -> RelatedCard:
    topics, entities = shared_taxa(story, other)
    days = (other.date.astimezone(zone).date() - story.date.astimezone(zone).date()).days
    names = [site.topic_of(name).name for name in topics] + [site.entity_of(name).name for name in entities]
    return RelatedCard(other, (*names, time_apart(days)))


def time_apart(days: int) -> str:
    """`days` from the story to the other one, in words: "the same day", "3 days earlier", "2 months later"."""
    if days == 0:
        return "the same day"
    span = abs(days)
    unit, size = next((unit, size) for unit, size, below in UNITS if span < below)
    count = max(1, round(span / size))
    return f"{count} {unit}{'' if count == 1 else 's'} {'later' if days > 0 else 'earlier'}"
