"""Atom (RFC 4287) and JSON Feed 1.1 of the latest stories, site-wide, per topic and per affected party.

Entry ids are `tag:` URIs made of the host, the publication date and the slug: editing or
correcting a story changes its `updated` time, never its id, so readers do not show it as new.
Content carries absolute URLs, since a feed reader shows it away from the site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from markupsafe import escape

from beatgen.config import SiteConfig
from beatgen.content.model import Story
from beatgen.markdown.fragments import DocumentHtml, StoryHtml, story_fragment
from beatgen.routes import PageKind
from beatgen.site.index import Site
from beatgen.site.signals import Signals

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LISTINGS = {
    PageKind.FEED_ATOM: ("topics", "on"), PageKind.FEED_JSON: ("topics", "on"),
    PageKind.ENTITY_FEED_ATOM: ("entities", "affecting"), PageKind.ENTITY_FEED_JSON: ("entities", "affecting"),
    PageKind.AUTHOR_FEED_ATOM: ("authors", "by"), PageKind.AUTHOR_FEED_JSON: ("authors", "by"),
}
"""Kinds of feeds → the site's listing they follow (with a key) and how a subtitle says so."""
# No leading \b: a pattern that starts with its literal text lets the regex engine skip ahead to it, three times
# faster over a page; the word boundary is checked in the replacement instead.
_RELATIVE_URL = re.compile(r'(href|src)="(/(?!/)[^"]*|#[^"]*)"')
_SRCSET = re.compile(r'srcset="([^"]*)"')


@dataclass(frozen=True)
class FeedEntry:
    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    updated: datetime
    tags: tuple[str, ...]
    story: Story | None = None
    """The story an entry shows, so a page's fingerprint names every story whose text it carries."""
    authors: tuple[tuple[str, str], ...] = ()
    """(name, absolute page URL) of the story's authors; none: the feed's author, the desk."""


@dataclass(frozen=True)
class Feed:
    title: str
    subtitle: str
    language: str
    author: str
    home_url: str
    atom_url: str
    json_url: str
    updated: datetime
    entries: tuple[FeedEntry, ...]


def feed_paths(base: str) -> tuple[str, str]:
    """The Atom and JSON Feed paths of a listing at `base` (`/` or a topic page)."""
    return f"{base}feed.xml", f"{base}feed.json"


def entry_id(config: SiteConfig, story: Story) -> str:
    host = urlsplit(config.base_url).hostname or "localhost"
    return f"tag:{host},{story.date:%Y-%m-%d}:{story.slug}"


def absolutize(html: str, page_url: str, base_url: str) -> str:
    """Site-relative (`/x/`) and fragment (`#x`) links and picture sources of a fragment made absolute for
    readers off-site."""
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"

    def fix(match: re.Match[str]) -> str:
        if _inside_word(match):
            return match.group(0)
        url = match.group(2)
        return f'{match.group(1)}="{page_url + url if url.startswith("#") else origin + url}"'

    def fix_set(match: re.Match[str]) -> str:
        if _inside_word(match):
            return match.group(0)
        candidates = (part.strip() for part in match.group(1).split(","))
        return 'srcset="' + ", ".join(origin + part if part.startswith("/") else part for part in candidates) + '"'

    return _SRCSET.sub(fix_set, _RELATIVE_URL.sub(fix, html))


def _inside_word(match: re.Match[str]) -> bool:
    """Whether the attribute name is the tail of a longer word (`xhref=`), where `\\b` would not have matched."""
    start = match.start()
    return start > 0 and (match.string[start - 1].isalnum() or match.string[start - 1] == "_")


def entry_content(story: Story, html: StoryHtml, signals: Signals) -> str:
    """The story as a feed reader shows it: its signals, takeaways, key facts, analysis and what to watch."""
    parts = [f'<p class="signals">{escape(signals.summary)}</p>', "<h2>Key Takeaways</h2><ul>",
             *(f"<li>{item}</li>" for item in html.takeaways), "</ul>"]
    if html.key_facts:
        parts += ["<h2>Key Facts</h2><ol>", *(f"<li>{item}</li>" for item in html.key_facts), "</ol>"]
    parts += ["<h2>Analysis</h2>", html.body]
    if story.pullquote:
        parts.append(f"<blockquote><p>{escape(story.pullquote)}</p></blockquote>")
    parts.append(html.body_after)
    if html.watch:
        parts += ["<h2>What to Watch</h2>", html.watch]
    return "".join(parts)


