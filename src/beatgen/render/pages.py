"""Route → bytes through its layout; template mistakes become diagnostics naming the template line."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError, TemplateSyntaxError

from beatgen.diagnostics import BuildError, Diagnostic, error
from beatgen.render.context import Context, context_for


def template_problem(exc: Exception, layouts: Path, site_dir: Path) -> Diagnostic:
    """Where in which layout a Jinja error happened, relative to the site folder."""
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return error(_relative(exc.filename, site_dir), exc.lineno or 1, 1, "template-syntax",
                     f"template syntax error: {exc.message}")
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(str(layouts)):
            return error(_relative(frame.filename, site_dir), frame.lineno or 1, 1, "template-error",
                         f"template error: {exc}")
    return error(_relative(str(layouts), site_dir), 1, 1, "template-error", f"template error: {exc}")


def _relative(path: str, site_dir: Path) -> str:
    try:
        return Path(path).resolve().relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return path


def render_route(env: Environment, context: Context, layouts: Path, site_dir: Path,
                 data: dict[str, Any] | None = None) -> bytes:
    """`data`: the route's template context when the caller has already computed it."""
    try:
        template = env.get_template(context.route.template)
        return template.render(context_for(context) if data is None else data).encode("utf-8")
    except (TemplateError, KeyError, AttributeError, TypeError, ValueError) as exc:
        raise BuildError([template_problem(exc, layouts, site_dir)]) from exc


def check_templates(env: Environment, layouts: Path, site_dir: Path) -> list[Diagnostic]:
    """Compile every layout, so a syntax error is reported even in a template no page uses yet."""
    problems = []
    for name in sorted(env.list_templates(extensions=("html", "xml", "json", "txt"))):
        try:
            env.get_template(name)
        except TemplateSyntaxError as exc:
            problems.append(template_problem(exc, layouts, site_dir))
    return problems


