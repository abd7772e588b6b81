"""Corrections as data: every published correction, newest first, for the /corrections/ page and its feeds.

A correction's feed id is built from its story's stable id and the correction's date and rank on
that date, so editing a correction's wording never makes it look new to feed readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from beatgen.content.model import Story
from beatgen.markdown.fragments import DocumentHtml, StoryHtml, story_fragment
from beatgen.render.feeds import EPOCH, Feed, FeedEntry, absolutize, entry_id
from beatgen.site.index import Site

FEED_BASE = "/corrections/"


@dataclass(frozen=True)
class CorrectionEntry:
    date: datetime
    rank: int
    story: Story
    html: str


def corrections_of(site: Site, html: Mapping[str, StoryHtml | DocumentHtml]) -> tuple[CorrectionEntry, ...]:
    """Every correction of every published story, newest first."""
    entries = []
    for story in site.stories:
        rendered = story_fragment(html, story)
        seen: dict[str, int] = {}
        for correction, text in zip(story.corrections, rendered.corrections, strict=True):
            day = f"{correction.date:%Y-%m-%d}"
            seen[day] = seen.get(day, 0) + 1
            entries.append(CorrectionEntry(correction.date, seen[day], story, text))
    return tuple(sorted(entries, key=lambda e: (e.date, e.story.date, e.story.slug, e.rank), reverse=True))


def corrections_feed(site: Site, html: Mapping[str, StoryHtml | DocumentHtml]) -> Feed:
    config = site.config
    entries = []
    for entry in corrections_of(site, html)[:config.feed_entries]:
        url = config.base_url + entry.story.path.lstrip("/")
        entries.append(FeedEntry(
            id=f"{entry_id(config, entry.story)}/correction/{entry.date:%Y-%m-%d}/{entry.rank}",
            url=f"{url}#corrections",
            title=f"Correction: {entry.story.title}",
            summary=f"A correction to “{entry.story.title}”, published {entry.date:%Y-%m-%d}.",
            content_html=absolutize(f"<p>{entry.html}</p>", url, config.base_url),
            published=entry.date,
            updated=entry.date,
            tags=(),
            story=entry.story,
        ))
    return Feed(
        title=f"{config.title}: corrections",
        subtitle=f"Every correction {config.title} publishes, newest first.",
        language=config.language,
        author=config.author,
        home_url=config.base_url + FEED_BASE.lstrip("/"),
        atom_url=config.base_url + f"{FEED_BASE}feed.xml".lstrip("/"),
        json_url=config.base_url + f"{FEED_BASE}feed.json".lstrip("/"),
        updated=max((entry.updated for entry in entries), default=EPOCH),
        entries=tuple(entries),
    )
