"""The build: config → content → fragments → site → routes → pages → output.

`prepare` does everything but writing, so `check` and `build` share one path and one set of rules.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from beatgen.build.assets import collect_assets
from beatgen.build.clock import resolve_now
from beatgen.build.output import OutputError, Staging
from beatgen.build.search import index_search
from beatgen.config import SiteConfig, load_config
from beatgen.content.checks import duplicate_terms, duplicate_urls, embargo_notes, timeline_references
from beatgen.content.load import load_content
from beatgen.content.model import Page, Story, Term
from beatgen.content.publication import Held, Visibility, next_lift, select
from beatgen.diagnostics import BuildError, Diagnostic, has_errors
from beatgen.fragments import DocumentHtml, StoryHtml, document_html, story_html
from beatgen.glossary_links import build_glossary
from beatgen.markdown import LinkTargets, make_markdown
from beatgen.render.context import Context
from beatgen.render.env import make_environment
from beatgen.render.pages import check_templates, render_route
from beatgen.routes import Route, plan_routes
from beatgen.site.index import Site, build_site
from beatgen.urls import output_file


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
    preview: bool = False  # `serve`: banners on stories a published build leaves out (draft, scheduled)


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


def load_site_config(options: BuildOptions) -> SiteConfig:
    return load_config(options.site_dir, base_url=options.base_url)


def prepare(options: BuildOptions) -> Prepared:
    config = load_site_config(options)
    now, clock = resolve_now(options.now)
    content = load_content(options.site_dir, config)
    problems = list(content.diagnostics)
    show = Visibility(drafts=options.drafts, future=options.future, embargoed=options.embargoed)
    stories, held = select(content.stories, now, show)
    problems += duplicate_urls(content.stories)
    problems += timeline_references(stories, {story.slug for story in stories}, held)
    problems += embargo_notes(content.stories, now)
    problems += duplicate_terms(content.terms)
    site = build_site(config, stories, content.terms, content.pages)
    routes = plan_routes(site)
    targets = LinkTargets(_file_targets(stories, content.terms, content.pages),
                          frozenset(route.path for route in routes), config.base_path,
                          _held_targets(content.stories, held), build_glossary(content.terms, config.base_path))
    md = make_markdown()
    html: dict[str, StoryHtml | DocumentHtml] = {}
    for story in stories:
        rendered = story_html(md, story, targets)
        html[story.file] = rendered.html
        problems += rendered.diagnostics
    for document in (*content.terms, *content.pages):
        rendered = document_html(md, document, targets)
        html[document.file] = rendered.html
        problems += rendered.diagnostics
    assets = collect_assets(options.site_dir / "static")
    return Prepared(config, site, routes, html, assets, now, clock, problems, next_lift(content.stories, now))


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
        if story.slug in held:
            why = f"{story.file}, which is {held[story.slug].reason}"
            targets[story.file] = targets[story.path] = why
    return targets


def check(options: BuildOptions) -> list[Diagnostic]:
    prepared = prepare(options)
    layouts = options.site_dir / "layouts"
    env = make_environment(layouts, prepared.config, {k: v[0] for k, v in prepared.assets.items()})
    return prepared.diagnostics + check_templates(env, layouts, options.site_dir)


def build(options: BuildOptions, progress: Progress = _no_progress) -> BuildResult:
    started = time.perf_counter()
    progress("content", 0, 1)
    prepared = prepare(options)
    progress("content", 1, 1)
    if has_errors(prepared.diagnostics):
        raise BuildError(prepared.diagnostics)
    layouts = options.site_dir / "layouts"
    env = make_environment(layouts, prepared.config, {k: v[0] for k, v in prepared.assets.items()})
    _guard_output(options)
    with Staging(options.output_dir) as staging:
        for name, data in prepared.assets.values():
            staging.write(name, data)
        total = len(prepared.routes)
        for done, route in enumerate(prepared.routes, 1):
            context = Context(prepared.site, prepared.html, route, options.preview, prepared.now)
            staging.write(output_file(route.path), render_route(env, context, layouts, options.site_dir))
            progress("pages", done, total)
        index_search(staging.root, staging.output)
        staging.commit()
    return BuildResult(len(prepared.site.stories), len(prepared.routes), staging.written, staging.unchanged,
                       time.perf_counter() - started, prepared.now, prepared.clock, prepared.diagnostics,
                       prepared.next_lift)


def _guard_output(options: BuildOptions) -> None:
    """The output folder is replaced whole: it must never be the site folder or hold it."""
    output = options.output_dir.resolve()
    site = options.site_dir.resolve()
    if output == site or site.is_relative_to(output) or output in (Path.home(), Path("/")):
        raise OutputError(f"the output folder {options.output_dir} would replace the site itself; "
                          "choose a folder such as public/")
