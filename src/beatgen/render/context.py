"""Each kind of page's view, built from the site, the rendered fragments and the route: layouts only lay it out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import takewhile
from typing import TypedDict

from beatgen.content.model import Story, Term
from beatgen.markdown.fragments import DocumentHtml, StoryHtml, story_fragment
from beatgen.render.banners import story_banners
from beatgen.render.byline import MONTHS, byline
from beatgen.render.corrections import corrections_feed, corrections_of
from beatgen.render.feeds import build_feed, json_feed
from beatgen.render.pictures import story_figure
from beatgen.render.redirects import every_redirect, moved
from beatgen.render.related import related_cards
from beatgen.render.seo import head_for
from beatgen.render.sitemaps import listed_urls, news_items, sitemap_parts
from beatgen.render.trends_page import beat_trends, taxon_trend, trend_charts
from beatgen.render.views import (
    ArchiveView,
    AtomView,
    AuthorsView,
    AuthorView,
    CorrectionsView,
    FreePageView,
    GlossaryView,
    HomeView,
    JsonFeedView,
    ListView,
    NewsSitemapView,
    NotFoundView,
    PageInfo,
    Pager,
    PageView,
    RedirectsFileView,
    RedirectView,
    RobotsView,
    SearchView,
    SitemapIndexView,
    SitemapView,
    StoryView,
    TaxonomyIndexView,
    TrendsView,
    View,
)
from beatgen.routes import PageKind, Route
from beatgen.site.index import Site, Taxon
from beatgen.site.timeline import story_timeline

CLOCK_KINDS = frozenset({PageKind.NEWS_SITEMAP})
"""Pages whose data follow the build's clock (not only the preview's banners): a rebuild looks at their
data again even when no story changed."""
ACTION_ITEMS_ON_HOME = 5
USED_IN_SHOWN = 5


@dataclass
class Context:
    """Everything a page renders from: the site, the rendered fragments, and the route."""

    site: Site
    html: Mapping[str, StoryHtml | DocumentHtml]
    route: Route
    preview: bool = False
    now: datetime | None = None
    shared: bool = False
    """`build --preview`: every page says it is a preview and asks not to be indexed; no feed is linked."""


class Frame(TypedDict):
    """What every view holds beside its own fields (`views.View`)."""

    site: Site
    preview_build: bool


def _frame(c: Context) -> Frame:
    return {"site": c.site, "preview_build": c.shared}


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


def story_view(c: Context) -> StoryView:
    site = c.site
    story = site.by_path[c.route.key]
    return StoryView(
        **_frame(c),
        page=PageInfo(story.title, story.summary or story.takeaways[0], story.path, PageKind.STORY),
        story=story,
        html=story_fragment(c.html, story),
        signals=site.signals[story.path],
        topics=tuple(site.topic_of(name) for name in story.topics),
        entities=tuple(site.entity_of(name) for name in story.affected),
        timeline=story_timeline(story, site.story_named, site.named_by.get(story.path, ())),
        newer=site.newer(story),
        older=site.older(story),
        related=related_cards(site, story),
        banners=story_banners(story, c.now, c.preview),
        byline=byline(site, story),
        figure=story_figure(site, story),
    )


def home_view(c: Context) -> HomeView:
    site, route = c.site, c.route
    stories = _slice(site.stories, route, site.config.per_page)
    first = route.page == 1
    return HomeView(
        **_frame(c),
        page=PageInfo(_titled(site.config.title, route), site.config.description, route.path, PageKind.HOME),
        lead=stories[0] if first and stories else None,
        stories=stories[1:] if first else stories,
        action_items=action_items(site) if first else (),
        action_until=site.stories[0].date if site.stories else None,
        pagination=_pager(route, "/"),
    )


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


def taxon_view(c: Context) -> ListView:
    site, route = c.site, c.route
    topic = route.kind == PageKind.TOPIC
    taxon: Taxon = (site.topics if topic else site.entities)[route.key]
    label = "Topic" if topic else "Who's affected"
    description = taxon.description or f"{label}: {taxon.name}. {len(taxon.stories)} stories on {site.config.title}."
    return ListView(
        **_frame(c),
        page=PageInfo(_titled(taxon.name, route), description, route.path, route.kind),
        eyebrow=label,
        taxon=taxon,
        stories=_slice(taxon.stories, route, site.config.per_page),
        pagination=_pager(route, taxon.path),
        sparkline=taxon_trend(site, taxon) if route.page == 1 else None,
        feed=None if c.shared else f"{taxon.path}feed.xml",
        feed_label="Atom feed of this topic" if topic else f"Atom feed of stories affecting {taxon.name}",
    )


def archive_month_view(c: Context) -> ListView:
    year, month = c.route.key.split("/")
    name = f"{MONTHS[int(month) - 1]} {year}"
    return ListView(
        **_frame(c),
        page=PageInfo(f"Archive: {name}", f"Every story published in {name}.", c.route.path, PageKind.ARCHIVE_MONTH),
        eyebrow="Archive",
        taxon=None,
        stories=c.site.archive[year][month],
        pagination=Pager(1, 1, None, None),
        sparkline=None,
        feed=None,
        feed_label="",
    )


def author_view(c: Context) -> AuthorView:
    site, route = c.site, c.route
    taxon = site.authors[route.key]
    author = site.config.author_index()[route.key]
    description = author.bio or f"{author.name}, {author.role}: {taxon.count} stories on {site.config.title}."
    return AuthorView(
        **_frame(c),
        page=PageInfo(_titled(author.name, route), description, route.path, PageKind.AUTHOR),
        author=author,
        taxon=taxon,
        stories=_slice(taxon.stories, route, site.config.per_page),
        pagination=_pager(route, taxon.path),
        feed=f"{taxon.path}feed.xml",
    )


def authors_view(c: Context) -> AuthorsView:
    desk = c.site.config.author_index()
    description = f"The people who report, verify and score the stories of {c.site.config.title}."
    return AuthorsView(**_frame(c), page=PageInfo("Authors", description, c.route.path, PageKind.AUTHORS),
                       authors=tuple((desk[slug], taxon) for slug, taxon in c.site.authors.items()))


def taxonomy_index_view(c: Context) -> TaxonomyIndexView:
    topic = c.route.kind == PageKind.TOPICS
    taxa = (c.site.topics if topic else c.site.entities).values()
    title = "Topics" if topic else "Who's affected"
    description = ("Every topic the beat covers, with its number of stories." if topic
                   else "The countries, forces, companies and groups our stories affect.")
    return TaxonomyIndexView(**_frame(c), page=PageInfo(title, description, c.route.path, c.route.kind),
                             heading=title, taxa=tuple(sorted(taxa, key=lambda t: t.name.casefold())))


def archive_view(c: Context) -> ArchiveView:
    archive = c.site.archive
    years = [c.route.key] if c.route.key else list(archive)
    title = f"Archive: {c.route.key}" if c.route.key else "Archive"
    months = tuple((year, month, MONTHS[int(month) - 1], len(stories))
                   for year in years for month, stories in archive[year].items())
    return ArchiveView(**_frame(c),
                       page=PageInfo(title, "Every story of the beat by year and month.", c.route.path, c.route.kind),
                       heading=title, months=months, years=tuple(archive))


def glossary_view(c: Context) -> GlossaryView:
    letters: dict[str, list[tuple[Term, DocumentHtml]]] = {}
    for term in c.site.terms:
        letter = term.term[:1].upper() if term.term[:1].isalpha() else "#"
        html = c.html[term.file]
        assert isinstance(html, DocumentHtml)
        letters.setdefault(letter, []).append((term, html))
    page = PageInfo("Glossary", "The terms of the space and defense beat, defined.", c.route.path, PageKind.GLOSSARY)
    return GlossaryView(**_frame(c), page=page, letters=letters, used_in=glossary_usage(c.site, c.html),
                        used_in_shown=USED_IN_SHOWN)


def glossary_usage(site: Site, html: Mapping[str, StoryHtml | DocumentHtml]) -> dict[str, list[Story]]:
    """The stories whose text links each glossary term, newest first."""
    usage: dict[str, list[Story]] = {}
    for story in site.stories:
        fragment = html.get(story.file)
        for slug in fragment.glossary if isinstance(fragment, StoryHtml) else ():
            usage.setdefault(slug, []).append(story)
    return usage


def free_page_view(c: Context) -> FreePageView:
    page = next((p for p in c.site.pages if p.slug == c.route.key), None)
    title = page.title if page else c.route.key.capitalize()
    description = page.description if page and page.description else f"{title} — {c.site.config.title}"
    document = c.html[page.file] if page else None
    assert document is None or isinstance(document, DocumentHtml)
    return FreePageView(**_frame(c), page=PageInfo(title, description, c.route.path, PageKind.PAGE),
                        document=document, rubric=c.site.config.rubric if c.route.key == "methodology" else None)


def corrections_view(c: Context) -> CorrectionsView:
    description = f"Every correction {c.site.config.title} has published, newest first."
    return CorrectionsView(**_frame(c), page=PageInfo("Corrections", description, c.route.path, PageKind.CORRECTIONS),
                           corrections=corrections_of(c.site, c.html))


def trends_view(c: Context) -> TrendsView:
    site = c.site
    description = "The beat over time: volume, impact, sentiment, sourcing, and the topics rising and falling."
    trends = beat_trends(site)
    return TrendsView(**_frame(c), page=PageInfo("Trends", description, c.route.path, PageKind.TRENDS),
                      trends=trends, charts=trend_charts(trends, site.config),
                      topic_paths={slug: taxon.path for slug, taxon in site.topics.items()},
                      entity_paths={slug: taxon.path for slug, taxon in site.entities.items()})


def not_found_view(c: Context) -> NotFoundView:
    return NotFoundView(**_frame(c),
                        page=PageInfo("Page not found", "This page does not exist.", c.route.path, PageKind.NOT_FOUND))


def search_view(c: Context) -> SearchView:
    """The search form's filters, with the values story pages give Pagefind (partials/search_facets.html)."""
    site, rubric = c.site, c.site.config.rubric
    facets = (("topic", "Topic", sorted((t.name for t in site.topics.values()), key=str.casefold)),
              ("sentiment", "Sentiment", [tier.label for tier in rubric.sentiments]),
              ("impact", "Impact", [band.label for band in rubric.impact]),
              ("year", "Year", list(site.archive)))
    description = f"Search every story of {site.config.title} by word, topic, sentiment, impact and year."
    return SearchView(**_frame(c), page=PageInfo("Search", description, c.route.path, PageKind.SEARCH), facets=facets)


