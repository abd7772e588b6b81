"""Ready data for each kind of page: templates receive it and only lay it out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import takewhile
from typing import Any

from beatgen.content.model import Story
from beatgen.markdown.fragments import DocumentHtml, StoryHtml
from beatgen.render.banners import story_banners
from beatgen.render.byline import MONTHS, byline
from beatgen.render.corrections import corrections_atom_context, corrections_json_context, corrections_of
from beatgen.render.feeds import atom_context, json_feed_context
from beatgen.render.pictures import story_figure
from beatgen.render.redirects import redirect_context, redirects_file_context
from beatgen.render.related import related_cards
from beatgen.render.seo import head_for
from beatgen.render.sitemaps import (
    news_sitemap_context,
    robots_context,
    sitemap_context,
    sitemap_index_context,
    sitemap_part_context,
)
from beatgen.render.trends_page import taxon_trend, trends_view
from beatgen.routes import PageKind, Route
from beatgen.site.index import Site, Taxon
from beatgen.site.timeline import story_timeline

CLOCK_KINDS = frozenset({PageKind.NEWS_SITEMAP})
"""Pages whose data follow the build's clock (not only the preview's banners): a rebuild looks at their
data again even when no story changed."""
ACTION_ITEMS_ON_HOME = 5
USED_IN_SHOWN = 5


@dataclass(frozen=True)
class PageInfo:
    """What the base layout needs of any page: its title, description, path and kind."""

    title: str
    description: str
    path: str
    kind: PageKind


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    newer: str | None
    older: str | None


@dataclass
class Context:
    """Everything a page renders from: the site, the rendered fragments, and the route."""

    site: Site
    html: dict[str, StoryHtml | DocumentHtml]
    route: Route
    preview: bool = False
    now: datetime | None = None
    shared: bool = False
    """`build --preview`: every page says it is a preview and asks not to be indexed; no feed is linked."""


def _pager(route: Route, base: str) -> Pager:
    def at(page: int) -> str | None:
        if not 1 <= page <= route.pages:
            return None
        return base if page == 1 else f"{base}page/{page}/"

    return Pager(route.page, route.pages, at(route.page - 1), at(route.page + 1))


def _slice(stories: tuple[Story, ...], route: Route, per_page: int) -> tuple[Story, ...]:
    start = (route.page - 1) * per_page
    return stories[start:start + per_page]


def _titled(title: str, route: Route) -> str:
    return title if route.page == 1 else f"{title} (page {route.page} of {route.pages})"


def story_context(c: Context) -> dict[str, Any]:
    site = c.site
    story = site.by_path[c.route.key]
    return {
        "page": PageInfo(story.title, story.summary or story.takeaways[0], story.path, PageKind.STORY),
        "story": story,
        "html": c.html[story.file],
        "signals": site.signals[story.path],
        "topics": [site.topic_of(name) for name in story.topics],
        "entities": [site.entity_of(name) for name in story.affected],
        "timeline": story_timeline(story, site.story_named, site.named_by.get(story.path, ())),
        "newer": site.newer(story),
        "older": site.older(story),
        "related": related_cards(site, story),
        "banners": story_banners(story, c.now, c.preview),
        "byline": byline(site, story),
        "figure": story_figure(site, story),
    }


def home_context(c: Context) -> dict[str, Any]:
    site, route = c.site, c.route
    stories = _slice(site.stories, route, site.config.per_page)
    first = route.page == 1
    return {
        "page": PageInfo(_titled(site.config.title, route), site.config.description, route.path, PageKind.HOME),
        "lead": stories[0] if first and stories else None,
        "stories": stories[1:] if first else stories,
        "action_items": action_items(site) if first else (),
        "action_until": site.stories[0].date if site.stories else None,
        "pagination": _pager(route, "/"),
    }


def action_items(site: Site) -> tuple[Story, ...]:
    """The highest-impact action items of the `action_window_days` up to the newest story, the newer first on
    equal impact. The window ends at the newest story, not at the clock, so that the home page changes only
    with the content (as the trends page does) and a build of the same content gives the same page."""
    if not site.stories:
        return ()
    config = site.config
    since = site.stories[0].date - timedelta(days=config.action_window_days)
    recent = takewhile(lambda story: story.date > since, site.stories)
    weighty = [story for story in recent if site.signals[story.path].action_item]
    return tuple(sorted(weighty, key=lambda story: -story.impact)[:ACTION_ITEMS_ON_HOME])


def taxon_context(c: Context) -> dict[str, Any]:
    site, route = c.site, c.route
    topic = route.kind == PageKind.TOPIC
    taxon: Taxon = (site.topics if topic else site.entities)[route.key]
    label = "Topic" if topic else "Who's affected"
    description = taxon.description or f"{label}: {taxon.name}. {len(taxon.stories)} stories on {site.config.title}."
    return {
        "page": PageInfo(_titled(taxon.name, route), description, route.path, route.kind),
        "heading": taxon.name,
        "eyebrow": label,
        "taxon": taxon,
        "stories": _slice(taxon.stories, route, site.config.per_page),
        "pagination": _pager(route, taxon.path),
        "sparkline": taxon_trend(site, taxon) if route.page == 1 else None,
        "feed": None if c.shared else f"{taxon.path}feed.xml",
        "feed_label": "Atom feed of this topic" if topic else f"Atom feed of stories affecting {taxon.name}",
    }


def author_context(c: Context) -> dict[str, Any]:
    site, route = c.site, c.route
    taxon = site.authors[route.key]
    author = site.config.author_index()[route.key]
    description = author.bio or f"{author.name}, {author.role}: {taxon.count} stories on {site.config.title}."
    return {
        "page": PageInfo(_titled(author.name, route), description, route.path, PageKind.AUTHOR),
        "author": author,
        "taxon": taxon,
        "stories": _slice(taxon.stories, route, site.config.per_page),
        "pagination": _pager(route, taxon.path),
        "feed": f"{taxon.path}feed.xml",
    }


def authors_context(c: Context) -> dict[str, Any]:
    desk = c.site.config.author_index()
    description = f"The people who report, verify and score the stories of {c.site.config.title}."
    return {"page": PageInfo("Authors", description, c.route.path, PageKind.AUTHORS),
            "authors": [(desk[slug], taxon) for slug, taxon in c.site.authors.items()]}


def archive_month_context(c: Context) -> dict[str, Any]:
    year, month = c.route.key.split("/")
    stories = c.site.archive[year][month]
    name = f"{MONTHS[int(month) - 1]} {year}"
    return {
        "page": PageInfo(f"Archive: {name}", f"Every story published in {name}.", c.route.path, PageKind.ARCHIVE_MONTH),
        "heading": name,
        "eyebrow": "Archive",
        "taxon": None,
        "stories": stories,
        "pagination": Pager(1, 1, None, None),
    }


def taxonomy_index_context(c: Context) -> dict[str, Any]:
    topic = c.route.kind == PageKind.TOPICS
    taxa = list((c.site.topics if topic else c.site.entities).values())
    title = "Topics" if topic else "Who's affected"
    description = ("Every topic the beat covers, with its number of stories." if topic
                   else "The countries, forces, companies and groups our stories affect.")
    return {"page": PageInfo(title, description, c.route.path, c.route.kind), "heading": title,
            "taxa": sorted(taxa, key=lambda t: t.name.casefold())}


def archive_context(c: Context) -> dict[str, Any]:
    archive = c.site.archive
    years = [c.route.key] if c.route.key else list(archive)
    title = f"Archive: {c.route.key}" if c.route.key else "Archive"
    months = [(year, month, MONTHS[int(month) - 1], len(stories))
              for year in years for month, stories in archive[year].items()]
    return {"page": PageInfo(title, "Every story of the beat by year and month.", c.route.path, c.route.kind),
            "heading": title, "months": months, "years": list(archive)}


def glossary_context(c: Context) -> dict[str, Any]:
    letters: dict[str, list] = {}
    for term in c.site.terms:
        letter = term.term[:1].upper() if term.term[:1].isalpha() else "#"
        letters.setdefault(letter, []).append((term, c.html[term.file]))
    return {"page": PageInfo("Glossary", "The terms of the space and defense beat, defined.", c.route.path,
                             PageKind.GLOSSARY),
            "letters": letters, "used_in": glossary_usage(c.site, c.html), "used_in_shown": USED_IN_SHOWN}


def glossary_usage(site: Site, html: dict[str, StoryHtml | DocumentHtml]) -> dict[str, list[Story]]:
    """The stories whose text links each glossary term, newest first."""
    usage: dict[str, list[Story]] = {}
    for story in site.stories:
        fragment = html.get(story.file)
        for slug in fragment.glossary if isinstance(fragment, StoryHtml) else ():
            usage.setdefault(slug, []).append(story)
    return usage


def page_context(c: Context) -> dict[str, Any]:
    page = next((p for p in c.site.pages if p.slug == c.route.key), None)
    title = page.title if page else c.route.key.capitalize()
    description = page.description if page and page.description else f"{title} — {c.site.config.title}"
    return {"page": PageInfo(title, description, c.route.path, PageKind.PAGE),
            "document": c.html[page.file] if page else None,
            "rubric": c.site.config.rubric if c.route.key == "methodology" else None}


def corrections_context(c: Context) -> dict[str, Any]:
    description = f"Every correction {c.site.config.title} has published, newest first."
    return {"page": PageInfo("Corrections", description, c.route.path, PageKind.CORRECTIONS),
            "corrections": corrections_of(c.site, c.html)}


def trends_context(c: Context) -> dict[str, Any]:
    description = "The beat over time: volume, impact, sentiment, sourcing, and the topics rising and falling."
    return {"page": PageInfo("Trends", description, c.route.path, PageKind.TRENDS), **trends_view(c.site)}


def not_found_context(c: Context) -> dict[str, Any]:
    return {"page": PageInfo("Page not found", "This page does not exist.", c.route.path, PageKind.NOT_FOUND)}


def search_context(c: Context) -> dict[str, Any]:
    """The search form's filters, with the values story pages give Pagefind (partials/search_facets.html)."""
    site, rubric = c.site, c.site.config.rubric
    facets = (("topic", "Topic", sorted((t.name for t in site.topics.values()), key=str.casefold)),
              ("sentiment", "Sentiment", [tier.label for tier in rubric.sentiments]),
              ("impact", "Impact", [band.label for band in rubric.impact]),
              ("year", "Year", list(site.archive)))
    description = f"Search every story of {site.config.title} by word, topic, sentiment, impact and year."
    return {"page": PageInfo("Search", description, c.route.path, PageKind.SEARCH), "facets": facets}