class _EntryMemo:
    """Each story's feed text (its content with absolute links: what an entry costs), made once and placed in
    every feed that lists the story (the site's, its topics', parties' and authors': about ten per story). The
    text depends only on the story, its fragment, its signals' summary and the site's address, so it is reused
    while the story is the very same object and the rest are equal, across builds too: a `serve` save of one
    story's text makes that story's entry again, not those of every story beside it in its feeds. Holding the
    story keeps its identity from being reused meanwhile."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self.builds = 0
        """Sites met so far: an entry made for another than the current one is made again around its text (its
        topics' and authors' names come from the site). Only the current site is held."""
        self.known: dict[str, _Known] = {}

    def entry(self, site: Site, html: StoryHtml, story: Story) -> FeedEntry:
        if self.site is not site:
            self.site, self.builds = site, self.builds + 1
        signals, base = site.signals[story.path], site.config.base_url
        known = self.known.get(story.path)
        if (known is not None and known.story is story and known.summary == signals.summary and known.base == base
                and known.html == html):
            if known.build != self.builds:
                known.build, known.entry = self.builds, make_entry(site, story, known.entry.content_html)
            return known.entry
        text = absolutize(entry_content(story, html, signals), entry_url(site.config, story), base)
        made = self.known[story.path] = _Known(story, html, signals.summary, base, self.builds,
                                               make_entry(site, story, text))
        return made.entry


@dataclass(slots=True)
class _Known:
    """What a story's entry was made from, and the entry, made for the site of build number `build`."""

    story: Story
    html: StoryHtml
    summary: str
    base: str
    build: int
    entry: FeedEntry


_MEMO = _EntryMemo()


def entry_url(config: SiteConfig, story: Story) -> str:
    return config.base_url + story.path.lstrip("/")


def make_entry(site: Site, story: Story, content_html: str) -> FeedEntry:
    """A story's entry around its feed text (`entry_content`, absolutized)."""
    config = site.config
    return FeedEntry(
        id=entry_id(config, story),
        url=entry_url(config, story),
        title=story.title,
        summary=story.summary or story.takeaways[0],
        content_html=content_html,
        published=story.date,
        updated=story.modified,
        tags=tuple(site.topic_of(name).name for name in story.topics),
        story=story,
        authors=tuple((site.authors[author].name, config.base_url + site.authors[author].path.lstrip("/"))
                      for author in story.authors),
    )


def build_feed(site: Site, html: Mapping[str, StoryHtml | DocumentHtml], kind: PageKind, key: str) -> Feed:
    """The feed of a route of `kind`: the site's (key "") or one topic's, affected party's or author's (key: its
    slug)."""
    config = site.config
    listing, about = LISTINGS[kind]
    taxon = getattr(site, listing)[key] if key else None
    stories = (taxon.stories if taxon else site.stories)[:config.feed_entries]
    base = taxon.path if taxon else "/"
    atom, json_path = feed_paths(base)
    entries = tuple(_MEMO.entry(site, story_fragment(html, story), story) for story in stories)
    return Feed(
        title=f"{config.title}: {taxon.name}" if taxon else config.title,
        subtitle=f"Stories {about} {taxon.name}. {config.tagline}" if taxon else config.description,
        language=config.language,
        author=taxon.name if listing == "authors" and taxon else config.author,
        home_url=config.base_url + base.lstrip("/"),
        atom_url=config.base_url + atom.lstrip("/"),
        json_url=config.base_url + json_path.lstrip("/"),
        updated=max((entry.updated for entry in entries), default=EPOCH),
        entries=entries,
    )


def json_feed(feed: Feed) -> dict[str, Any]:
    """The JSON Feed 1.1 document of a feed (https://jsonfeed.org/version/1.1)."""
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.json_url,
        "description": feed.subtitle,
        "language": feed.language,
        "authors": [{"name": feed.author}],
        "items": [{
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "summary": entry.summary,
            "content_html": entry.content_html,
            "date_published": entry.published.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "tags": list(entry.tags),
            **({"authors": [{"name": name, "url": url} for name, url in entry.authors]} if entry.authors else {}),
        } for entry in feed.entries],
    }
