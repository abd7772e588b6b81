"""sitemap.xml (or, past one file's limit, its index and parts), the Google News sitemap and robots.txt,
all read off the page plan.

`lastmod` is the newest publication, update or correction date among the stories a page shows,
so it moves only when what a crawler would see has changed (never with the build's clock). A part's
`lastmod` in the index is the newest of the pages it lists. The news sitemap alone follows the build's
clock: it lists the stories of the 48 hours before it, as Google News asks.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from beatgen.content.model import Story
from beatgen.render.feeds import EPOCH
from beatgen.routes import PageKind, Route, in_sitemap, plan_routes
from beatgen.site.index import Site

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    lastmod: datetime


@dataclass(frozen=True)
class NewsItem:
    loc: str
    title: str
    published: datetime
    story: Story | None = None
    """The story an item shows, so a page's fingerprint names every story whose text it carries."""


def newest(stories: Iterable[Story]) -> datetime:
    return max((story.modified for story in stories), default=EPOCH)


def shown_stories(site: Site, route: Route) -> Iterable[Story]:
    """The stories whose dates a page's content depends on."""
    kind, key = route.kind, route.key
    if kind == PageKind.STORY:
        return (site.by_path[key],)
    if kind in (PageKind.TOPIC, PageKind.ENTITY):
        return (site.topics if kind == PageKind.TOPIC else site.entities)[key].stories
    if kind == PageKind.ARCHIVE_MONTH:
        year, month = key.split("/")
        return site.archive[year][month]
    if kind == PageKind.ARCHIVE_YEAR:
        return (story for stories in site.archive[key].values() for story in stories)
    return site.stories


def public_pages(routes: Iterable[Route]) -> list[Route]:
    return [route for route in routes if in_sitemap(route)]


def part_span(route: Route) -> slice:
    """The public pages a sitemap part lists, from its key `start:stop` (see `routes.with_sitemap_index`)."""
    start, stop = route.key.split(":")
    return slice(int(start), int(stop))


def sitemap_urls(site: Site, routes: Iterable[Route]) -> list[SitemapUrl]:
    base = site.config.base_url
    latest: dict[int, tuple[Iterable[Story], datetime]] = {}  # by list: every page of a listing shares one

    def last_change(stories: Iterable[Story]) -> datetime:
        if not isinstance(stories, tuple):
            return newest(stories)
        if id(stories) not in latest:
            latest[id(stories)] = (stories, newest(stories))
        return latest[id(stories)][1]

    return [SitemapUrl(base + route.path.lstrip("/"), last_change(shown_stories(site, route))) for route in routes]


def listed_urls(site: Site, route: Route) -> tuple[SitemapUrl, ...]:
    """What a sitemap lists: every public page (/sitemap.xml), or a part's span of them (past the limit)."""
    pages = public_pages(plan_routes(site))
    return tuple(sitemap_urls(site, pages[part_span(route)] if route.kind == PageKind.SITEMAP_PART else pages))


def sitemap_parts(site: Site) -> tuple[SitemapUrl, ...]:
    """Each part of the sitemap index, with the newest last change among the pages it lists."""
    routes = plan_routes(site)
    urls = sitemap_urls(site, public_pages(routes))
    base = site.config.base_url
    return tuple(SitemapUrl(base + route.path.lstrip("/"), max(url.lastmod for url in urls[part_span(route)]))
                 for route in routes if route.kind == PageKind.SITEMAP_PART)


def news_stories(site: Site, now: datetime) -> list[Story]:
    """The stories published in the 48 hours up to the build's clock, newest first (1,000 at most). The
    site's stories are in that order, so the walk stops at the window's far end."""
    recent = itertools.takewhile(lambda story: story.date > now - NEWS_WINDOW, site.stories)
    return list(itertools.islice((story for story in recent if story.date <= now), NEWS_LIMIT))


def news_items(site: Site, now: datetime) -> tuple[NewsItem, ...]:
    return tuple(NewsItem(site.config.base_url + story.path.lstrip("/"), story.title, story.date, story)
                 for story in news_stories(site, now))