def redirect_view(c: Context) -> RedirectView:
    return RedirectView(**_frame(c), redirect=moved(c.site, c.route))


def atom_view(c: Context) -> AtomView:
    return AtomView(**_frame(c), feed=build_feed(c.site, c.html, c.route.kind, c.route.key))


def json_feed_view(c: Context) -> JsonFeedView:
    feed = build_feed(c.site, c.html, c.route.kind, c.route.key)
    return JsonFeedView(**_frame(c), document=json_feed(feed), shows=tuple(entry.story for entry in feed.entries))


def corrections_atom_view(c: Context) -> AtomView:
    return AtomView(**_frame(c), feed=corrections_feed(c.site, c.html))


def corrections_json_view(c: Context) -> JsonFeedView:
    feed = corrections_feed(c.site, c.html)
    return JsonFeedView(**_frame(c), document=json_feed(feed), shows=tuple(entry.story for entry in feed.entries))


def sitemap_view(c: Context) -> SitemapView:
    return SitemapView(**_frame(c), urls=listed_urls(c.site, c.route))


def sitemap_index_view(c: Context) -> SitemapIndexView:
    return SitemapIndexView(**_frame(c), sitemaps=sitemap_parts(c.site))


def news_sitemap_view(c: Context) -> NewsSitemapView:
    assert c.now is not None
    config = c.site.config
    return NewsSitemapView(**_frame(c), items=news_items(c.site, c.now), publication=config.publisher.name,
                           language=config.language.split("-")[0].lower())


