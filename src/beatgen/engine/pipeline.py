"""The build: prepare (config → content → checks → site → routes → markdown → pictures: `engine/prepare.py`),
then pages → verify → search → output (`engine/pages.py`, `engine/verify.py`, `engine/publish.py`).

`prepare` does everything but writing, so `check` and `build` share one path and one set of rules; a save
of stories' text under `serve` patches the last preparation instead (`engine/text_edits.py`).
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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from pathlib import Path

from beatgen.content.model import Story
from beatgen.content.publication import Due
from beatgen.diagnostics import BuildError, Diagnostic, Severity, has_errors
from beatgen.engine.cache import Cache, cache_folder
from beatgen.engine.clock import resolve_now
from beatgen.engine.fingerprint import Fingerprinter, digest, site_chrome, whole_site
from beatgen.engine.first_look import first_look
from beatgen.engine.guard import check_collisions, check_output
from beatgen.engine.imagecache import ImageCache
from beatgen.engine.images import encode_needed
from beatgen.engine.layouts import RecordingEnvironment, TemplateTokens, layouts_token
from beatgen.engine.pages import (
    CLEAN,
    WRITTEN,
    DryWriter,
    Outcomes,
    PageRenderer,
    Work,
    Writer,
    intact,
    plan_work,
    settle_records,
)
from beatgen.engine.parallel import Background
from beatgen.engine.prepare import prepare
from beatgen.engine.prepared import BuildOptions, Prepared, options_token
from beatgen.engine.publish import Planner, Serving, stage, update_in_place
from beatgen.engine.search import index_intact, page_digests
from beatgen.engine.search_bundle import bundle_token
from beatgen.engine.search_plan import SearchPlan, plan_shards, runs, search_order
from beatgen.engine.shortcut import Summary, input_stamp
from beatgen.engine.spare import levelled_early
from beatgen.engine.state import BuildState, FileStamp, PageRecord
from beatgen.engine.store import EntryGone, Store
from beatgen.engine.text_edits import after_text_edits, published_stories
from beatgen.engine.verify import link_scanner, page_holders, verify_pages
from beatgen.render.context import Context
from beatgen.render.env import make_environment
from beatgen.render.pages import check_templates
from beatgen.routes import Route

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
    found = verify_pages(options, prepared, templates[1], outcomes, {}, failing)
    seen = {(d.file, d.line, d.code) for d in found}
    compiled = check_templates(templates[0], layouts, options.site_dir)
    return prepared.diagnostics + found + [d for d in compiled if (d.file, d.line, d.code) not in seen]


def build(options: BuildOptions, progress: Progress = _no_progress, state: BuildState | None = None,
          serving: Serving | None = None, changed: frozenset[str] | None = None
          ) -> BuildResult:
    """Build the site. With `state` (kept by the caller between builds) the persistent cache is not used.

    `changed`: the files (relative to the site folder) that changed since the build that left `state`, when the
    caller knows them (`serve`'s watcher); a save of stories' text then skips the site-wide stages.

    `serving` is for an output that a server reads while it is rebuilt (`serve`): a rebuild then renames
    its changed files into the live folder while holding its lock, and says when they are live. Without it,
    a rebuild goes live in one atomic exchange of folders (`spare.py`).
    """
    with few_collections():
        return _build(options, progress, state, serving, changed)


def show_first(options: BuildOptions, state: BuildState, serving: Serving,
               changed: frozenset[str]) -> BuildResult | None:
    """`serve`'s first look at a save that moves stories (`engine/first_look.py`): their own pages alone,
    rendered from the last build's site and put live; None when the save is not one to show first. The
    state keeps what the last build left (its preparation, structure and file stamps), so the whole build
    that must follow sees the save as it is."""
    with few_collections():
        look = first_look(options, state.prepared, changed) if _in_place(options, state) else None
        if look is None:
            return None
        started = time.perf_counter()
        prepared, pages = look
        before = _Before.taken_from(state)
        try:
            work = _work(options, prepared, _no_progress)
            outcomes = _pages(options, prepared, state, work, before, layouts_token(options.site_dir / "layouts"),
                              serving, None, None, pages)
            settle_records(state.pages, outcomes)
            state.inputs = ""
        finally:
            state.structure, state.prepared = before.structure, before.prepared
    return _result(prepared, outcomes, started, 0)


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


@dataclass(frozen=True)
class _Before:
    """What the last build left in the state, taken out of it until this build succeeds: a failed build then
    leaves no structure (the next one looks at every page's data instead of trusting its records) and no
    preparation to patch."""

    files: dict[str, FileStamp]
    structure: str
    prepared: Prepared | None

    @classmethod
    def taken_from(cls, state: BuildState) -> _Before:
        before = cls(dict(state.files), state.structure, state.prepared)
        state.structure, state.prepared = "", None
        return before


def _build(options: BuildOptions, progress: Progress, state: BuildState | None,
           serving: Serving | None, changed_files: frozenset[str] | None) -> BuildResult:
    started = time.perf_counter()
    cache_dir = cache_folder(options.site_dir, options.cache_dir)
    check_output(options.output_dir, options.site_dir, cache_dir, options.replace_output)
    cache = Cache(cache_dir) if state is None and options.cache else None
    stamp = input_stamp(options, cache.token) if cache else ""
    if cache and (unchanged := _unchanged_build(options, cache, stamp, started)):
        progress("unchanged", 0, 1)
        progress("unchanged", 1, 1)
        return unchanged
    with contextlib.ExitStack() as stack:
        # A command-line rebuild levels its spare from here on, behind the cache's load and the preparation.
        levelling = (stack.enter_context(levelled_early(options.output_dir, options.jobs))
                     if cache and serving is None and not options.replace_output else None)
        if cache is not None:
            stack.callback(cache.close)
        if state is None:
            state = cache.load() if cache else BuildState()
            state.store = Store.beside(options.output_dir, for_cache=cache is not None)
        if state.store:
            stack.enter_context(contextlib.closing(state.store))
        try:
            return _build_with(options, progress, state, serving, changed_files, cache, stamp, started, levelling)
        except EntryGone:
            if cache is None:
                raise
        # An entry read back from the cache after its load failed its checks: the cache was changed or damaged
        # meanwhile. Nothing went live; the whole build runs again as if there were no cache, and saves it anew.
        if levelling is not None:
            levelling.cancel()  # the output is staged anew, as for a first build
        cache.loaded = False
        fresh = BuildState(store=state.store)
        return _build_with(options, progress, fresh, serving, changed_files, cache, stamp, started, None)


def _build_with(options: BuildOptions, progress: Progress, state: BuildState,
                serving: Serving | None, changed_files: frozenset[str] | None,
                cache: Cache | None, stamp: str, started: float, levelling: Background | None) -> BuildResult:
    before = _Before.taken_from(state)
    state.begin()
    progress("content", 0, 1)
    patched = after_text_edits(options, before.prepared, changed_files, state)
    prepared = patched or prepare(options, state)
    progress("content", 1, 1)
    if has_errors(prepared.diagnostics):
        raise BuildError(prepared.diagnostics)
    layouts = layouts_token(options.site_dir / "layouts")
    inputs = (digest("text edits", state.inputs, layouts, *sorted(prepared.parse_keys[f] for f in changed_files or ()))
              if patched else _inputs_token(options, prepared, state, layouts))
    work = _work(options, prepared, progress)
    progress("pages", 0, len(work))
    outcomes = _unchanged_pages(options, state, inputs)
    if outcomes is None:
        outcomes = _pages(options, prepared, state, work, before, layouts, serving,
                          changed_files if patched else None, cache, levelling=levelling)
    progress("pages", len(work), len(work))
    settle_records(state.pages, outcomes)
    state.output, state.inputs, state.structure = str(options.output_dir.resolve()), inputs, prepared.structure
    state.prepared = prepared if cache is None else None
    state.summary = Summary(stamp, len(prepared.site.stories), len(prepared.routes), tuple(prepared.diagnostics),
                            prepared.next_due, prepared.valid_until, prepared.now)
    if cache:
        cache.save(state)
    return _result(prepared, outcomes, started, len(changed_files or ()) if patched else 0)


def _work(options: BuildOptions, prepared: Prepared, progress: Progress) -> list[Work]:
    """Every file to produce: the pages and static files (kept with the site's shape), then the pictures."""
    work = prepared.of_shape("work", lambda: plan_work(prepared.routes, prepared.assets))
    return work + _picture_work(options, prepared, progress)


def _result(prepared: Prepared, outcomes: Outcomes, started: float, patched: int) -> BuildResult:
    written = sum(o.status == WRITTEN for o in outcomes.looked.values())
    return BuildResult(len(prepared.site.stories), len(prepared.routes), written, len(outcomes) - written,
                       time.perf_counter() - started, prepared.now, prepared.clock, prepared.diagnostics,
                       prepared.next_due, sum(o.status != CLEAN for o in outcomes.looked.values()), patched)


def _in_place(options: BuildOptions, state: BuildState) -> bool:
    """The output is the one the state's records describe: a rebuild patches it instead of staging anew."""
    output = options.output_dir.resolve()
    return not options.replace_output and state.output == str(output) and output.is_dir() and bool(state.pages)


def _unchanged_pages(options: BuildOptions, state: BuildState, inputs: str) -> Outcomes | None:
    """The last build's pages, when nothing they are made from changed and the output is as it left it."""
    output = options.output_dir.resolve()
    if (_in_place(options, state) and inputs == state.inputs and intact(output, state.pages)
            and (not options.search or index_intact(output, state.search))):
        return Outcomes.as_left(state.pages)
    return None


def _pages(options: BuildOptions, prepared: Prepared, state: BuildState, work: list[Work], before: _Before,
           layouts: str, serving: Serving | None, edited_files: frozenset[str] | None,
           cache: Cache | None, only: frozenset[str] | None = None, levelling: Background | None = None
           ) -> Outcomes:
    """Render what changed, verify it, and put it live with its search shards. `edited_files`: the stories a
    save of text only changed (`engine/text_edits.py`), whose pages alone are looked at; `only`: the pages
    alone to look at, whatever changed (`show_first`); `levelling`: the spare being levelled since the build
    began (`spare.levelled_early`)."""
    in_place = _in_place(options, state)
    changed, edited = None, frozenset[str]()
    if in_place and before.structure == prepared.structure:
        saved = published_stories(prepared, edited_files) if edited_files is not None else None
        changed, edited = _changed_stories(prepared.site.stories if saved is None else saved.values(), before.files)
    if not options.replace_output:  # the files the last build wrote here are beatgen's: only new ones may collide
        written = state.pages if in_place else {}
        check_collisions(options.output_dir, sorted(set(map(attrgetter("rel"), work)).difference(written)),
                         options.search)
    templates = _templates(options, prepared, state, layouts)
    renderer = _page_renderer(options, prepared, state if in_place else BuildState(), changed, templates)
    renderer.edited, renderer.own_output = edited, serving is not None
    if edited_files is not None and changed is not None:
        renderer.only = page_holders(prepared, renderer.previous).affected(changed | edited)
    if only is not None:
        renderer.only = only
    plan = _search_plan(options, prepared, state, renderer.previous)

    def verify(outcomes: Outcomes) -> list[Diagnostic]:
        return verify_pages(options, prepared, templates[1], outcomes, renderer.previous)

    if levelling is not None and not in_place:
        levelling.cancel()  # the output is staged anew, and the spare replaced by the old output
    if not in_place:
        outcomes = stage(renderer, work, options, state, plan, verify, keep_spare=cache is not None)
    elif serving is None:
        outcomes = update_in_place(renderer, work, options, state, plan, verify, None, levelling)
    else:
        outcomes = update_in_place(renderer, work, options, state, plan, verify, serving.lock, levelling)
        serving.went_live(prepared.diagnostics)
    if only is not None:
        prepared.shape.pop("page holders", None)  # a first look's page may hold other stories than the last
    elif renderer.only is not None and not page_holders(prepared, renderer.previous).still_hold(
            renderer.previous, outcomes):
        del prepared.shape["page holders"]
    return outcomes


def _changed_stories(stories: Iterable[Story], before: dict[str, FileStamp]) -> tuple[frozenset[str], frozenset[str]]:
    """Of `stories` (every story, or those a save of text changed), those whose front matter changed since the
    last build, and those whose body alone did."""
    changed, edited = set(), set()
    for story in stories:
        known = before.get(story.file)
        if known is None or known.front != story.front:
            changed.add(story.file)
        elif known.digest != story.digest:
            edited.add(story.file)
    return frozenset(changed), frozenset(edited)


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
    if output != str(live) or not summary.still_valid(stamp, now) or not intact(live, pages):
        return None
    if options.search and not index_intact(live, search):
        return None
    return BuildResult(summary.stories, summary.pages, 0, len(pages), time.perf_counter() - started, now, clock,
                       list(summary.diagnostics), summary.next_due)


def _inputs_token(options: BuildOptions, prepared: Prepared, state: BuildState, layouts: str) -> str:
    """Everything the pages of this build are made from, in one digest (the clock only where pages show it)."""
    return digest(prepared.config_token, *sorted(state.parsed), *sorted(state.fragments),
                  *(route.path for route in prepared.routes), layouts, prepared.structure,
                  repr(sorted(prepared.manifest.items())), options_token(options),
                  repr(options.search), prepared.clock_token, prepared.news_token)


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
        tokens = TemplateTokens(env)
        tokens.tokens.update(state.template_tokens.recall(key) or {})
        state.templates = (key, env, tokens)
        state.template_tokens.keep(key, tokens.tokens)  # kept as it is: filled as pages need them, then stored
        state.template_tokens.forget_unused()
    state.templates[1].body_of = state.body_of
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
                        link_scanner(prepared.config), changed)


def _search_plan(options: BuildOptions, prepared: Prepared, state: BuildState,
                 previous: Mapping[str, PageRecord]) -> Planner:
    """The search shards of the story pages: for a build with the index, and for `serve`, which indexes in
    the background; none otherwise (a page's digest costs a read). `previous`: the last build's records,
    which a page left clean still has (its key with them)."""
    pages = prepared.of_shape("search order", lambda: search_order(prepared.site.stories))

    def plan(outcomes: Outcomes, source: Callable[[str], Path]) -> SearchPlan | None:
        if not (options.search or options.preview):
            return None
        config = prepared.config
        fresh = {o.rel: o.record.key for o in outcomes.looked.values() if o.status != CLEAN and o.record is not None}
        state.search_pages, redone = page_digests(pages, fresh, previous, source, state.search_pages, options.jobs)
        cuts = prepared.of_shape("search cuts", lambda: runs(pages, config.search_shard_size))
        return plan_shards(cuts, lambda page: state.search_pages[page][1], config.language, bundle_token(),
                           state.search_plan, redone)

    return plan
