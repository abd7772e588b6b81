"""Route → bytes through its layout; template mistakes become diagnostics naming the template line and column."""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable
from pathlib import Path

from jinja2 import Environment, TemplateError, TemplateSyntaxError, UndefinedError

from beatgen.diagnostics import BuildError, Diagnostic, error
from beatgen.fields import suggest
from beatgen.render.context import Context, context_for
from beatgen.render.env import LayoutEnvironment
from beatgen.render.views import View

QUOTED = re.compile(r"'([^']+)'")
UNDEFINED_NAME = re.compile(r"^'(\w+)' is undefined$")


def template_problem(exc: Exception, layouts: Path, site_dir: Path, names: Iterable[str] = ()) -> Diagnostic:
    """Where in which layout a Jinja error happened, relative to the site folder; `names`: the variables the
    page had, for a "did you mean" when the layout names one it did not."""
    message = _message(exc, names)
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        line = exc.lineno or 1
        return error(_relative(exc.filename, site_dir), line, _column(exc.filename, line, exc.message or "", 1),
                     "template-syntax", f"template syntax error: {message}")
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(str(layouts)):
            line = frame.lineno or 1
            return error(_relative(frame.filename, site_dir), line, _column(frame.filename, line, message, -1),
                         "template-error", f"template error: {message}")
    return error(_relative(str(layouts), site_dir), 1, 1, "template-error", f"template error: {message}")


def _message(exc: Exception, names: Iterable[str]) -> str:
    if isinstance(exc, TemplateSyntaxError):
        text = exc.message or ""
    else:
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    undefined = UNDEFINED_NAME.match(text) if isinstance(exc, UndefinedError) else None
    return text + suggest(undefined[1], names) if undefined else text


def _column(file: str, line: int, message: str, order: int) -> int:
    """The column of a name the message quotes (for a syntax error the first one found on the line, else the
    last: the attribute, tag or file in question); else the line's first character."""
    try:
        text = Path(file).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return 1
    for name in QUOTED.findall(message.split("; did you mean")[0])[::order]:
        found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) or re.search(re.escape(name), text)
        if found is not None:
            return found.start() + 1
    return len(text) - len(text.lstrip()) + 1


def _relative(path: str, site_dir: Path) -> str:
    try:
        return Path(path).resolve().relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return path


def render_route(env: LayoutEnvironment, context: Context, layouts: Path, site_dir: Path,
                 data: View | None = None) -> bytes:
    """`data`: the route's view, with its head, when the caller has already built it."""
    env.use_site(context.site)
    names = list(env.globals)
    try:
        variables = (context_for(context) if data is None else data).variables()
        names += variables
        return env.get_template(context.route.template).render(variables).encode("utf-8")
    except (TemplateError, KeyError, AttributeError, TypeError, ValueError) as exc:
        raise BuildError([template_problem(exc, layouts, site_dir, names)]) from exc


def check_templates(env: Environment, layouts: Path, site_dir: Path) -> list[Diagnostic]:
    """Compile every layout, so a syntax error is reported even in a template no page uses yet."""
    problems = []
    for name in sorted(env.list_templates(extensions=("html", "xml", "json", "txt"))):
        try:
            env.get_template(name)
        except TemplateSyntaxError as exc:
            problems.append(template_problem(exc, layouts, site_dir))
    return problems
