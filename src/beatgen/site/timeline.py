"""A story's timeline: its own dated events, the stories they name and its related stories, chronologically,
itself marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from beatgen.content.model import Story


@dataclass(frozen=True)
class TimelineItem:
    date: datetime
    text: str
    path: str | None
    current: bool = False
    related: bool = False
    story: Story | None = None
    """The story an item shows, so a page's fingerprint names every story whose text it carries."""


def story_timeline(story: Story, by_slug: dict[str, Story],
                   related: Sequence[Story] = ()) -> tuple[TimelineItem, ...]:
    """The story's own entries first claim the stories they name; related stories fill in the rest."""
    items = [TimelineItem(story.date, story.title, None, current=True, story=story)]
    named = {story.slug}
    for entry in story.timeline:
        target = by_slug.get(entry.story) if entry.story else None
        items.append(TimelineItem(entry.date, entry.event, target.path if target else None, story=target))
        if target:
            named.add(target.slug)
    items += [TimelineItem(other.date, other.title, other.path, related=True, story=other) for other in related
              if other.slug not in named]
    return tuple(sorted(items, key=lambda item: (item.date, not item.current, item.text)))