CONTEXTS: dict[PageKind, Callable[[Context], dict[str, Any]]] = {
    PageKind.STORY: story_context,
    PageKind.HOME: home_context,
    PageKind.TOPIC: taxon_context,
    PageKind.ENTITY: taxon_context,
    PageKind.AUTHOR: author_context,
    PageKind.AUTHORS: authors_context,
    PageKind.ARCHIVE_MONTH: archive_month_context,
    PageKind.TOPICS: taxonomy_index_context,
    PageKind.ENTITIES: taxonomy_index_context,
    PageKind.ARCHIVE: archive_context,
    PageKind.ARCHIVE_YEAR: archive_context,
    PageKind.GLOSSARY: glossary_context,
    PageKind.PAGE: page_context,
    PageKind.NOT_FOUND: not_found_context,
    PageKind.SEARCH: search_context,
    PageKind.FEED_ATOM: atom_context,
    PageKind.FEED_JSON: json_feed_context,
    PageKind.ENTITY_FEED_ATOM: atom_context,
    PageKind.ENTITY_FEED_JSON: json_feed_context,
    PageKind.AUTHOR_FEED_ATOM: atom_context,
    PageKind.AUTHOR_FEED_JSON: json_feed_context,
    PageKind.SITEMAP: sitemap_context,
    PageKind.SITEMAP_INDEX: sitemap_index_context,
    PageKind.SITEMAP_PART: sitemap_part_context,
    PageKind.NEWS_SITEMAP: news_sitemap_context,
    PageKind.ROBOTS: robots_context,
    PageKind.CORRECTIONS: corrections_context,
    PageKind.CORRECTIONS_ATOM: corrections_atom_context,
    PageKind.CORRECTIONS_JSON: corrections_json_context,
    PageKind.TRENDS: trends_context,
    PageKind.REDIRECT: redirect_context,
    PageKind.REDIRECTS: redirects_file_context,
}


def context_for(c: Context) -> dict[str, Any]:
    return with_head(c, page_data(c))


def page_data(c: Context) -> dict[str, Any]:
    """A page's data but its head, which is a function of that data, the route and the site's chrome
    (so a page's fingerprint need not include it, nor an unchanged page compute it)."""
    return {"site": c.site, "preview_build": c.shared, **CONTEXTS[c.route.kind](c)}


def with_head(c: Context, data: dict[str, Any]) -> dict[str, Any]:
    if "page" in data:
        data["head"] = head_for(c, data["page"], data)
    return data
