"""The build: config → content → fragments → site → routes → pages → output.

`prepare` does everything but writing, so `check` and `build` share one path and one set of rules.
Parsing, Markdown and page rendering run in forked worker processes (`--jobs`), and every stage goes
through a `BuildState`: what the last build computed is reused wherever its inputs are unchanged.
`beatgen build` loads and saves the state in the persistent cache; `serve` keeps one in memory:

    state = BuildState()
    build(options, state=state)   # the first build renders everything
    build(options, state=state)   # later ones re-read, re-parse and re-render only what changed
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from beatgen.build import patch
from beatgen.build.assets import collect_assets
from beatgen.build.cache import Cache, cache_folder
from beatgen.build.clock import resolve_now
from beatgen.build.fingerprint import Fingerprinter, digest, site_chrome, whole_site
from beatgen.build.imagecache import ImageCache
from beatgen.build.images import Needed, encode_needed, needed, scan, site_pictures
from beatgen.build.layouts import RecordingEnvironment, TemplateTokens, layouts_token
from beatgen.build.markup import fragment_key, render_fragments
from beatgen.build.output import OutputError, Staging, output_lock
from beatgen.build.pages import CLEAN, WRITTEN, Outcome, PageRenderer, Work, Writer, left_as_recorded, plan_work
from beatgen.build.reading import read_content
from beatgen.build.search import has_index, index_search, run_pagefind, story_glob
from beatgen.build.shortcut import Summary, input_stamp, valid_until
from beatgen.build.state import BuildState, PageRecord
from beatgen.build.structure import structure_token
from beatgen.config import SiteConfig
from beatgen.content import sitedata
from beatgen.content.checks import duplicate_terms, duplicate_urls, embargo_notes, timeline_references, unread_names
from beatgen.content.entities import unknown_entities
from beatgen.content.model import Page, Story, Term
from beatgen.content.publication import Held, Visibility, next_lift, select
from beatgen.diagnostics import BuildError, Diagnostic, has_errors
from beatgen.fragments import DocumentHtml, StoryHtml
from beatgen.glossary_links import build_glossary
from beatgen.link_hints import neighbourhoods
from beatgen.markdown import LinkTargets, make_markdown
from beatgen.render.context import Context
from beatgen.render.env import make_environment
from beatgen.render.pages import check_templates
from beatgen.routes import Route, plan_routes
from beatgen.site.index import Site, build_site

GC_THRESHOLD = 100_000


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    output_dir: Path
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    now: str | None = None
    jobs: int = 0
    embargoed: bool = False
    search: bool = True
    preview: bool = False  # `serve`: banners on stories a published build leaves out (draft, scheduled)
    cache: bool = True  # load and save the persistent cache (`build` without an in-memory state)
    cache_dir: Path | None = None  # default: BEATGEN_CACHE_DIR, else SITE/.beatgen-cache


Progress = Callable[[str, int, int], None]
"""A build reports `(phase, done, total)` as it goes; the CLI draws it, the library never prints."""


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


@dataclass
class Prepared:
    config: SiteConfig
    site: Site
    routes: list[Route]
    html: dict[str, StoryHtml | DocumentHtml]
    assets: dict[str, tuple[str, bytes]]
    now: datetime
    clock: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    next_lift: datetime | None = None
    config_token: str = ""
    valid_until: datetime | None = None
    structure: str = ""
    clock_token: str = ""
    images: Needed = field(default_factory=dict)
    """The pictures pages use, with the variants to write."""
    pictures_token: str = ""
    """The pictures every page may share (site, topics, logo): part of every page's key."""

    @property
    def manifest(self) -> dict[str, str]:
        """Each static file's name → its content-hashed output name."""
        return {name: hashed for name, (hashed, _) in self.assets.items()}


@dataclass(frozen=True)
class BuildResult:
    stories: int
    pages: int
    files_written: int
    files_unchanged: int
    seconds: float
    now: datetime
    clock: str
    diagnostics: list[Diagnostic]
    next_embargo_lift: datetime | None = None
    pages_rendered: int = 0


def load_site_config(options: BuildOptions) -> SiteConfig:
    return sitedata.load_site_config(options.site_dir, base_url=options.base_url)


