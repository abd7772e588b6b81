"""How one story names another (a timeline's `story:`): by its slug, or by `YEAR/MONTH/slug` when two
stories of different months share the slug.

A slug alone is unique only while no other month reuses it; the year and month of the story's URL make
the reference exact again. Both the check and the site resolve references here, so they agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from beatgen.content.model import Story

QUALIFIED = re.compile(r"^(\d{4})/(\d{2})/([^/]+)$")


def qualified(story: Story) -> str:
    """The `YEAR/MONTH/slug` form of a reference: the year and month of the story's URL."""
    return f"{story.date:%Y}/{story.date:%m}/{story.slug}"


class StoryRefs:
    """The stories a reference may name, by slug."""

    def __init__(self, stories: Iterable[Story]) -> None:
        self.by_slug: dict[str, list[Story]] = defaultdict(list)
        for story in sorted(stories, key=lambda s: s.file):
            self.by_slug[story.slug].append(story)

    def replaced(self, swap: dict[str, Story]) -> StoryRefs:
        """The same references with some stories' models replaced (by file), their slugs and dates the same."""
        refs = StoryRefs(())
        refs.by_slug.update(self.by_slug)
        for story in swap.values():
            refs.by_slug[story.slug] = [swap.get(known.file, known) for known in self.by_slug[story.slug]]
        return refs

    def find(self, reference: str) -> list[Story]:
        """Every story the reference matches (more than one: it is ambiguous)."""
        match = QUALIFIED.match(reference)
        if match is None:
            return list(self.by_slug.get(reference, ()))
        return [story for story in self.by_slug.get(match.group(3), ()) if qualified(story) == reference]

    def one(self, reference: str) -> Story | None:
        """The story the reference names, when it names exactly one."""
        found = self.find(reference)
        return found[0] if len(found) == 1 else None

    def names(self, reference: str) -> list[str]:
        """What a reference like this one could have been: every slug, or every `YEAR/MONTH/slug`."""
        if QUALIFIED.match(reference) is None:
            return list(self.by_slug)
        return [qualified(story) for stories in self.by_slug.values() for story in stories]
