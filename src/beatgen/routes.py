"""The page plan: every URL of the site and what it shows, known before anything renders.

Link checking, the sitemap and incremental rebuilds all read this plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from beatgen.site.index import Site
from beatgen.urls import page_path

SITEMAP_LIMIT = 50_000
"""URLs one sitemap file may hold (sitemaps.org); slugs are capped, so that many stay far under its 50 MB."""
NOT_IN_SITEMAP = frozenset({"not-found", "search", "redirect"})
SYNDICATION = frozenset({"feed-atom", "feed-json", "entity-feed-atom", "entity-feed-json", "corrections-atom",
                         "corrections-json", "sitemap", "sitemap-index", "sitemap-part", "news-sitemap"})
"""What a preview to share leaves out: feeds and sitemaps would announce unpublished stories."""


@dataclass(frozen=True)
class Route:
    path: str
    template: str
    kind: str
    key: str = ""
    page: int = 1
    pages: int = 1


def _paginated(base: str, template: str, kind: str, key: str, count: int, per_page: int) -> Iterator[Route]:
    pages = max(1, -(-count // per_page))
    for page in range(1, pages + 1):
        yield Route(page_path(base, page), template, kind, key, page, pages)


def home_routes(site: Site) -> Iterator[Route]:
    yield from _paginated("/", "home.html", "home", "", len(site.stories), site.config.per_page)


def story_routes(site: Site) -> Iterator[Route]:
    for story in site.stories:
        yield Route(story.path, "story.html", "story", story.path)


def taxonomy_routes(site: Site) -> Iterator[Route]:
    per_page = site.config.per_page
    yield Route("/topics/", "taxonomy_index.html", "topics")
    for taxon in site.topics.values():
        yield from _paginated(taxon.path, "list.html", "topic", taxon.slug, len(taxon.stories), per_page)
    yield Route("/affected/", "taxonomy_index.html", "entities")
    for taxon in site.entities.values():
        yield from _paginated(taxon.path, "list.html", "entity", taxon.slug, len(taxon.stories), per_page)


def author_routes(site: Site) -> Iterator[Route]:
    """The desk's index, each author's paginated page and their Atom and JSON feeds."""
    if not site.authors:
        return
    yield Route("/authors/", "authors.html", "authors")
    for taxon in site.authors.values():
        yield from _paginated(taxon.path, "author.html", "author", taxon.slug, len(taxon.stories),
                              site.config.per_page)
        yield Route(f"{taxon.path}feed.xml", "feeds/atom.xml", "author-feed-atom", taxon.slug)
        yield Route(f"{taxon.path}feed.json", "feeds/feed.json", "author-feed-json", taxon.slug)


def archive_routes(site: Site) -> Iterator[Route]:
    yield Route("/archive/", "archive.html", "archive")
    for year, months in site.archive.items():
        yield Route(f"/archive/{year}/", "archive.html", "archive-year", year)
        for month in months:
            yield Route(f"/archive/{year}/{month}/", "list.html", "archive-month", f"{year}/{month}")


def reference_routes(site: Site) -> Iterator[Route]:
    yield Route("/glossary/", "glossary.html", "glossary")
    for page in site.pages:
        yield Route(f"/{page.slug}/", "page.html", "page", page.slug)
    if not any(page.slug == "methodology" for page in site.pages):
        yield Route("/methodology/", "page.html", "page", "methodology")
    yield Route("/404.html", "404.html", "not-found")
    yield Route("/corrections/", "corrections.html", "corrections")
    yield Route("/corrections/feed.xml", "feeds/atom.xml", "corrections-atom")
    yield Route("/corrections/feed.json", "feeds/feed.json", "corrections-json")


def reader_routes(site: Site) -> Iterator[Route]:
    """Feeds (site-wide, per topic and per affected party), sitemaps, robots.txt and the search page."""
    for base, key in (("/", ""), *((taxon.path, taxon.slug) for taxon in site.topics.values())):
        yield Route(f"{base}feed.xml", "feeds/atom.xml", "feed-atom", key)
        yield Route(f"{base}feed.json", "feeds/feed.json", "feed-json", key)
    for taxon in site.entities.values():
        yield Route(f"{taxon.path}feed.xml", "feeds/atom.xml", "entity-feed-atom", taxon.slug)
        yield Route(f"{taxon.path}feed.json", "feeds/feed.json", "entity-feed-json", taxon.slug)
    yield Route("/sitemap.xml", "seo/sitemap.xml", "sitemap")
    yield Route("/news-sitemap.xml", "seo/news-sitemap.xml", "news-sitemap")
    yield Route("/robots.txt", "seo/robots.txt", "robots")
    yield Route("/search/", "search.html", "search")


def trends_routes(site: Site) -> Iterator[Route]:
    yield Route("/trends/", "trends.html", "trends")


def redirects(site: Site) -> list[tuple[str, str]]:
    """(old path, URL) of every alias of a published story or page, by old path."""
    moved = [(alias.path, story.path) for story in site.stories for alias in story.aliases]
    moved += [(alias.path, f"/{page.slug}/") for page in site.pages for alias in page.aliases]
    return sorted(moved)


def redirect_routes(site: Site) -> Iterator[Route]:
    """A redirect page at each old path, and `/_redirects`, the same list for hosts that read one."""
    moved = redirects(site)
    for old, new in moved:
        yield Route(old, "redirect.html", "redirect", new)
    if moved:
        yield Route("/_redirects", "seo/redirects.txt", "redirects")


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
    parts = [Route(f"/sitemaps/sitemap-{k}.xml", "seo/sitemap.xml", "sitemap-part",
                   f"{max(0, count - k * limit)}:{count - (k - 1) * limit}") for k in range(1, -(-count // limit) + 1)]
    at = next(i for i, route in enumerate(routes) if route.kind == "sitemap")
    return [*routes[:at], Route("/sitemap.xml", "seo/sitemap-index.xml", "sitemap-index"), *parts, *routes[at + 1:]]


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
