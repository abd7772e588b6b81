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
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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
from beatgen.content.model import Page, Story, Term
from beatgen.content.publication import Due, Held, Visibility, next_publication, select
from beatgen.diagnostics import BuildError, Diagnostic, Severity, has_errors
from beatgen.engine import patch
from beatgen.engine.assets import collect_assets
from beatgen.engine.cache import Cache, cache_folder
from beatgen.engine.clock import resolve_now
from beatgen.engine.fingerprint import Fingerprinter, digest, site_chrome, whole_site
from beatgen.engine.guard import check_collisions, check_output
from beatgen.engine.imagecache import ImageCache
from beatgen.engine.images import encode_needed, needed, scan, site_pictures
from beatgen.engine.layouts import RecordingEnvironment, TemplateTokens, layouts_token
from beatgen.engine.link_errors import LinkErrors, shown_documents
from beatgen.engine.links import LinkScanner, broken_links, kept_ids, site_paths
from beatgen.engine.marker import MARKER, foreign, listed, marker_bytes, write_marker
from beatgen.engine.markup import fragment_key, render_fragments
from beatgen.engine.output import Staging, output_lock, recover, replace_folder
from beatgen.engine.pages import (
    CLEAN,
    WRITTEN,
    DryWriter,
    Outcome,
    PageHolders,
    PageRenderer,
    Work,
    Writer,
    left_as_recorded,
    page_problems,
    plan_work,
)
from beatgen.engine.parallel import Background
from beatgen.engine.prepared import BuildOptions, Prepared, prepared_with
from beatgen.engine.reading import read_content
from beatgen.engine.search import IndexPatch, has_index, index_intact, page_digests, patch_index, stage_index
from beatgen.engine.search_bundle import bundle_token
from beatgen.engine.search_plan import SearchPlan, plan_shards, search_order
from beatgen.engine.shortcut import Summary, input_stamp, valid_until
from beatgen.engine.spare import claim, mirror, spare_folder
from beatgen.engine.state import BuildState, FileStamp, PageRecord
from beatgen.engine.structure import structure_token
from beatgen.engine.text_edits import after_text_edits
from beatgen.markdown.fragments import DocumentHtml, StoryHtml
from beatgen.markdown.glossary import build_glossary
from beatgen.markdown.link_hints import neighbourhoods
from beatgen.markdown.renderer import LinkTargets, make_markdown
from beatgen.render.context import Context
from beatgen.render.env import make_environment
from beatgen.render.pages import check_templates
from beatgen.render.sitemaps import news_stories
from beatgen.routes import SYNDICATION, Route, plan_routes
from beatgen.site.index import Site, build_site

GC_THRESHOLD = 100_000


