"""Which stories a build publishes: drafts, scheduled stories and embargoes are held back.

An embargoed story must not leak before its time: not its page, nor its title, slug or URL in any
listing, feed, index or other story. Holding it back here, before any index is built, is what makes
every later stage safe by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from beatgen.content.model import Story


@dataclass(frozen=True)
class Visibility:
    """What this build shows besides published stories (`serve` previews all of them)."""

    drafts: bool = False
    future: bool = False
    embargoed: bool = False


@dataclass(frozen=True)
class Held:
    slug: str
    file: str
    reason: str


def held_back(story: Story, now: datetime, show: Visibility) -> str | None:
    """Why a story stays out of this build, or None when it is published."""
    if story.draft and not show.drafts:
        return "a draft"
    if story.embargo is not None and story.embargo > now and not show.embargoed:
        return f"embargoed until {story.embargo.isoformat()}"
    if story.date > now and not show.future:
        return f"scheduled for {story.date.isoformat()}"
    return None


def select(stories: Iterable[Story], now: datetime, show: Visibility) -> tuple[list[Story], dict[str, Held]]:
    """Split stories into the published ones and the held ones (by file, with the reason)."""
    published, held = [], {}
    for story in stories:
        reason = held_back(story, now, show)
        if reason is None:
            published.append(story)
        else:
            held[story.file] = Held(story.slug, story.file, reason)
    return published, held


@dataclass(frozen=True)
class Due:
    """The next held-back story to come out: when, which file, and what holds it until then."""

    moment: datetime
    file: str
    reason: str


def next_publication(stories: Iterable[Story], now: datetime, show: Visibility) -> Due | None:
    """The earliest instant at which a story this build leaves out comes out by itself (the later of its
    date and its embargo; drafts never do): CI schedules its next build for then."""
    pending = []
    for story in stories:
        if story.draft and not show.drafts:
            continue
        holds = [(moment, reason) for moment, reason, shown in ((story.embargo, "embargo", show.embargoed),
                                                                 (story.date, "scheduled", show.future))
                 if moment is not None and moment > now and not shown]
        if holds:
            moment, reason = max(holds)
            pending.append(Due(moment, story.file, reason))
    return min(pending, key=lambda due: (due.moment, due.file), default=None)