def prepare(options: BuildOptions, state: BuildState | None = None) -> Prepared:
    state = BuildState() if state is None else state
    config = load_site_config(options)
    now, clock = resolve_now(options.now)
    config_token = Fingerprinter("").of(config)
    content, parse_keys, signatures = read_content(options.site_dir, config, config_token, state, options.jobs)
    problems = list(content.diagnostics)
    show = Visibility(drafts=options.drafts, future=options.future, embargoed=options.embargoed)
    stories, held = select(content.stories, now, show)
    problems += duplicate_urls(content.stories)
    problems += timeline_references(stories, content.stories, held, unread_names(content.unread))
    problems += embargo_notes(content.stories, now)
    problems += duplicate_terms(content.terms)
    problems += unknown_entities(config.entity_notes, content.stories)
    site = _indexed_site(config, stories, content.terms, content.pages, state)
    routes = plan_routes(site)
    assets = collect_assets(options.site_dir / "static")
    manifest = {name: hashed for name, (hashed, _) in assets.items()}
    catalogue = scan(options.site_dir, state)
    site.pictures, found = site_pictures(content.stories, config, catalogue, manifest)
    problems += found
    files = _file_targets(stories, content.terms, content.pages)
    paths = frozenset(route.path for route in routes)
    targets = LinkTargets(files, paths, config.base_path, _held_targets(content.stories, held),
                          build_glossary(content.terms, config.base_path), manifest, neighbourhoods([*files, *paths]),
                          unread_names(content.unread), catalogue)
    shared = digest(config_token, *(f"{term.file}:{term.digest}" for term in content.terms))
    keys = {file: fragment_key(key, shared) for file, key in parse_keys.items()}
    documents = [*stories, *content.terms, *content.pages]
    fragments = render_fragments(make_markdown(), [*documents, *content.unread], keys, targets, state, options.jobs)
    html: dict[str, StoryHtml | DocumentHtml] = {}
    for document in documents:
        html[document.file] = fragments[document.file].html
        problems += fragments[document.file].diagnostics
    problems += [problem for unread in content.unread for problem in fragments[unread.file].diagnostics]
    state.keep_only(set(parse_keys.values()),
                    {keys[d.file] for d in [*documents, *content.unread] if d.file in keys})
    clock_token = _clock_token(content.stories, now) if options.preview else ""
    images = needed(site.pictures, stories, html, catalogue)
    base = digest(config_token, repr(sorted((k, v[0]) for k, v in assets.items())), _options_token(options),
                  clock_token, *(variant.key for _, variants in images.values() for variant in variants))
    structure = structure_token(base, signatures, content.terms, content.pages, html, [r.path for r in routes])
    shared_pictures = (*site.pictures.topics.values(), site.pictures.default, site.pictures.logo)
    return Prepared(config, site, routes, html, assets, now, clock, problems, next_lift(content.stories, now),
                    config_token, valid_until(content.stories, now), structure, clock_token, images,
                    Fingerprinter("").of((shared_pictures, site.pictures.logo_path)))


def _indexed_site(config: SiteConfig, stories: list[Story], terms: list[Term], pages: list[Page],
                  state: BuildState) -> Site:
    """The site's indexes, with related coverage as the last build ranked it when no story's path, date,
    topics or entities (all that the ranking reads) changed since."""
    key = digest("related", *sorted(f"{s.path}\x1e{s.date.isoformat()}\x1e{s.topics}\x1e{s.affected}"
                                    for s in stories))
    known = state.related[1] if state.related is not None and state.related[0] == key else None
    site = build_site(config, stories, terms, pages, known)
    if known is None:
        state.related = (key, {path: tuple(s.path for s in others) for path, others in site.related.items()})
    return site


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


def check(options: BuildOptions) -> list[Diagnostic]:
    prepared = prepare(options)
    layouts = options.site_dir / "layouts"
    env = make_environment(layouts, prepared.config, prepared.manifest)
    return prepared.diagnostics + check_templates(env, layouts, options.site_dir)