Progress = Callable[[str, int, int], None]
"""A build reports `(phase, done, total)` as it goes; the CLI draws it, the library never prints."""


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


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
    next_publication: Due | None = None
    """When the next scheduled or embargoed story comes out: build again then."""
    pages_rendered: int = 0
    patched: int = 0
    """Stories whose text alone changed, patched into the last build's site (`serve`); 0: prepared whole."""


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
    problems += schedule_notes(content.stories, now, show)
    problems += duplicate_terms(content.terms)
    problems += unknown_entities(config.entity_notes, content.stories)
    site = _indexed_site(config, stories, content.terms, content.pages, state)
    routes = plan_routes(site)
    problems += alias_conflicts(content.stories, content.pages, routes)
    assets = collect_assets(options.site_dir / "static")
    manifest = {name: hashed for name, (hashed, _) in assets.items()}
    catalogue = scan(options.site_dir, state)
    site.pictures, found = site_pictures(content.stories, config, catalogue, manifest)
    problems += found
    files = _file_targets(stories, content.terms, content.pages)
    paths = frozenset(route.path for route in routes)
    if options.shared:
        routes = [route for route in routes if route.kind not in SYNDICATION]
    targets = LinkTargets(files, paths, config.base_path, _held_targets(content.stories, held),
                          build_glossary(content.terms, config.base_path), manifest, neighbourhoods([*files, *paths]),
                          unread_names(content.unread), catalogue)
    shared = digest(config_token, *(f"{term.file}:{term.digest}" for term in content.terms))
    keys = {file: fragment_key(key, shared) for file, key in parse_keys.items()}
    documents: list[Story | Term | Page] = [*stories, *content.terms, *content.pages]
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
    news = digest("news", *(story.file for story in news_stories(site, now)))
    shared_pictures = (*site.pictures.topics.values(), site.pictures.default, site.pictures.logo)
    return Prepared(config, site, routes, html, assets, now, clock, problems,
                    next_publication(content.stories, now, show), config_token, valid_until(content.stories, now),
                    structure, clock_token, news, images,
                    Fingerprinter("").of((shared_pictures, site.pictures.logo_path)), targets, parse_keys, keys,
                    shared, prepared_with(options))


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
    """What a build would report, and more: every page is rendered and its links checked in memory (in the
    build's workers, on the build's path), writing nothing; every layout is compiled, used or not."""
    prepared = prepare(options)
    layouts = options.site_dir / "layouts"
    templates = _templates(options, prepared, BuildState(), layouts_token(layouts))
    renderer = _page_renderer(options, prepared, BuildState(), None, templates)
    renderer.writer = DryWriter(options.output_dir)
    outcomes = renderer.render_all(plan_work(prepared.routes, prepared.assets), options.jobs)
    failing = frozenset(d.file for d in prepared.diagnostics if d.severity is Severity.ERROR)
    found = _verify(options, prepared, templates[1], outcomes, {}, failing)
    seen = {(d.file, d.line, d.code) for d in found}
    compiled = check_templates(templates[0], layouts, options.site_dir)
    return prepared.diagnostics + found + [d for d in compiled if (d.file, d.line, d.code) not in seen]


