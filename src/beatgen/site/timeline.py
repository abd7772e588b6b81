"""A story's timeline, editorial only: its own dated events, the stories that name it in theirs, and itself.

Nothing is added automatically (stories that merely share a topic belong in related coverage), so a
timeline says only what an editor wrote, on this story or on another one that points back at it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from beatgen.content.model import Story


@dataclass(frozen=True)
class TimelineItem:
    date: datetime
    text: str
    path: str | None
    current: bool = False
    backlink: bool = False
    """A later or earlier story of ours whose own timeline names this one."""
    story: Story | None = None
    """The story an item shows, so a page's fingerprint names every story whose text it carries."""


def timeline_backlinks(stories: Iterable[Story],
                       named_story: Callable[[str], Story | None]) -> dict[str, tuple[Story, ...]]:
    """Story path → the stories whose timeline names it, each once, in the order given."""
    named_by: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        targets = (named_story(entry.story) for entry in story.timeline if entry.story)
        for path in dict.fromkeys(target.path for target in targets if target is not None):
            if path != story.path:
                named_by[path].append(story)
    return {path: tuple(others) for path, others in named_by.items()}


def story_timeline(story: Story, named_story: Callable[[str], Story | None],
                   named_by: Iterable[Story] = ()) -> tuple[TimelineItem, ...]:
    """Chronological; a story this one's entries already link is not repeated as a back-link.

    Only this story itself: the empty tuple, so that the layout leaves the section out.
    """
    items = [TimelineItem(story.date, story.title, None, current=True, story=story)]
    linked = {story.path}
    for entry in story.timeline:
        target = named_story(entry.story) if entry.story else None
        items.append(TimelineItem(entry.date, entry.event, target.path if target else None, story=target))
        if target:
            linked.add(target.path)
    items += [TimelineItem(other.date, other.title, other.path, backlink=True, story=other)
              for other in named_by if other.path not in linked]
    if len(items) == 1:
        return ()
    return tuple(sorted(items, key=lambda item: (item.date, not item.current, item.text)))