def build(options: BuildOptions, progress: Progress = _no_progress, state: BuildState | None = None) -> BuildResult:
    """Build the site. With `state` (kept by the caller between builds) the persistent cache is not used."""
    with few_collections():
        return _build(options, progress, state)


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """A build makes millions of long-lived objects (models, fragments, the cache it loads) and few
    reference cycles: the collector's default thresholds would re-scan them all many times over."""
    before = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _build(options: BuildOptions, progress: Progress, state: BuildState | None) -> BuildResult:
    started = time.perf_counter()
    cache = Cache(cache_folder(options.site_dir, options.cache_dir)) if state is None and options.cache else None
    stamp = input_stamp(options, cache.token) if cache else ""
    if cache and (unchanged := _unchanged_build(options, cache, stamp, started)):
        progress("unchanged", 0, 1)
        progress("unchanged", 1, 1)
        return unchanged
    state = (cache.load() if cache else BuildState()) if state is None else state
    previous_files = {rel: stamp.digest for rel, stamp in state.files.items()}
    progress("content", 0, 1)
    prepared = prepare(options, state)
    progress("content", 1, 1)
    if has_errors(prepared.diagnostics):
        raise BuildError(prepared.diagnostics)
    _guard_output(options)
    output = options.output_dir.resolve()
    in_place = state.output == str(output) and output.is_dir() and bool(state.pages)
    layouts = layouts_token(options.site_dir / "layouts")
    inputs = _inputs_token(options, prepared, state, layouts)
    work = plan_work(prepared.routes, prepared.assets) + _picture_work(options, prepared, progress)
    progress("pages", 0, len(work))
    if in_place and inputs == state.inputs and _intact(output, state.pages):
        outcomes = [Outcome(rel, CLEAN, record) for rel, record in state.pages.items()]
    else:
        changed = None
        if in_place and state.structure == prepared.structure:
            changed = frozenset(s.file for s in prepared.site.stories if previous_files.get(s.file) != s.digest)
        renderer = _page_renderer(options, prepared, state if in_place else BuildState(), changed,
                                  _templates(options, prepared, state, layouts))
        glob = story_glob(prepared.config.permalink("story"))
        outcomes = (_update_in_place(renderer, work, options, glob) if in_place
                    else _stage(renderer, work, options, glob))
    progress("pages", len(work), len(work))
    state.pages = {o.rel: o.record for o in outcomes if o.record is not None}
    state.output, state.inputs, state.structure = str(output), inputs, prepared.structure
    state.summary = Summary(stamp, len(prepared.site.stories), len(prepared.routes), tuple(prepared.diagnostics),
                            prepared.next_lift, prepared.valid_until)
    if cache:
        cache.save(state)
    written = sum(o.status == WRITTEN for o in outcomes)
    return BuildResult(len(prepared.site.stories), len(prepared.routes), written, len(outcomes) - written,
                       time.perf_counter() - started, prepared.now, prepared.clock, prepared.diagnostics,
                       prepared.next_lift, sum(o.status != "clean" for o in outcomes))


def _picture_work(options: BuildOptions, prepared: Prepared, progress: Progress) -> list[Work]:
    """The variants of the pictures pages use: read from the image cache, or encoded (a picture that cannot be
    decoded stops the build, like any content error)."""
    progress("images", 0, 1)
    folder = cache_folder(options.site_dir, options.cache_dir) / "images" if options.cache else None
    files, problems = encode_needed(options.site_dir, prepared.images, ImageCache(folder), options.jobs)
    if problems:
        raise BuildError(problems)
    progress("images", 1, 1)
    return [Work(path, data=data) for path, data in sorted(files.items())]


def _unchanged_build(options: BuildOptions, cache: Cache, stamp: str, started: float) -> BuildResult | None:
    """The last build's result when no input changed since and its output is as it left it."""
    found = cache.peek()
    if found is None:
        return None
    summary, pages, output = found
    now, clock = resolve_now(options.now)
    live = options.output_dir.resolve()
    if output != str(live) or not summary.still_valid(stamp, now) or not _intact(live, pages):
        return None
    if options.search and not has_index(live):
        return None
    return BuildResult(summary.stories, summary.pages, 0, len(pages), time.perf_counter() - started, now, clock,
                       list(summary.diagnostics), summary.next_lift)