def robots_view(c: Context) -> RobotsView:
    base = c.site.config.base_url
    return RobotsView(**_frame(c), sitemaps=() if c.shared else (base + "sitemap.xml", base + "news-sitemap.xml"))


def redirects_file_view(c: Context) -> RedirectsFileView:
    return RedirectsFileView(**_frame(c), redirects=every_redirect(c.site))


VIEWS: dict[PageKind, Callable[[Context], View]] = {
    PageKind.HOME: home_view,
    PageKind.STORY: story_view,
    PageKind.TOPICS: taxonomy_index_view,
    PageKind.TOPIC: taxon_view,
    PageKind.ENTITIES: taxonomy_index_view,
    PageKind.ENTITY: taxon_view,
    PageKind.AUTHORS: authors_view,
    PageKind.AUTHOR: author_view,
    PageKind.AUTHOR_FEED_ATOM: atom_view,
    PageKind.AUTHOR_FEED_JSON: json_feed_view,
    PageKind.ARCHIVE: archive_view,
    PageKind.ARCHIVE_YEAR: archive_view,
    PageKind.ARCHIVE_MONTH: archive_month_view,
    PageKind.GLOSSARY: glossary_view,
    PageKind.PAGE: free_page_view,
    PageKind.NOT_FOUND: not_found_view,
    PageKind.CORRECTIONS: corrections_view,
    PageKind.CORRECTIONS_ATOM: corrections_atom_view,
    PageKind.CORRECTIONS_JSON: corrections_json_view,
    PageKind.FEED_ATOM: atom_view,
    PageKind.FEED_JSON: json_feed_view,
    PageKind.ENTITY_FEED_ATOM: atom_view,
    PageKind.ENTITY_FEED_JSON: json_feed_view,
    PageKind.SITEMAP: sitemap_view,
    PageKind.SITEMAP_INDEX: sitemap_index_view,
    PageKind.SITEMAP_PART: sitemap_view,
    PageKind.NEWS_SITEMAP: news_sitemap_view,
    PageKind.ROBOTS: robots_view,
    PageKind.SEARCH: search_view,
    PageKind.TRENDS: trends_view,
    PageKind.REDIRECT: redirect_view,
    PageKind.REDIRECTS: redirects_file_view,
}
"""The builder of each kind's view; its return type is the view its layout receives."""


def context_for(c: Context) -> View:
    return with_head(c, page_data(c))


def page_data(c: Context) -> View:
    """A page's view but its head, which is a function of that view, the route and the site's chrome
    (so a page's fingerprint need not include it, nor an unchanged page compute it)."""
    return VIEWS[c.route.kind](c)


def with_head(c: Context, view: View) -> View:
    """The view with its head, for a page of the site's frame; other views as they are."""
    if isinstance(view, PageView):
        return replace(view, head=head_for(c.route, view))
    return view
