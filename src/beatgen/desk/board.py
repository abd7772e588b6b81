"""The editor's board: what on the desk needs a look, each item with the file and line to open.

A section is a name, a heading and a function from the stories, the clock and the site's config to
entries; adding one is a line in SECTIONS and a short function. Positions are found by
reading the front matter of the listed files again, so the models carry no more than a build needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from beatgen.config import SiteConfig
from beatgen.content.frontmatter import split_file
from beatgen.content.model import Story
from beatgen.content.sitedata import load_site_config
from beatgen.desk.dates import named_dates
from beatgen.diagnostics import has_errors
from beatgen.engine.fingerprint import Fingerprinter
from beatgen.engine.reading import read_content
from beatgen.engine.state import BuildState
from beatgen.yamlsource import Path as KeyPath
from beatgen.yamlsource import YamlDoc, load_yaml

CORRECTIONS_DAYS = 30


@dataclass(frozen=True)
class Entry:
    """A story on the board, where to look in its front matter (`path`; `offset`: a character of that text
    value; `line`: a line already known), when it happens, and a note."""

    story: Story
    path: KeyPath
    when: datetime | date | None
    note: str
    offset: int = -1
    line: int = 0


@dataclass(frozen=True)
class Item:
    file: str
    line: int
    column: int
    title: str
    url: str
    when: str
    note: str


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Board:
    now: datetime
    sections: tuple[Section, ...]
    unread: tuple[str, ...]
    """Files whose errors keep them off the board (`beatgen check` names the errors)."""


Select = Callable[[Sequence[Story], datetime, SiteConfig], Iterable[Entry]]


def drafts(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    for story in stories:
        if story.draft:
            yield Entry(story, ("draft",), story.date, "held back until 'draft: true' is deleted")


def scheduled(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    for story in stories:
        if not story.draft and story.date > now:
            yield Entry(story, ("date",), story.date, "goes out with the first build after this time")


def embargoed(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    for story in stories:
        if not story.draft and story.embargo is not None and story.embargo > now:
            yield Entry(story, ("embargo",), story.embargo, "held back from every output until this time")


def single_source(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    for story in stories:
        if not story.draft and story.verification < 2:
            yield Entry(story, ("sources",), story.date, f"one source ({story.sources[0].outlet}); a second outlet "
                                                         "would verify it")


def recent_corrections(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    since = now - timedelta(days=CORRECTIONS_DAYS)
    for story in stories:
        for correction in story.corrections:
            if since <= correction.date <= now:
                yield Entry(story, ("corrections",), correction.date, correction.text, line=correction.line)


def watch_passed(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    """Days named in "What to watch" that are over by now (in the site's timezone)."""
    zone = ZoneInfo(config.timezone)
    today = now.astimezone(zone).date()
    for story in stories:
        if story.draft or not story.watch:
            continue
        for named in named_dates(story.watch, story.date.astimezone(zone).date()):
            if named.day < today:
                yield Entry(story, ("watch",), named.day, f"“{_around(story.watch, named.offset)}”", named.offset)


def without_picture(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    for story in stories:
        if not story.draft and story.image is None:
            yield Entry(story, ("title",), story.date, "no 'image:' (a picture file and its alt text): the "
                                                       "page shows no picture of its own")


def unexplained_scores(stories: Sequence[Story], now: datetime, config: SiteConfig) -> Iterator[Entry]:
    """Action items whose scores come without the sentence that says why (what `rubric.require_reasons` asks)."""
    threshold = config.rubric.action_threshold
    for story in stories:
        missing = [key for key in ("impact_reason", "sentiment_reason") if not getattr(story, key)]
        if not story.draft and story.impact >= threshold and missing:
            yield Entry(story, ("impact",), story.date, f"impact {story.impact} (action items from {threshold}) "
                                                        f"without {' or '.join(repr(k + ':') for k in missing)}")


SECTIONS: tuple[tuple[str, str, Select], ...] = (
    ("drafts", "Drafts", drafts),
    ("scheduled", "Scheduled", scheduled),
    ("embargoed", "Embargoed", embargoed),
    ("single-source", "Single-source stories", single_source),
    ("corrections", f"Corrections of the last {CORRECTIONS_DAYS} days", recent_corrections),
    ("watch", "What to watch: dates that have passed", watch_passed),
    ("no-picture", "Stories without a picture", without_picture),
    ("no-reason", "Action items without reasons for their scores", unexplained_scores),
)


def read_board(site_dir: Path, now: datetime, state: BuildState | None = None, jobs: int = 0) -> Board:
    """The board of a site's content as it is on disk; `state` (kept by the caller) re-reads only changed files."""
    config = load_site_config(site_dir)
    content, _, _ = read_content(site_dir, config, Fingerprinter("").of(config), state or BuildState(), jobs)
    unread = sorted({d.file for d in content.diagnostics if has_errors([d])})
    return board(site_dir, content.stories, config, now, tuple(unread))


def board(site_dir: Path, stories: Sequence[Story], config: SiteConfig, now: datetime,
          unread: tuple[str, ...] = ()) -> Board:
    """Each section's entries in time order, the earliest first."""
    places = Places(site_dir, config)
    sections = []
    for name, title, select in SECTIONS:
        entries = sorted(select(stories, now, config), key=lambda e: (e.when, e.story.file, e.line, e.offset))
        sections.append(Section(name, title, tuple(places.item(entry) for entry in entries)))
    return Board(now, tuple(sections), unread)


class Places:
    """Where an entry is written: each listed file's front matter is read once more, for its positions."""

    def __init__(self, site_dir: Path, config: SiteConfig) -> None:
        self.site_dir = site_dir
        self.config = config
        self.docs: dict[str, YamlDoc | None] = {}

    def item(self, entry: Entry) -> Item:
        story = entry.story
        line, column = self.position(entry)
        when = entry.when.isoformat() if entry.when is not None else ""
        return Item(story.file, line, column, story.title, story.path, when, entry.note)

    def position(self, entry: Entry) -> tuple[int, int]:
        doc = self.doc(entry.story.file)
        if doc is None:
            return entry.line or 1, 1
        if entry.line:
            return entry.line, next((c for (ln, c) in doc.value_at.values() if ln == entry.line), 1)
        if entry.offset >= 0:
            return doc.position_in(entry.path, entry.offset)
        return doc.key_at.get(entry.path) or doc.where(entry.path)

    def doc(self, file: str) -> YamlDoc | None:
        if file not in self.docs:
            try:
                raw = (self.site_dir / file).read_bytes()
            except OSError:  # deleted since it was read: the model's own line numbers still hold
                raw = b""
            split, _ = split_file(raw, file, self.config.max_file_size)
            self.docs[file] = load_yaml(split.yaml_text, file, split.yaml_line)[0] if split else None
        return self.docs[file]


def _around(text: str, offset: int, width: int = 90) -> str:
    """The line of `text` that holds `offset`, cut to about `width` characters around that place."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start:end if end >= 0 else len(text)]
    at = offset - start
    if len(line.strip()) <= width:
        return line.strip()
    begin = max(0, min(at - width // 3, len(line) - width))
    cut = line[begin:begin + width].strip()
    return ("…" if begin else "") + cut + ("…" if begin + width < len(line) else "")
