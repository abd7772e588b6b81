"""The kinds of page: each has a view, a layout that exists and a route planner that yields it, and no view or
layout is left without a kind. Layouts read only their view's fields and the environment's globals."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from pathlib import Path

from jinja2 import meta, nodes
from sitekit import REPO, copy_site

from beatgen.content.sitedata import load_site_config
from beatgen.engine.reading import read_content
from beatgen.engine.state import BuildState
from beatgen.render import views
from beatgen.render.context import VIEWS
from beatgen.render.env import make_environment
from beatgen.routes import TEMPLATES, PageKind, plan_routes, with_sitemap_index
from beatgen.site.index import build_site

LAYOUTS = REPO / "layouts"
FRAME = "base.html"
"""The frame of every HTML page, which reads what `views.PageView` holds."""


def view_of(kind: PageKind) -> type[views.View]:
    """The view a kind's builder declares it returns."""
    view: type[views.View] = typing.get_type_hints(VIEWS[kind])["return"]
    return view


def own_names(layout: nodes.Template) -> set[str]:
    """Names a layout sets or imports itself, which jinja2.meta counts as read from outside when a block uses
    them."""
    imported = {name if isinstance(name, str) else name[1]
                for node in layout.find_all(nodes.FromImport) for name in node.names}
    assigned = {name.name for node in layout.find_all(nodes.Assign)
                for name in (node.target, *node.target.find_all(nodes.Name)) if isinstance(name, nodes.Name)}
    return imported | assigned


def test_every_kind_has_a_layout_and_a_view() -> None:
    assert set(TEMPLATES) == set(PageKind)
    assert set(VIEWS) == set(PageKind)
    for kind in PageKind:
        assert (LAYOUTS / TEMPLATES[kind]).is_file(), kind
        view = view_of(kind)
        assert dataclasses.is_dataclass(view) and view.__dataclass_params__.frozen, view


def test_kinds_that_share_a_layout_share_a_view() -> None:
    views_by_layout: dict[str, set[type[views.View]]] = {}
    for kind in PageKind:
        views_by_layout.setdefault(TEMPLATES[kind], set()).add(view_of(kind))
    assert {layout: found for layout, found in views_by_layout.items() if len(found) > 1} == {}


def test_no_layout_and_no_view_without_a_kind() -> None:
    layouts = {path.relative_to(LAYOUTS).as_posix() for path in LAYOUTS.rglob("*") if path.is_file()}
    pieces = {FRAME, *(name for name in layouts if name.startswith("partials/"))}
    assert layouts - pieces == set(TEMPLATES.values())
    declared = {cls for _, cls in inspect.getmembers(views, inspect.isclass)
                if issubclass(cls, views.View) and cls.__module__ == views.__name__}
    assert declared - {views.View, views.PageView} == {view_of(kind) for kind in PageKind}


def test_layouts_read_only_their_views_fields(tmp_path: Path) -> None:
    config = load_site_config(copy_site("sample", tmp_path / "site"))
    env = make_environment(LAYOUTS, config, {})
    known = set(env.globals)
    layouts = {TEMPLATES[kind]: view_of(kind) for kind in PageKind} | {FRAME: views.PageView}
    for layout, view in layouts.items():
        assert env.loader is not None
        source = env.loader.get_source(env, layout)[0]
        parsed = env.parse(source)
        read = meta.find_undeclared_variables(parsed) - own_names(parsed)
        fields = {field.name for field in dataclasses.fields(view)}
        assert read - fields - known == set(), layout


def test_the_route_planners_yield_every_kind(tmp_path: Path) -> None:
    """The sample site with one old path (a redirect), its sitemap whole and split at ten pages a part."""
    site = copy_site("sample", tmp_path / "site")
    story = min((site / "content" / "stories").rglob("*.md"))
    story.write_text(story.read_text().replace("---\n", "---\naliases: [/old/story/]\n", 1))
    config = load_site_config(site)
    content = read_content(site, config, "", BuildState(), jobs=1)[0]
    assert [problem for problem in content.diagnostics if problem.severity == "error"] == []
    indexed = build_site(config, content.stories, content.terms, content.pages)
    whole = plan_routes(indexed)
    routes = [*whole, *with_sitemap_index(whole, 10)]
    assert all(type(route.kind) is PageKind for route in routes)
    assert set(PageKind) - {route.kind for route in routes} == set()
