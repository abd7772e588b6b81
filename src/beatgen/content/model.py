"""The content models: frozen, picklable, and free of rendering concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Source:
    outlet: str
    title: str
    url: str
    date: date | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: datetime
    event: str
    story: str | None
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Correction:
    date: datetime
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Alias:
    """An old path of a story or page (`aliases:`), where a redirect page sends readers to its URL."""

    path: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class StoryImage:
    """A story's picture as its front matter names it; the file is found and checked with the site's images."""

    file: str
    alt: str
    credit: str
    caption: str
    decorative: bool
    line: int
    column: int
    """Where `file:` is written, for a missing or unreadable file."""


@dataclass(frozen=True, slots=True)
class Story:
    file: str
    slug: str
    path: str
    title: str
    date: datetime
    updated: datetime | None
    summary: str
    takeaways: tuple[str, ...]
    key_facts: tuple[str, ...]
    impact: int
    sentiment: str
    affected: tuple[str, ...]
    topics: tuple[str, ...]
    region: str
    pullquote: str
    sources: tuple[Source, ...]
    timeline: tuple[TimelineEntry, ...]
    watch: str
    draft: bool
    embargo: datetime | None
    corrections: tuple[Correction, ...]
    body: str
    body_line: int
    digest: str
    aliases: tuple[Alias, ...] = ()
    authors: tuple[str, ...] = ()
    """Ids of the desk's authors (data/authors.yaml); none: the desk's byline."""
    image: StoryImage | None = None
    impact_reason: str = ""
    sentiment_reason: str = ""
    untimed: tuple[str, ...] = ()
    """The date fields (`date`, `updated`) written as a day without a time: pages show no time for them."""
    front: str = ""
    """A digest of the front matter and of where the body begins: everything of the story but its body. Pages
    show the body only as the story's rendered fragment, so a page that holds no fragment of it (a listing's
    card) changes with this, not with `digest` (engine/fingerprint.py)."""

    @property
    def verification(self) -> int:
        """Independent sources: distinct outlets, so two articles from one outlet count once."""
        return len({normalize_outlet(source.outlet) for source in self.sources})

    @property
    def modified(self) -> datetime:
        """The latest of the publication, update and correction dates."""
        return max([self.date, *([self.updated] if self.updated else []), *(c.date for c in self.corrections)])


@dataclass(frozen=True, slots=True)
class Term:
    file: str
    slug: str
    term: str
    aliases: tuple[str, ...]
    body: str
    body_line: int
    digest: str


@dataclass(frozen=True, slots=True)
class Page:
    file: str
    slug: str
    title: str
    description: str
    body: str
    body_line: int
    digest: str
    aliases: tuple[Alias, ...] = ()


@dataclass(frozen=True, slots=True)
class Unread:
    """The Markdown body of a file whose front matter has errors: its links are checked all the same, so one
    run reports every problem of the file, not the body's only once the front matter is fixed."""

    file: str
    body: str
    body_line: int


def normalize_outlet(outlet: str) -> str:
    """`www.Reuters.com` and `reuters.com` are one outlet."""
    name = outlet.strip().lower()
    return name[4:] if name.startswith("www.") else name
