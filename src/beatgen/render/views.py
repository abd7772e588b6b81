"""What each layout receives: one frozen view per layout, its fields the layout's variables.

A view is plain data, built for a route by `render/context.py` and read by its layout (`routes.TEMPLATES`);
the kinds of page that share a layout share a view. Views keep the site's own models (`Story`, `Taxon`,
`Site`, ...) as they are: a page's fingerprint names the stories it holds by finding them in its view.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, ClassVar

from markupsafe import Markup

from beatgen.config import Author, Rubric
from beatgen.content.model import Story, Term
from beatgen.markdown.fragments import DocumentHtml, StoryHtml
from beatgen.render.banners import Banner
from beatgen.render.byline import Byline
from beatgen.render.corrections import CorrectionEntry
from beatgen.render.feeds import Feed
from beatgen.render.pictures import Figure
from beatgen.render.redirects import Redirect
from beatgen.render.related import RelatedCard
from beatgen.render.sitemaps import NewsItem, SitemapUrl
from beatgen.render.trends_page import Chart
from beatgen.routes import PageKind
from beatgen.site.index import Site, Taxon
from beatgen.site.signals import Signals
from beatgen.site.timeline import TimelineItem
from beatgen.site.trends import Trends


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


@dataclass(frozen=True)
class FeedLink:
    title: str
    type: str
    path: str


@dataclass(frozen=True)
class Head:
    """The machine-readable part of a page's head, ready for `partials/head.html`."""

    og_type: str
    meta: tuple[tuple[str, str, str], ...]
    """(attribute, name, content) of each meta tag: OpenGraph names go in `property`, Twitter's in `name`."""
    feeds: tuple[FeedLink, ...]
    jsonld: Markup


@dataclass(frozen=True, kw_only=True)
class View:
    """What every layout may read: the site, and whether this build is a preview to share (`build --preview`)."""

    site: Site
    preview_build: bool
    shows_text: ClassVar[bool] = False
    """The view holds text made from its stories' bodies (their fragments, feed entries), not only what their
    front matter says: an edit of a body alone changes it (engine/fingerprint.py)."""

    def variables(self) -> dict[str, Any]:
        """The fields as a layout's variables (one level deep: the values are the view's own)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


@dataclass(frozen=True, kw_only=True)
class PageView(View):
    """An HTML page of the site's frame (base.html), and the head that `context.with_head` adds to it, a
    function of the rest (so a page's fingerprint leaves it out)."""

    page: PageInfo
    head: Head | None = None


@dataclass(frozen=True, kw_only=True)
class StoryView(PageView):
    shows_text: ClassVar[bool] = True
    story: Story
    html: StoryHtml
    signals: Signals
    topics: tuple[Taxon, ...]
    entities: tuple[Taxon, ...]
    timeline: tuple[TimelineItem, ...]
    newer: Story | None
    older: Story | None
    related: tuple[RelatedCard, ...]
    banners: tuple[Banner, ...]
    byline: Byline
    figure: Figure | None


@dataclass(frozen=True, kw_only=True)
class HomeView(PageView):
    lead: Story | None
    stories: tuple[Story, ...]
    action_items: tuple[Story, ...]
    action_until: datetime | None
    pagination: Pager


@dataclass(frozen=True, kw_only=True)
class ListView(PageView):
    """A page of a topic's, an affected party's or a month's stories."""

    eyebrow: str
    taxon: Taxon | None
    """The topic or affected party; none for a month of the archive."""
    stories: tuple[Story, ...]
    pagination: Pager
    sparkline: Chart | None
    feed: str | None
    feed_label: str


@dataclass(frozen=True, kw_only=True)
class AuthorView(PageView):
    author: Author
    taxon: Taxon
    stories: tuple[Story, ...]
    pagination: Pager
    feed: str


@dataclass(frozen=True, kw_only=True)
class AuthorsView(PageView):
    authors: tuple[tuple[Author, Taxon], ...]


@dataclass(frozen=True, kw_only=True)
class TaxonomyIndexView(PageView):
    heading: str
    taxa: tuple[Taxon, ...]


@dataclass(frozen=True, kw_only=True)
class ArchiveView(PageView):
    heading: str
    months: tuple[tuple[str, str, str, int], ...]
    """(year, month as two digits, month's name, number of stories) of each month shown."""
    years: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class GlossaryView(PageView):
    letters: dict[str, list[tuple[Term, DocumentHtml]]]
    used_in: dict[str, list[Story]]
    """Term slug → the stories whose text links it, newest first."""
    used_in_shown: int


@dataclass(frozen=True, kw_only=True)
class FreePageView(PageView):
    """A page of content/pages/ (methodology, about): methodology has no file of its own until one is written."""

    document: DocumentHtml | None
    rubric: Rubric | None


@dataclass(frozen=True, kw_only=True)
class NotFoundView(PageView):
    pass


@dataclass(frozen=True, kw_only=True)
class SearchView(PageView):
    facets: tuple[tuple[str, str, list[str]], ...]
    """(filter name, label, values) of each filter of the search form."""


@dataclass(frozen=True, kw_only=True)
class CorrectionsView(PageView):
    corrections: tuple[CorrectionEntry, ...]


@dataclass(frozen=True, kw_only=True)
class TrendsView(PageView):
    trends: Trends
    charts: tuple[Chart, ...]
    topic_paths: dict[str, str]
    entity_paths: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class RedirectView(View):
    redirect: Redirect


@dataclass(frozen=True, kw_only=True)
class AtomView(View):
    shows_text: ClassVar[bool] = True
    feed: Feed


@dataclass(frozen=True, kw_only=True)
class JsonFeedView(View):
    shows_text: ClassVar[bool] = True
    document: dict[str, Any]
    shows: tuple[Story | None, ...]
    """The stories of the feed's entries, which the document holds as text only, for the page's fingerprint."""


@dataclass(frozen=True, kw_only=True)
class SitemapView(View):
    urls: tuple[SitemapUrl, ...]


@dataclass(frozen=True, kw_only=True)
class SitemapIndexView(View):
    sitemaps: tuple[SitemapUrl, ...]


@dataclass(frozen=True, kw_only=True)
class NewsSitemapView(View):
    items: tuple[NewsItem, ...]
    publication: str
    language: str


@dataclass(frozen=True, kw_only=True)
class RobotsView(View):
    sitemaps: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class RedirectsFileView(View):
    redirects: tuple[Redirect, ...]
