"""What search engines, aggregators and social networks read in a page's head: JSON-LD, OpenGraph, feeds.

JSON-LD goes inside a `<script>` element, where HTML escaping does not apply: `<`, `>` and `&` are
written as JSON `\\u` escapes so no content can close the script or open a comment.
"""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from markupsafe import Markup

from beatgen.content.model import Story
from beatgen.markdown.fragments import StoryHtml
from beatgen.render.feeds import feed_paths
from beatgen.render.pictures import Shared, shared_picture
from beatgen.render.views import FeedLink, Head, PageInfo, PageView, StoryView
from beatgen.routes import PageKind, Route
from beatgen.site.index import Site

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                              "\u2029": "\\u2029"})


_TAG = re.compile(r"<[^>]*>")
SCHEMA_TYPES = {PageKind.PAGE: "WebPage", PageKind.GLOSSARY: "WebPage", PageKind.NOT_FOUND: "WebPage",
                PageKind.SEARCH: "WebPage", PageKind.AUTHOR: "ProfilePage"}
"""The schema.org type of a page that shows no story, by kind; the first home page is the `WebSite`, a listing
a `CollectionPage`."""


def script_json(data: Any) -> Markup:
    """JSON that is safe verbatim inside `<script type="application/ld+json">`."""
    return Markup(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE))


def head_for(route: Route, view: PageView) -> Head:
    site, page = view.site, view.page
    url = site.config.base_url + page.path.lstrip("/")
    story, html = (view.story, view.html) if isinstance(view, StoryView) else (None, None)
    shared = shared_picture(site, story, route.key if route.kind == PageKind.TOPIC else "")
    meta = tuple(("name" if name.startswith("twitter:") else "property", name, content)
                 for name, content in _opengraph(site, page, url, story) + _share_tags(site, shared))
    graph = [news_article(site, story, url, html, shared)] if story else [_collection(site, page, url, route.key)]
    trail = breadcrumbs(site, route, page, story)
    if len(trail) > 1:
        graph.append(_breadcrumb_list(site, trail))
    feeds = () if view.preview_build else _feed_links(site, route)
    return Head("article" if story else "website", meta, feeds, script_json(
        {"@context": "https://schema.org", "@graph": graph}))


def _opengraph(site: Site, page: PageInfo, url: str, story: Story | None) -> tuple[tuple[str, str], ...]:
    config = site.config
    meta = [("og:type", "article" if story else "website"), ("og:title", page.title),
            ("og:description", page.description), ("og:url", url), ("og:site_name", config.title),
            ("twitter:title", page.title), ("twitter:description", page.description)]
    if story:
        meta += [("article:published_time", story.date.isoformat()),
                 ("article:modified_time", story.modified.isoformat())]
        meta += [("article:section", name) for name in _topic_names(site, story)[:1]]
        meta += [("article:tag", name) for name in _topic_names(site, story)]
    return tuple(meta)


def _share_tags(site: Site, shared: Shared | None) -> tuple[tuple[str, str], ...]:
    """The picture a link preview shows: the 16:9 crop, with its size and alt text, as a large card."""
    if shared is None:
        return (("twitter:card", "summary"),)
    wide = shared.crops[0]
    return (("og:image", site.config.base_url + wide.path), ("og:image:width", str(wide.width)),
            ("og:image:height", str(wide.height)), ("og:image:alt", shared.alt),
            ("twitter:card", "summary_large_image"), ("twitter:image:alt", shared.alt))


def _image_objects(site: Site, shared: Shared) -> list[dict[str, Any]]:
    return [{"@type": "ImageObject", "url": site.config.base_url + crop.path, "width": crop.width,
             "height": crop.height} for crop in shared.crops]


def _feed_links(site: Site, route: Route) -> tuple[FeedLink, ...]:
    config = site.config
    atom, json_path = feed_paths("/")
    links = [FeedLink(config.title, "application/atom+xml", atom),
             FeedLink(config.title, "application/feed+json", json_path)]
    listings = {PageKind.TOPIC: site.topics, PageKind.ENTITY: site.entities, PageKind.AUTHOR: site.authors}
    if route.kind in listings:
        taxon = listings[route.kind][route.key]
        atom, json_path = feed_paths(taxon.path)
        links += [FeedLink(f"{config.title}: {taxon.name}", "application/atom+xml", atom),
                  FeedLink(f"{config.title}: {taxon.name}", "application/feed+json", json_path)]
    if route.kind == PageKind.CORRECTIONS:
        atom, json_path = feed_paths(route.path)
        links += [FeedLink(f"{config.title}: corrections", "application/atom+xml", atom),
                  FeedLink(f"{config.title}: corrections", "application/feed+json", json_path)]
    return tuple(links)


def _topic_names(site: Site, story: Story) -> list[str]:
    return [site.topic_of(name).name for name in story.topics]


def _organization(site: Site) -> dict[str, Any]:
    publisher = site.config.publisher
    org: dict[str, Any] = {"@type": "NewsMediaOrganization", "name": publisher.name, "url": publisher.url,
                           "correctionsPolicy": _absolute(site.config.base_url, site.config.corrections_policy)}
    logo = site.pictures.logo
    if logo is not None and site.pictures.logo_path:
        org["logo"] = {"@type": "ImageObject", "url": site.config.base_url + site.pictures.logo_path,
                       "width": logo.width, "height": logo.height}
    return org