def _inputs_token(options: BuildOptions, prepared: Prepared, state: BuildState, layouts: str) -> str:
    """Everything the pages of this build are made from, in one digest (the clock only where pages show it)."""
    return digest(prepared.config_token, *sorted(state.parsed), *sorted(state.fragments),
                  *(route.path for route in prepared.routes), layouts, prepared.structure,
                  repr(sorted(prepared.manifest.items())), _options_token(options),
                  repr(options.search), prepared.clock_token)


def _options_token(options: BuildOptions) -> str:
    """The options that change what pages hold (the search index is beside the pages, not in them)."""
    return repr((str(options.output_dir.resolve()), options.drafts, options.future, options.embargoed,
                 options.preview))


def _intact(output: Path, pages: dict[str, PageRecord]) -> bool:
    """Every file the last build wrote is still there, with the size and time it left it with."""
    return all(left_as_recorded(f"{output}/{rel}", record) for rel, record in pages.items())


def _templates(options: BuildOptions, prepared: Prepared, state: BuildState,
               layouts_digest: str) -> tuple[RecordingEnvironment, TemplateTokens]:
    """The layouts' Jinja environment and template digests, kept in the state while the layouts, the
    config and the asset names stay the same: `serve` compiles its templates once, not on every save."""
    layouts = options.site_dir / "layouts"
    manifest = prepared.manifest
    key = digest(layouts_digest, str(layouts.resolve()), prepared.config_token, repr(sorted(manifest.items())))
    if state.templates is None or state.templates[0] != key:
        env = make_environment(layouts, prepared.config, manifest, kind=RecordingEnvironment)
        assert isinstance(env, RecordingEnvironment)
        state.templates = (key, env, TemplateTokens(env))
    return state.templates[1], state.templates[2]


def _page_renderer(options: BuildOptions, prepared: Prepared, previous: BuildState,
                   changed: frozenset[str] | None, templates: tuple[RecordingEnvironment, TemplateTokens]
                   ) -> PageRenderer:
    manifest = prepared.manifest
    site, token = prepared.site, prepared.config_token
    env, tokens = templates

    def context(route: Route) -> Context:
        return Context(site, prepared.html, route, options.preview, prepared.now)

    return PageRenderer(env, options.site_dir / "layouts", options.site_dir, context,
                        Fingerprinter(site_chrome(token, site)), tokens,
                        digest(token, repr(sorted(manifest.items())), repr(options.preview), prepared.pictures_token),
                        whole_site(token, site), previous.pages, Writer(options.output_dir, None), changed)


def _stage(renderer: PageRenderer, work: list[Work], options: BuildOptions, glob: str) -> list[Outcome]:
    """A first build (or one without a usable record of the output): everything into a staging folder."""
    with Staging(options.output_dir) as staging:
        renderer.writer = Writer(options.output_dir, staging)
        outcomes = _checked(renderer.render_all(work, options.jobs))
        assert staging.root is not None
        if options.search:
            index_search(staging.root, staging.output, glob)
        staging.commit()
    return outcomes


def _update_in_place(renderer: PageRenderer, work: list[Work], options: BuildOptions, glob: str) -> list[Outcome]:
    """A rebuild of a known output: changed files replace theirs only once every page has rendered."""
    output = options.output_dir.resolve()
    with output_lock(output):
        patch.clear(output)
        try:
            outcomes = renderer.render_all(work, options.jobs)
            _checked(outcomes)
            temps = [(Path(o.temp), o.rel) for o in outcomes if o.temp]
            gone = set(renderer.previous) - {o.rel for o in outcomes}
            patch.commit(output, temps, sorted(gone))
        finally:
            patch.clear(output)
        html_changed = any(rel.endswith(".html") for rel in (*(rel for _, rel in temps), *gone))
        if options.search and (html_changed or not has_index(output)):
            run_pagefind(output, glob)
    return outcomes


def _checked(outcomes: list[Outcome]) -> list[Outcome]:
    problems = [problem for outcome in outcomes for problem in outcome.problems]
    if problems:
        raise BuildError(problems)
    return outcomes


def _guard_output(options: BuildOptions) -> None:
    """The output folder is replaced whole: it must never be the site folder or hold it."""
    output = options.output_dir.resolve()
    site = options.site_dir.resolve()
    if output == site or site.is_relative_to(output) or output in (Path.home(), Path("/")):
        raise OutputError(f"the output folder {options.output_dir} would replace the site itself; "
                          "choose a folder such as public/")
