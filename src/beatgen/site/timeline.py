"""A story's timeline: its own dated events and the stories they name, chronologically, itself marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from beatgen.content.model import Story


@dataclass(frozen=True)
class TimelineItem:
    date: datetime
    text: str
    path: str | None
    current: bool = False


def story_timeline(story: Story, by_slug: dict[str, Story]) -> tuple[TimelineItem, ...]:
    items = [TimelineItem(story.date, story.title, None, current=True)]
    for entry in story.timeline:
        target = by_slug.get(entry.story) if entry.story else None
        items.append(TimelineItem(entry.date, entry.event, target.path if target else None))
    return tuple(sorted(items, key=lambda item: (item.date, not item.current, item.text)))