def _verify(options: BuildOptions, prepared: Prepared, tokens: TemplateTokens, outcomes: list[Outcome],
            previous: dict[str, PageRecord], failing: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Every page's failure, once per distinct problem, and every broken link of the built site.

    `previous`: the records of the last build, whose links all resolved. While no page of it is gone and
    no page rendered again lost an id, its unchanged pages' links still resolve: only the pages rendered
    again are checked. Pages whose content files already have errors (`failing`, in `check`) are not
    link-checked again."""
    paths, routes = _site_paths(prepared), _routes_by_file(prepared)
    records = {o.rel: o.record for o in outcomes if o.record is not None}
    fresh = [(o.rel, o.record) for o in outcomes if o.status != CLEAN and o.record is not None]
    narrow = bool(previous) and previous.keys() <= records.keys() and all(
        kept_ids(previous.get(rel), record) for rel, record in fresh)
    checked = [(rel, record) for rel, record in (fresh if narrow else records.items())
               if not failing or rel not in routes or failing.isdisjoint(shown_documents(prepared.site, routes[rel]))]
    broken = broken_links(checked, records, paths, prepared.config.base_path)
    errors = LinkErrors(options.site_dir, prepared.site, _scanner(prepared.config), routes, tokens)
    return page_problems(outcomes) + errors.diagnostics(broken)


def _scanner(config: SiteConfig) -> LinkScanner:
    return LinkScanner(config.base_url, config.base_path)


def build(options: BuildOptions, progress: Progress = _no_progress, state: BuildState | None = None,
          serving: AbstractContextManager[object] | None = None, changed: frozenset[str] | None = None
          ) -> BuildResult:
    """Build the site. With `state` (kept by the caller between builds) the persistent cache is not used.

    `changed`: the files (relative to the site folder) that changed since the build that left `state`, when the
    caller knows them (`serve`'s watcher); a save of stories' text then skips the site-wide stages.

    `serving` is for an output that a server reads while it is rebuilt (`serve`): a rebuild then renames
    its changed files into the live folder while holding it, and the server holds it while it reads a
    file, so no request sees the folder half old and half new. Without it, a rebuild goes live in one
    atomic exchange of folders (`spare.py`).
    """
    with few_collections():
        return _build(options, progress, state, serving, changed)


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


def _build(options: BuildOptions, progress: Progress, state: BuildState | None,
           serving: AbstractContextManager[object] | None, changed_files: frozenset[str] | None) -> BuildResult:
    started = time.perf_counter()
    cache_dir = cache_folder(options.site_dir, options.cache_dir)
    check_output(options.output_dir, options.site_dir, cache_dir, options.replace_output)
    cache = Cache(cache_dir) if state is None and options.cache else None
    stamp = input_stamp(options, cache.token) if cache else ""
    if cache and (unchanged := _unchanged_build(options, cache, stamp, started)):
        progress("unchanged", 0, 1)
        progress("unchanged", 1, 1)
        return unchanged
    state = (cache.load() if cache else BuildState()) if state is None else state
    previous_files = dict(state.files)
    # Until this build succeeds, a kept state's file stamps are newer than the pages it records: a failed
    # build leaves no structure, so the next one looks at every page's data instead of trusting `changed`.
    structure, state.structure = state.structure, ""
    last, state.prepared = state.prepared, None
    progress("content", 0, 1)
    patched = after_text_edits(options, last, changed_files, state)
    prepared = patched or prepare(options, state)
    progress("content", 1, 1)
    if has_errors(prepared.diagnostics):
        raise BuildError(prepared.diagnostics)
    output = options.output_dir.resolve()
    in_place = not options.replace_output and state.output == str(output) and output.is_dir() and bool(state.pages)
    layouts = layouts_token(options.site_dir / "layouts")
    inputs = (digest("text edits", state.inputs, layouts, *sorted(prepared.parse_keys[f] for f in changed_files or ()))
              if patched else _inputs_token(options, prepared, state, layouts))
    work = prepared.of_shape("work", lambda: plan_work(prepared.routes, prepared.assets))
    work = work + _picture_work(options, prepared, progress)
    progress("pages", 0, len(work))
    if (in_place and inputs == state.inputs and _intact(output, state.pages)
            and (not options.search or index_intact(output, state.search))):
        outcomes = [Outcome(rel, CLEAN, record) for rel, record in state.pages.items()]
    else:
        changed, edited = None, frozenset[str]()
        if in_place and structure == prepared.structure:
            changed, edited = _changed_stories(prepared.site, previous_files, changed_files if patched else None)
        if not options.replace_output:
            check_collisions(options.output_dir, (item.rel for item in work), options.search)
        templates = _templates(options, prepared, state, layouts)
        renderer = _page_renderer(options, prepared, state if in_place else BuildState(), changed, templates)
        renderer.edited, renderer.own_output = edited, serving is not None
        if patched and changed is not None:
            renderer.only = _page_holders(prepared, renderer.previous).affected(changed | edited)
        plan = _search_plan(options, prepared, state)

        def verify(outcomes: list[Outcome]) -> list[Diagnostic]:
            return _verify(options, prepared, templates[1], outcomes, renderer.previous)

        outcomes = (_update_in_place(renderer, work, options, state, plan, verify, serving) if in_place
                    else _stage(renderer, work, options, state, plan, verify, keep_spare=cache is not None))
        if renderer.only is not None and not _page_holders(prepared, renderer.previous).still_hold(
                renderer.previous, outcomes):
            del prepared.shape["page holders"]
    progress("pages", len(work), len(work))
    state.pages = {o.rel: o.record for o in outcomes if o.record is not None}
    state.output, state.inputs, state.structure = str(output), inputs, prepared.structure
    state.prepared = prepared if cache is None else None
    state.summary = Summary(stamp, len(prepared.site.stories), len(prepared.routes), tuple(prepared.diagnostics),
                            prepared.next_due, prepared.valid_until, prepared.now)
    if cache:
        cache.save(state)
    written = sum(o.status == WRITTEN for o in outcomes)
    return BuildResult(len(prepared.site.stories), len(prepared.routes), written, len(outcomes) - written,
                       time.perf_counter() - started, prepared.now, prepared.clock, prepared.diagnostics,
                       prepared.next_due, sum(o.status != "clean" for o in outcomes),
                       len(changed_files or ()) if patched else 0)


def _changed_stories(site: Site, before: dict[str, FileStamp], among: frozenset[str] | None
                     ) -> tuple[frozenset[str], frozenset[str]]:
    """The stories whose front matter changed since the last build, and those whose body alone did (`among`:
    the only files that can have changed, when they are known)."""
    changed, edited = set(), set()
    for story in site.stories if among is None else (s for s in site.stories if s.file in among):
        known = before.get(story.file)
        if known is None or known.front != story.front:
            changed.add(story.file)
        elif known.digest != story.digest:
            edited.add(story.file)
    return frozenset(changed), frozenset(edited)


def _page_holders(prepared: Prepared, records: dict[str, PageRecord]) -> PageHolders:
    """The pages that hold each story, from the records of the build this one shares its shape with."""
    return prepared.of_shape("page holders", lambda: PageHolders.of(records, _routes_by_file(prepared)))


def _routes_by_file(prepared: Prepared) -> dict[str, Route]:
    paths = _site_paths(prepared)
    return prepared.of_shape("routes by file", lambda: {paths[route.path]: route for route in prepared.routes})


def _site_paths(prepared: Prepared) -> dict[str, str]:
    """Each address of the site → its output file: the pages, the static files and the picture variants."""
    files = [*(name for name, _ in prepared.assets.values()),
             *(variant.path for _, variants in prepared.images.values() for variant in variants)]
    return prepared.of_shape("paths", lambda: site_paths((route.path for route in prepared.routes), files))


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
    summary, pages, output, search = found
    now, clock = resolve_now(options.now)
    live = options.output_dir.resolve()
    if output != str(live) or not summary.still_valid(stamp, now) or not _intact(live, pages):
        return None
    if options.search and not index_intact(live, search):
        return None
    return BuildResult(summary.stories, summary.pages, 0, len(pages), time.perf_counter() - started, now, clock,
                       list(summary.diagnostics), summary.next_due)


def _inputs_token(options: BuildOptions, prepared: Prepared, state: BuildState, layouts: str) -> str:
    """Everything the pages of this build are made from, in one digest (the clock only where pages show it)."""
    return digest(prepared.config_token, *sorted(state.parsed), *sorted(state.fragments),
                  *(route.path for route in prepared.routes), layouts, prepared.structure,
                  repr(sorted(prepared.manifest.items())), _options_token(options),
                  repr(options.search), prepared.clock_token, prepared.news_token)


def _options_token(options: BuildOptions) -> str:
    """The options that change what pages hold (the search index is beside the pages, not in them)."""
    return repr((str(options.output_dir.resolve()), options.drafts, options.future, options.embargoed,
                 options.preview, options.shared))


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
        return Context(site, prepared.html, route, options.preview, prepared.now, options.shared)

    return PageRenderer(env, options.site_dir / "layouts", options.site_dir, context,
                        Fingerprinter(site_chrome(token, site)), tokens,
                        digest(token, repr(sorted(manifest.items())), repr((options.preview, options.shared)),
                               prepared.pictures_token),
                        lambda: whole_site(token, site), previous.pages, Writer(options.output_dir, None),
                        _scanner(prepared.config), changed)


Verify = Callable[[list[Outcome]], list[Diagnostic]]
"""The problems of a build's rendered pages (`_verify`): any of them stops the build before it goes live."""
Planner = Callable[[list[Outcome], Callable[[str], Path]], SearchPlan | None]
"""Given the outcomes and where each page's bytes now are, the search shards (`engine/search_plan.py`)."""


def _search_plan(options: BuildOptions, prepared: Prepared, state: BuildState) -> Planner:
    """The search shards of the story pages: for a build with the index, and for `serve`, which indexes in
    the background; none otherwise (a page's digest costs a read)."""
    pages = prepared.of_shape("search order", lambda: search_order(prepared.site.stories))

    def plan(outcomes: list[Outcome], source: Callable[[str], Path]) -> SearchPlan | None:
        if not (options.search or options.preview):
            return None
        keys = {o.rel: o.record.key for o in outcomes if o.record is not None}
        state.search_pages = page_digests(pages, keys, source, state.search_pages)
        digests = {page: content for page, (_key, content) in state.search_pages.items()}
        config = prepared.config
        return plan_shards(pages, digests, config.search_shard_size, config.language, bundle_token())

    return plan


def _stage(renderer: PageRenderer, work: list[Work], options: BuildOptions, state: BuildState, plan: Planner,
           verify: Verify, keep_spare: bool) -> list[Outcome]:
    """A first build (or one without a usable record of the output): everything into a staging folder,
    the search index too.

    Files of the old output that beatgen did not write are carried over. With the persistent cache, the
    old output (beatgen's: marked) is kept as the spare of the next rebuild (`spare.py`) instead of being
    removed."""
    with Staging(options.output_dir) as staging:
        renderer.writer = Writer(options.output_dir, staging)
        outcomes = _checked(renderer.render_all(work, options.jobs), verify)
        assert staging.root is not None
        root = staging.root
        state.search_plan = plan(outcomes, lambda page: root / page)
        index = (stage_index(state.search_plan, staging.root, staging.output, state.search, staging.write)
                 if options.search and state.search_plan is not None else {})
        files = None if options.replace_output else listed(staging.output)
        if files is not None:
            staging.carry(foreign(staging.output, files))
        staging.write(MARKER, marker_bytes((o.rel for o in outcomes), has_index(staging.root)))
        staging.commit(claim(spare_folder(staging.output)) if keep_spare and files is not None else None)
    state.search = index
    return outcomes


def _update_in_place(renderer: PageRenderer, work: list[Work], options: BuildOptions, state: BuildState,
                     plan: Planner, verify: Verify, serving: AbstractContextManager[object] | None) -> list[Outcome]:
    """A rebuild of a known output: its changed files, and the search shards they change, go live only once
    every page has rendered and every shard has been indexed. The spare is levelled with the live output by a
    worker while the pages render (the live folder is only read)."""
    output = options.output_dir.resolve()
    with output_lock(output):
        recover(output)
        spare = spare_folder(output)
        levelled = None if serving is not None else Background(lambda: mirror(output, spare), options.jobs)
        try:
            outcomes = _checked(renderer.render_all(work, options.jobs), verify)
            temps = [(Path(o.temp), o.rel) for o in outcomes if o.temp]
            gone = sorted(set(renderer.previous) - {o.rel for o in outcomes})
            sources = {rel: temp for temp, rel in temps}
            state.search_plan = plan(outcomes, lambda page: sources.get(page, output / page))
            index = (patch_index(state.search_plan, output, sources, state.search)
                     if options.search and state.search_plan is not None else IndexPatch(state.search))
            moves, removals, rels = [*temps, *index.moves], [*gone, *index.removals], [o.rel for o in outcomes]
            if (moves or removals) and serving is not None:
                _patch_live(output, moves, removals, rels, serving)
            elif (moves or removals) and levelled is not None:
                levelled.wait()
                _swap_in(output, spare, moves, removals, rels)
            state.search = index.record
        finally:
            if levelled is not None:
                levelled.cancel()
            patch.clear(output)
    return outcomes


def _swap_in(output: Path, spare: Path, moves: list[tuple[Path, str]], removals: list[str], rels: list[str]) -> None:
    """Make the spare (level with the live output) the new output, then exchange the two."""
    patch.commit(spare, moves, removals)
    write_marker(spare, rels)
    replace_folder(spare, output, spare)


def _patch_live(output: Path, moves: list[tuple[Path, str]], removals: list[str], rels: list[str],
                serving: AbstractContextManager[object]) -> None:
    """Rename the changed files (the search index's too) over the live ones while the server that reads them
    waits."""
    with serving:
        patch.commit(output, moves, removals)
        write_marker(output, rels)


def _checked(outcomes: list[Outcome], verify: Verify) -> list[Outcome]:
    problems = verify(outcomes)
    if problems:
        raise BuildError(problems)
    return outcomes
