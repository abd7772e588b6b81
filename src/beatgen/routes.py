"""The page plan: every URL of the site and what it shows, known before anything renders.

Link checking, the sitemap and incremental rebuilds all read this plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from beatgen.site.index import Site
from beatgen.urls import page_path


class PageKind(StrEnum):
    """What a page is; its layout (`TEMPLATES`) and its view (`render/context.py`) follow from it. The values are
    what layouts compare `page.kind` with and what `<body class="kind-...">` prints."""

    HOME = "home"
    STORY = "story"
    TOPICS = "topics"
    TOPIC = "topic"
    ENTITIES = "entities"
    ENTITY = "entity"
    AUTHORS = "authors"
    AUTHOR = "author"
    AUTHOR_FEED_ATOM = "author-feed-atom"
    AUTHOR_FEED_JSON = "author-feed-json"
    ARCHIVE = "archive"
    ARCHIVE_YEAR = "archive-year"
    ARCHIVE_MONTH = "archive-month"
    GLOSSARY = "glossary"
    PAGE = "page"
    NOT_FOUND = "not-found"
    CORRECTIONS = "corrections"
    CORRECTIONS_ATOM = "corrections-atom"
    CORRECTIONS_JSON = "corrections-json"
    FEED_ATOM = "feed-atom"
    FEED_JSON = "feed-json"
    ENTITY_FEED_ATOM = "entity-feed-atom"
    ENTITY_FEED_JSON = "entity-feed-json"
    SITEMAP = "sitemap"
    SITEMAP_INDEX = "sitemap-index"
    SITEMAP_PART = "sitemap-part"
    NEWS_SITEMAP = "news-sitemap"
    ROBOTS = "robots"
    SEARCH = "search"
    TRENDS = "trends"
    REDIRECT = "redirect"
    REDIRECTS = "redirects"


TEMPLATES: dict[PageKind, str] = {
    PageKind.HOME: "home.html",
    PageKind.STORY: "story.html",
    PageKind.TOPICS: "taxonomy_index.html",
    PageKind.ENTITIES: "taxonomy_index.html",
    PageKind.TOPIC: "list.html",
    PageKind.ENTITY: "list.html",
    PageKind.ARCHIVE_MONTH: "list.html",
    PageKind.AUTHORS: "authors.html",
    PageKind.AUTHOR: "author.html",
    PageKind.ARCHIVE: "archive.html",
    PageKind.ARCHIVE_YEAR: "archive.html",
    PageKind.GLOSSARY: "glossary.html",
    PageKind.PAGE: "page.html",
    PageKind.NOT_FOUND: "404.html",
    PageKind.CORRECTIONS: "corrections.html",
    PageKind.SEARCH: "search.html",
    PageKind.TRENDS: "trends.html",
    PageKind.REDIRECT: "redirect.html",
    PageKind.FEED_ATOM: "feeds/atom.xml",
    PageKind.ENTITY_FEED_ATOM: "feeds/atom.xml",
    PageKind.AUTHOR_FEED_ATOM: "feeds/atom.xml",
    PageKind.CORRECTIONS_ATOM: "feeds/atom.xml",
    PageKind.FEED_JSON: "feeds/feed.json",
    PageKind.ENTITY_FEED_JSON: "feeds/feed.json",
    PageKind.AUTHOR_FEED_JSON: "feeds/feed.json",
    PageKind.CORRECTIONS_JSON: "feeds/feed.json",
    PageKind.SITEMAP: "seo/sitemap.xml",
    PageKind.SITEMAP_PART: "seo/sitemap.xml",
    PageKind.SITEMAP_INDEX: "seo/sitemap-index.xml",
    PageKind.NEWS_SITEMAP: "seo/news-sitemap.xml",
    PageKind.ROBOTS: "seo/robots.txt",
    PageKind.REDIRECTS: "seo/redirects.txt",
}
"""The layout of each kind of page, under layouts/: kinds that share a layout share a view."""

SITEMAP_LIMIT = 50_000
"""URLs one sitemap file may hold (sitemaps.org); slugs are capped, so that many stay far under its 50 MB."""
NOT_IN_SITEMAP = frozenset({PageKind.NOT_FOUND, PageKind.SEARCH, PageKind.REDIRECT})
SYNDICATION = frozenset({
    PageKind.FEED_ATOM, PageKind.FEED_JSON, PageKind.ENTITY_FEED_ATOM, PageKind.ENTITY_FEED_JSON,
    PageKind.CORRECTIONS_ATOM, PageKind.CORRECTIONS_JSON, PageKind.SITEMAP, PageKind.SITEMAP_INDEX,
    PageKind.SITEMAP_PART, PageKind.NEWS_SITEMAP,
})
"""What a preview to share leaves out: feeds and sitemaps would announce unpublished stories."""


@dataclass(frozen=True)
class Route:
    path: str
    kind: PageKind
    key: str = ""
    page: int = 1
    pages: int = 1

    @property
    def template(self) -> str:
        return TEMPLATES[self.kind]


def _paginated(base: str, kind: PageKind, key: str, count: int, per_page: int) -> Iterator[Route]:
    pages = max(1, -(-count // per_page))
    for page in range(1, pages + 1):
        yield Route(page_path(base, page), kind, key, page, pages)


def home_routes(site: Site) -> Iterator[Route]:
    yield from _paginated("/", PageKind.HOME, "", len(site.stories), site.config.per_page)


def story_routes(site: Site) -> Iterator[Route]:
    for story in site.stories:
        yield Route(story.path, PageKind.STORY, story.path)


def taxonomy_routes(site: Site) -> Iterator[Route]:
    per_page = site.config.per_page
    yield Route("/topics/", PageKind.TOPICS)
    for taxon in site.topics.values():
        yield from _paginated(taxon.path, PageKind.TOPIC, taxon.slug, len(taxon.stories), per_page)
    yield Route("/affected/", PageKind.ENTITIES)
    for taxon in site.entities.values():
        yield from _paginated(taxon.path, PageKind.ENTITY, taxon.slug, len(taxon.stories), per_page)


def author_routes(site: Site) -> Iterator[Route]:
    """The desk's index, each author's paginated page and their Atom and JSON feeds."""
    if not site.authors:
        return
    yield Route("/authors/", PageKind.AUTHORS)
    for taxon in site.authors.values():
        yield from _paginated(taxon.path, PageKind.AUTHOR, taxon.slug, len(taxon.stories),
                              site.config.per_page)
        yield Route(f"{taxon.path}feed.xml", PageKind.AUTHOR_FEED_ATOM, taxon.slug)
        yield Route(f"{taxon.path}feed.json", PageKind.AUTHOR_FEED_JSON, taxon.slug)


def archive_routes(site: Site) -> Iterator[Route]:
    yield Route("/archive/", PageKind.ARCHIVE)
    for year, months in site.archive.items():
        yield Route(f"/archive/{year}/", PageKind.ARCHIVE_YEAR, year)
        for month in months:
            yield Route(f"/archive/{year}/{month}/", PageKind.ARCHIVE_MONTH, f"{year}/{month}")


def reference_routes(site: Site) -> Iterator[Route]:
    yield Route("/glossary/", PageKind.GLOSSARY)
    for page in site.pages:
        yield Route(f"/{page.slug}/", PageKind.PAGE, page.slug)
    if not any(page.slug == "methodology" for page in site.pages):
        yield Route("/methodology/", PageKind.PAGE, "methodology")
    yield Route("/404.html", PageKind.NOT_FOUND)
    yield Route("/corrections/", PageKind.CORRECTIONS)
    yield Route("/corrections/feed.xml", PageKind.CORRECTIONS_ATOM)
    yield Route("/corrections/feed.json", PageKind.CORRECTIONS_JSON)


def reader_routes(site: Site) -> Iterator[Route]:
    """Feeds (site-wide, per topic and per affected party), sitemaps, robots.txt and the search page."""
    for base, key in (("/", ""), *((taxon.path, taxon.slug) for taxon in site.topics.values())):
        yield Route(f"{base}feed.xml", PageKind.FEED_ATOM, key)
        yield Route(f"{base}feed.json", PageKind.FEED_JSON, key)
    for taxon in site.entities.values():
        yield Route(f"{taxon.path}feed.xml", PageKind.ENTITY_FEED_ATOM, taxon.slug)
        yield Route(f"{taxon.path}feed.json", PageKind.ENTITY_FEED_JSON, taxon.slug)
    yield Route("/sitemap.xml", PageKind.SITEMAP)
    yield Route("/news-sitemap.xml", PageKind.NEWS_SITEMAP)
    yield Route("/robots.txt", PageKind.ROBOTS)
    yield Route("/search/", PageKind.SEARCH)


def trends_routes(site: Site) -> Iterator[Route]:
    yield Route("/trends/", PageKind.TRENDS)


def redirects(site: Site) -> list[tuple[str, str]]:
    """(old path, URL) of every alias of a published story or page, by old path."""
    moved = [(alias.path, story.path) for story in site.stories for alias in story.aliases]
    moved += [(alias.path, f"/{page.slug}/") for page in site.pages for alias in page.aliases]
    return sorted(moved)


def redirect_routes(site: Site) -> Iterator[Route]:
    """A redirect page at each old path, and `/_redirects`, the same list for hosts that read one."""
    moved = redirects(site)
    for old, new in moved:
        yield Route(old, PageKind.REDIRECT, new)
    if moved:
        yield Route("/_redirects", PageKind.REDIRECTS)


def in_sitemap(route: Route) -> bool:
    """A public page, which the sitemap lists: the 404 page and the search form are not."""
    return route.template.endswith(".html") and route.kind not in NOT_IN_SITEMAP


def with_sitemap_index(routes: list[Route], limit: int) -> list[Route]:
    """The plan, with /sitemap.xml made an index of parts when the public pages outgrow one sitemap.

    Part k holds the k-th run of `limit` public pages counted from the end of the plan (listings and
    the oldest stories), its key that span of the public pages, `start:stop`. A new story, the newest,
    joins the plan right after the home pages, so only the parts from there to the front change their
    lists; the older parts stay as they were.
    """
    count = sum(in_sitemap(route) for route in routes)
    if count <= limit:
        return routes
    parts = [Route(f"/sitemaps/sitemap-{k}.xml", PageKind.SITEMAP_PART,
                   f"{max(0, count - k * limit)}:{count - (k - 1) * limit}") for k in range(1, -(-count // limit) + 1)]
    at = next(i for i, route in enumerate(routes) if route.kind == PageKind.SITEMAP)
    return [*routes[:at], Route("/sitemap.xml", PageKind.SITEMAP_INDEX), *parts, *routes[at + 1:]]


ROUTE_PLANNERS: tuple[Callable[[Site], Iterator[Route]], ...] = (
    home_routes, story_routes, taxonomy_routes, archive_routes, reference_routes, reader_routes, trends_routes,
    author_routes, redirect_routes,
)


def plan_routes(site: Site) -> list[Route]:
    """Every page of the site, in a stable order; two routes never share a path."""
    routes: dict[str, Route] = {}
    for planner in ROUTE_PLANNERS:
        for route in planner(site):
            routes.setdefault(route.path, route)
    return with_sitemap_index(list(routes.values()), SITEMAP_LIMIT)
