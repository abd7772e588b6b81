"""Whether beatgen may write an output folder, decided before anything is written.

A build replaces what its output folder holds, so the folder must be beatgen's alone: never the
site's sources, its cache, the site itself, the home folder or the root, nor a folder holding or
inside them; and a folder that already holds files must carry the marker of an earlier build
(`marker.py`) unless the user asks for its contents to be replaced. Folders are compared by identity
(device and inode) wherever they exist, so symbolic links, `..`, trailing slashes and the letter case
of a case-insensitive file system lead to the same answer as the plain path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from beatgen.engine.marker import INDEX_FOLDER, MARKER, collision, is_marked, listed
from beatgen.engine.output import OutputError

SUGGESTION = "build into a folder of its own, such as public/"


class OutputRefused(OutputError):
    """The output folder is not beatgen's to write: a usage error, nothing was touched."""


def check_output(output: Path, site: Path, cache: Path, replace: bool) -> None:
    """Raise `OutputRefused` unless a build may replace what `output` holds."""
    target = output.resolve()
    problem = _place_problem(target, site.resolve(), cache.resolve())
    if problem is None and os.path.lexists(target) and not target.is_dir():
        problem = f"it is a file, not a folder; {SUGGESTION}"
    if problem is None and not replace:
        problem = _contents_problem(target)
    if problem is not None:
        raise OutputRefused(f"cannot build into {output}: {problem}")


def check_collisions(output: Path, rels: Iterable[str], search: bool) -> None:
    """Refuse a build that would write where a file it did not write lies in a marked output."""
    target = output.resolve()
    new = [*rels, *([INDEX_FOLDER] if search else [])]
    files = listed(target) if new and target.is_dir() else None
    if files is None:
        return
    found = collision(target, files, new)
    if found is not None:
        raise OutputRefused(
            f"cannot build into {output}: {_shown(target / found)} was not written by beatgen (it is not listed "
            f"in {_shown(target / MARKER)}) and this build would replace it; move it out of the folder, or pass "
            "--replace-output to let the build replace it")


def _place_problem(target: Path, site: Path, cache: Path) -> str | None:
    """Why `target` may not be an output folder because of where it lies, or None. Each place is
    (folder, what it is, whether an output inside it is refused too)."""
    places = ((site, "the site folder", False),
              *((site / name, f"the site's {name} folder", True) for name in ("content", "layouts", "static")),
              (cache, "the build cache folder", True), *((home, "your home folder", False) for home in _home()),
              (Path(target.anchor), "the root of the file system", False))
    relations: tuple[tuple[str, Callable[[Path, bool], bool]], ...] = (
        ("is", lambda folder, _: _same(target, folder)),
        ("lies inside", lambda folder, inside: inside and _within(target, folder)),
        ("holds", lambda folder, _: _within(folder, target)))
    for how, test in relations:
        for folder, what, inside in places:
            if test(folder, inside):
                return f"it {how} {what} ({_shown(folder)}), and a build replaces what its output folder holds; " \
                       f"{SUGGESTION}"
    return None


def _contents_problem(target: Path) -> str | None:
    """A folder that holds files without the marker of an earlier build is not beatgen's to replace."""
    if not target.is_dir() or is_marked(target):
        return None
    entries = sorted(os.listdir(target))
    if not entries:
        return None
    first = _shown(target / entries[0]) + ("/" if (target / entries[0]).is_dir() else "")
    return (f"it holds files that beatgen did not write (such as {first}), which a build would "
            f"replace; {SUGGESTION} (an empty or new one), or pass --replace-output to replace what it holds")


def _home() -> list[Path]:
    """The user's home folder, when there is one to find (a service account may have none)."""
    try:
        return [Path.home().resolve()]
    except RuntimeError:
        return []


def _within(path: Path, folder: Path) -> bool:
    """`path` is `folder` or lies inside it."""
    return any(_same(candidate, folder) for candidate in (path, *path.parents))


def _same(first: Path, second: Path) -> bool:
    """One folder: the same device and inode where both exist, else the same resolved path."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return first == second and not os.path.exists(first)


def _shown(path: Path) -> str:
    """A path as the user can read it: relative to the working folder when inside it."""
    cwd = Path.cwd()
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) and path != cwd else str(path)