def news_article(site: Site, story: Story, url: str, html: StoryHtml | None = None,
                 shared: Shared | None = None) -> dict[str, Any]:
    """schema.org NewsArticle with what Google News and aggregators read, corrections and scores included."""
    config = site.config
    topics = _topic_names(site, story)
    article: dict[str, Any] = {
        "@type": "NewsArticle",
        "@id": url + "#article",
        "headline": story.title,
        "description": story.summary or story.takeaways[0],
        "datePublished": story.date.isoformat(),
        "dateModified": story.modified.isoformat(),
        "author": _authors(site, story),
        "publisher": _organization(site),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": config.language,
        "isAccessibleForFree": True,
        "keywords": topics,
        "about": [{"@type": "Thing", "name": name} for name in story.affected],
        "backstory": site.signals[story.path].summary,
    }
    if topics:
        article["articleSection"] = topics[0]
    article["contentRating"] = ratings(site, story, html)
    if shared is not None:
        article["image"] = _image_objects(site, shared)
    if story.corrections:
        article["correction"] = [{"@type": "CorrectionComment", "text": correction.text,
                                  "datePublished": correction.date.isoformat()} for correction in story.corrections]
    return article


def _authors(site: Site, story: Story) -> list[dict[str, Any]] | dict[str, Any]:
    """Each author a `Person` with the URL of their page; a story they did not sign is the desk's."""
    if not story.authors:
        return {"@type": "Organization", "name": site.config.author, "url": site.config.publisher.url}
    return [person(site, author) for author in story.authors]


def person(site: Site, author_id: str) -> dict[str, Any]:
    author = site.config.author_index()[author_id]
    found: dict[str, Any] = {"@type": "Person", "name": author.name, "jobTitle": author.role,
                             "url": site.config.base_url + site.authors[author_id].path.lstrip("/")}
    if author.links:
        found["sameAs"] = list(author.links)
    return found


def ratings(site: Site, story: Story, html: StoryHtml | None) -> list[dict[str, Any]]:
    """The impact score and the sentiment tier as schema.org `Rating`s of the article, each with the writer's
    reason as its `ratingExplanation`: the one property schema.org has for why a rating is what it is."""
    rubric = site.config.rubric
    tier = [sentiment.key for sentiment in rubric.sentiments].index(story.sentiment) + 1
    found = [{"@type": "Rating", "name": "Impact", "reviewAspect": "Operational impact", "ratingValue": story.impact,
              "worstRating": 1, "bestRating": 10, "description": rubric.impact_band(story.impact).label},
             {"@type": "Rating", "name": "Sentiment", "reviewAspect": "Sentiment", "ratingValue": tier,
              "worstRating": 1, "bestRating": len(rubric.sentiments),
              "description": rubric.sentiment(story.sentiment).label}]
    for rating, reason in zip(found, (html.impact_reason, html.sentiment_reason) if html else ("", ""), strict=True):
        if reason:
            rating["ratingExplanation"] = plain_text(reason)
    return found


def plain_text(html: str) -> str:
    """An inline HTML fragment as the words it shows (for JSON-LD, which carries text, not markup)."""
    return unescape(_TAG.sub("", html))


def _collection(site: Site, page: PageInfo, url: str, key: str) -> dict[str, Any]:
    home = page.kind == PageKind.HOME and page.path == "/"
    kind = "WebSite" if home else SCHEMA_TYPES.get(page.kind, "CollectionPage")
    found = {"@type": kind, "@id": url, "url": url, "name": page.title, "description": page.description,
             "inLanguage": site.config.language, "publisher": _organization(site)}
    if page.kind == PageKind.AUTHOR:
        found["mainEntity"] = person(site, key)
    return found


def breadcrumbs(site: Site, route: Route, page: PageInfo, story: Story | None) -> list[tuple[str, str]]:
    """(name, path) from the home page down to this page, for BreadcrumbList."""
    trail = [(site.config.title, "/")]
    kind = route.kind
    if story and story.topics:
        topic = site.topic_of(story.topics[0])
        trail += [("Topics", "/topics/"), (topic.name, topic.path)]
    elif kind == PageKind.TOPIC:
        trail.append(("Topics", "/topics/"))
    elif kind == PageKind.ENTITY:
        trail.append(("Who's affected", "/affected/"))
    elif kind == PageKind.AUTHOR:
        trail.append(("Authors", "/authors/"))
    elif kind in (PageKind.ARCHIVE_YEAR, PageKind.ARCHIVE_MONTH):
        trail.append(("Archive", "/archive/"))
        if kind == PageKind.ARCHIVE_MONTH:
            year = route.key.split("/")[0]
            trail.append((year, f"/archive/{year}/"))
    if page.path != "/":
        trail.append((story.title if story else page.title, page.path))
    return trail


def _breadcrumb_list(site: Site, trail: list[tuple[str, str]]) -> dict[str, Any]:
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": index, "name": name, "item": site.config.base_url + path.lstrip("/")}
        for index, (name, path) in enumerate(trail, start=1)]}


def _absolute(base_url: str, url: str) -> str:
    """A site path from site.yaml (`/methodology/#...`) as an absolute URL; absolute URLs stay."""
    return url if "://" in url else base_url + url.lstrip("/")
