"""Who wrote a story and when, as the story page shows it: the authors (or the desk), and the published and
updated date and time in the site's time zone, with the zone named so a reader abroad can place it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from beatgen.content.model import Story
from beatgen.site.index import Site

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Moment:
    """A datetime as a `<time>` shows it: `iso` for its `datetime` attribute, `text` for the reader."""

    iso: str
    text: str


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    path: str


@dataclass(frozen=True)
class Byline:
    people: tuple[Person, ...]
    """The story's authors; none: the desk (`desk`) signs it."""
    desk: str
    published: Moment
    updated: Moment | None


def byline(site: Site, story: Story) -> Byline:
    zone = ZoneInfo(site.config.timezone)
    declared = site.config.author_index()
    people = tuple(Person(declared[author].name, declared[author].role, site.authors[author].path)
                   for author in story.authors)
    updated = moment(story.updated, zone, "updated" not in story.untimed) if story.updated else None
    return Byline(people, site.config.author, moment(story.date, zone, "date" not in story.untimed), updated)


def moment(value: datetime, zone: ZoneInfo, timed: bool = True) -> Moment:
    """`14 March 2026, 09:30 UTC` (the day alone when the writer gave no time)."""
    local = value.astimezone(zone)
    day = f"{local.day} {MONTHS[local.month - 1]} {local.year:04d}"
    if not timed:
        return Moment(local.date().isoformat(), day)
    return Moment(local.isoformat(), f"{day}, {local:%H:%M} {zone_name(local)}")


def zone_name(local: datetime) -> str:
    """The zone's abbreviation at that instant (`GMT`, `BST`, `CET`), or `UTC+03` where it has none."""
    name = local.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name
