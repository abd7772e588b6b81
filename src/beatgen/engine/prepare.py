"""The stages before the pages, in order: config → content → checks → site → routes → markdown → pictures →
tokens. `prepare` calls them and returns what every page is rendered from (`Prepared`).

Each stage is a function of what the stages before it gave. Where a stage's result may be kept from the
last build, the stage recalls it from its memo in the build state (`engine/memo.py`): content files
(`engine/reading.py`), fragments (`engine/markup.py`), related coverage (`_indexed_site`). `check` and
`build` share this one path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from beatgen.aliases import alias_conflicts
from beatgen.config import SiteConfig
from beatgen.content import sitedata
from beatgen.content.checks import (
    duplicate_terms,
    duplicate_urls,
    embargo_notes,
    schedule_notes,
    timeline_references,
    unread_names,
)
from beatgen.content.entities import unknown_entities
from beatgen.content.load import Content
from beatgen.content.model import Page, Story, Term
from beatgen.content.pictures import Picture
from beatgen.content.publication import Held, Visibility, next_publication, select
from beatgen.diagnostics import Diagnostic
from beatgen.engine.assets import collect_assets
from beatgen.engine.cache import stored_html
from beatgen.engine.clock import resolve_now
from beatgen.engine.fingerprint import Fingerprinter, digest
from beatgen.engine.images import needed, scan, site_pictures
from beatgen.engine.markup import fragment_key, render_fragments
from beatgen.engine.prepared import BuildOptions, Prepared, options_token, prepared_with
from beatgen.engine.reading import read_content
from beatgen.engine.shortcut import valid_until
from beatgen.engine.state import BuildState, Fragment
from beatgen.engine.store import Kept, StoredHtml
from beatgen.engine.structure import structure_token
from beatgen.markdown.fragments import DocumentHtml, StoryHtml
from beatgen.markdown.glossary import build_glossary
from beatgen.markdown.link_hints import Neighbourhoods
from beatgen.markdown.renderer import LinkTargets, make_markdown
from beatgen.render.sitemaps import news_stories
from beatgen.routes import SYNDICATION, Route, plan_routes
from beatgen.site.index import Site, build_site

Assets = dict[str, tuple[str, bytes]]
Catalogue = dict[str, Picture | str]


@dataclass(frozen=True)
class Markdown:
    """The markdown stage: what links resolve against, each document's HTML, and the fragments' keys."""

    targets: LinkTargets
    html: StoredHtml
    problems: list[Diagnostic]
    keys: dict[str, str]
    shared: str


def prepare(options: BuildOptions, state: BuildState | None = None) -> Prepared:
    state = BuildState() if state is None else state
    config = load_site_config(options)
    now, clock = resolve_now(options.now)
    config_token = Fingerprinter("").of(config)
    content, parse_keys, signatures = read_content(options.site_dir, config, config_token, state, options.jobs)
    show = Visibility(drafts=options.drafts, future=options.future, embargoed=options.embargoed)
    stories, held = select(content.stories, now, show)
    problems = [*content.diagnostics, *content_checks(content, stories, held, config, now, show)]
    site = _indexed_site(config, stories, content.terms, content.pages, state)
    routes = plan_routes(site)
    problems += alias_conflicts(content.stories, content.pages, routes)
    assets, catalogue = collect_assets(options.site_dir / "static"), scan(options.site_dir, state)
    problems += _pictures(site, content, catalogue, assets)
    markdown = _markdown(options, content, stories, held, routes, assets, catalogue, config, config_token,
                         parse_keys, state)
    problems += markdown.problems
    routes = [route for route in routes if route.kind not in SYNDICATION] if options.shared else routes
    images = needed(site.pictures, stories, markdown.html.outlines(), catalogue)
    clock_token = _clock_token(content.stories, now) if options.preview else ""
    base = digest(config_token, repr(sorted((k, v[0]) for k, v in assets.items())), options_token(options),
                  clock_token, *(variant.key for _, variants in images.values() for variant in variants))
    structure = structure_token(base, signatures, content.terms, content.pages, markdown.html.outlines(),
                                [r.path for r in routes])
    shared_pictures = (*site.pictures.topics.values(), site.pictures.default, site.pictures.logo)
    return Prepared(config, site, routes, markdown.html, assets, now, clock, problems,
                    next_publication(content.stories, now, show), config_token, valid_until(content.stories, now),
                    structure, clock_token, digest("news", *(story.file for story in news_stories(site, now))),
                    images, Fingerprinter("").of((shared_pictures, site.pictures.logo_path)), markdown.targets,
                    parse_keys, markdown.keys, markdown.shared, prepared_with(options))


def load_site_config(options: BuildOptions) -> SiteConfig:
    return sitedata.load_site_config(options.site_dir, base_url=options.base_url)


def content_checks(content: Content, published: list[Story], held: dict[str, Held], config: SiteConfig,
                   now: datetime, show: Visibility) -> list[Diagnostic]:
    """The rules over many files at once (one file's rules are checked as it is read)."""
    return [*duplicate_urls(content.stories),
            *timeline_references(published, content.stories, held, unread_names(content.unread)),
            *embargo_notes(content.stories, now), *schedule_notes(content.stories, now, show),
            *duplicate_terms(content.terms), *unknown_entities(config.entity_notes, content.stories)]


def _indexed_site(config: SiteConfig, stories: list[Story], terms: list[Term], pages: list[Page],
                  state: BuildState) -> Site:
    """The site's indexes, with related coverage as the last build ranked it when no story's path, date,
    topics or entities (all that the ranking reads) changed since."""
    key = digest("related", *sorted(f"{s.path}\x1e{s.date.isoformat()}\x1e{s.topics}\x1e{s.affected}"
                                    for s in stories))
    known = state.related.recall(key)
    site = build_site(config, stories, terms, pages, known)
    if known is None:
        state.related.keep(key, {path: tuple(s.path for s in others) for path, others in site.related.items()})
    state.related.forget_unused()
    return site


def _pictures(site: Site, content: Content, catalogue: Catalogue, assets: Assets) -> list[Diagnostic]:
    """The pictures of the stories' front matter and of the config, found and checked, into the site."""
    manifest = {name: hashed for name, (hashed, _) in assets.items()}
    site.pictures, problems = site_pictures(content.stories, site.config, catalogue, manifest)
    return problems


def _markdown(options: BuildOptions, content: Content, published: list[Story], held: dict[str, Held],
              routes: list[Route], assets: Assets, catalogue: Catalogue, config: SiteConfig, config_token: str,
              parse_keys: dict[str, str], state: BuildState) -> Markdown:
    """Every document's body as HTML, its links resolved against every page, file and picture of the site
    (the fragments of unchanged files that still resolve the same are kept from the last build)."""
    files = _file_targets(published, content.terms, content.pages)
    paths = frozenset(route.path for route in routes)
    manifest = {name: hashed for name, (hashed, _) in assets.items()}
    targets = LinkTargets(files, paths, config.base_path, _held_targets(content.stories, held),
                          build_glossary(content.terms, config.base_path), manifest,
                          Neighbourhoods(lambda: [*files, *paths]), unread_names(content.unread), catalogue)
    shared = digest(config_token, *(f"{term.file}:{term.digest}" for term in content.terms))
    keys = {file: fragment_key(key, shared) for file, key in parse_keys.items()}
    documents: list[Story | Term | Page] = [*published, *content.terms, *content.pages]
    fragments = render_fragments(make_markdown(), [*documents, *content.unread], keys, targets, state, options.jobs)
    html = StoredHtml({d.file: _held(fragments[d.file]) for d in documents}, stored_html)
    problems = [problem for d in [*documents, *content.unread] for problem in fragments[d.file].diagnostics]
    state.fragments.forget_unused()
    return Markdown(targets, html, problems, keys, shared)


def _held(fragment: Fragment | Kept) -> StoryHtml | DocumentHtml | Kept:
    return fragment if isinstance(fragment, Kept) else fragment.html


def _clock_token(stories: list[Story], now: datetime) -> str:
    """What a preview's pages show of the clock: which stories are still scheduled or embargoed (their
    banners say so), not the instant itself, which changes with every save."""
    return digest("clock", *(f"{s.file}:{s.date > now}:{s.embargo is not None and s.embargo > now}"
                             for s in stories if s.date > now or (s.embargo is not None and s.embargo > now)))


def _file_targets(stories: list[Story], terms: list[Term], pages: list[Page]) -> dict[str, str]:
    """Content files that Markdown may link to by path (`../03/other.md`) and the URL each becomes."""
    targets = {story.file: story.path for story in stories}
    targets.update({page.file: f"/{page.slug}/" for page in pages})
    targets.update({term.file: f"/glossary/#{term.slug}" for term in terms})
    return targets


def _held_targets(stories: list[Story], held: dict[str, Held]) -> dict[str, str]:
    """Files and URLs of held-back stories, so a link to one says why instead of 'not found'."""
    targets = {}
    for story in stories:
        if story.file in held:
            why = f"{story.file}, which is {held[story.file].reason}"
            targets[story.file] = targets[story.path] = why
    return targets
