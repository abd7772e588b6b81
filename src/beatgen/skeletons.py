"""The skeletons `beatgen new` starts a file from: the site's own (`layouts/skeletons/story.md`, `term.md`,
`page.md`), else the built-in ones.

A skeleton is the file as it will be written, with `$title`-style placeholders that `beatgen new` fills
(`$$` is a dollar sign). A site's skeleton is checked before anything is written: the file it makes must
pass `beatgen check` as a new story does (a draft, with every required field) or, for a glossary term or
page, be refused by it until its TKTK placeholder is replaced, so that nothing half-written can go out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from string import Template

from beatgen.config import SiteConfig
from beatgen.content.load import parse_file
from beatgen.content.model import Story
from beatgen.content.placeholders import MARKER
from beatgen.diagnostics import Diagnostic, error

FOLDER = "layouts/skeletons"
PLACEHOLDERS = {"story": ("title", "date", "day", "slug", "topics"), "term": ("term", "plain", "slug"),
                "page": ("title", "slug")}
KINDS = {"story": "story", "term": "glossary term", "page": "page"}
_WHERE = re.compile(r"line (\d+), col (\d+)")


class SkeletonError(Exception):
    """The site's skeleton cannot make a valid file; `problems` name the skeleton's lines."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__("\n".join(problem.text() for problem in problems))
        self.problems = problems


def fill(site_dir: Path | None, name: str, rel: str, config: SiteConfig, values: dict[str, str]) -> str:
    """The text of a new file at `rel`, from the site's skeleton when it has one, else the built-in one."""
    own = site_dir / FOLDER / f"{name}.md" if site_dir is not None else None
    if own is None or not own.is_file():
        return Template(files("beatgen").joinpath("skeletons", f"{name}.md").read_text(encoding="utf-8")) \
            .substitute(values)
    skeleton = f"{FOLDER}/{name}.md"
    text = _read(own, skeleton)
    filled = _substitute(text, skeleton, name, values)
    problems = [_at_skeleton(p, skeleton, text) for p in _problems(name, rel, filled, config)]
    if problems:
        raise SkeletonError(problems)
    return filled


def _read(path: Path, skeleton: str) -> str:
    try:
        return path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise SkeletonError([error(skeleton, 1, 1, "skeleton", "the skeleton is not UTF-8 text; save it as UTF-8")]) \
            from None


def _substitute(text: str, skeleton: str, name: str, values: dict[str, str]) -> str:
    usable = ", ".join(f"${key}" for key in PLACEHOLDERS[name])
    try:
        return Template(text).substitute(values)
    except KeyError as exc:
        unknown = str(exc.args[0])
        line, column = _find(text, unknown)
        raise SkeletonError([error(skeleton, line, column, "skeleton", f"unknown placeholder ${unknown}; a "
                                   f"{KINDS[name]} skeleton may use {usable} (write $$ for a dollar sign)")]) from None
    except ValueError as exc:
        found = _WHERE.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        raise SkeletonError([error(skeleton, line, column, "skeleton", f"a '$' that starts no placeholder; write $$ "
                                   f"for a dollar sign, or one of {usable}")]) from None


def _find(text: str, placeholder: str) -> tuple[int, int]:
    found = re.search(rf"\$(?:{re.escape(placeholder)}\b|\{{{re.escape(placeholder)}\}})", text)
    if found is None:
        return 1, 1
    return text.count("\n", 0, found.start()) + 1, found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1


def _problems(name: str, rel: str, filled: str, config: SiteConfig) -> list[Diagnostic]:
    """Why the file would not be a safe start: errors `check` would report (but a term's or page's placeholder,
    which is the point), a story that is not a draft, a term or page with no placeholder to hold it back."""
    model, found = parse_file(name, rel, filled.encode("utf-8"), config)
    errors = [p for p in found if p.severity == "error"]
    problems = [p for p in errors if p.code != "placeholder"]
    published = isinstance(model, Story) and not model.draft
    if name == "story" and (any(p.code == "placeholder" for p in errors) or published):
        problems.append(error(rel, _line_of(filled, "draft:"), 1, "skeleton",
                              "a story skeleton must keep 'draft: true', so that a new story cannot go out "
                              "half-written; add the line"))
    elif name != "story" and MARKER not in filled:
        problems.append(error(rel, 1, 1, "skeleton", f"a {KINDS[name]} skeleton must hold a {MARKER} placeholder, so "
                                                     f"that `beatgen check` refuses the new file until it is written; "
                                                     f"mark the text to replace with {MARKER}"))
    return problems


def _line_of(text: str, start: str) -> int:
    return next((n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start)), 1)


def _at_skeleton(problem: Diagnostic, skeleton: str, text: str) -> Diagnostic:
    """A problem of the filled file, placed in the skeleton: lines match (values are filled in on one line);
    a column after a placeholder moves to the placeholder."""
    lines = text.split("\n")
    line = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
    column = problem.column if "$" not in line[: problem.column - 1] else line.index("$") + 1
    return replace(problem, file=skeleton, column=column)
