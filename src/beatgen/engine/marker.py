"""The record each output folder carries of the files beatgen wrote into it (`.beatgen-files`).

It is both the mark that the folder is beatgen's to replace (a folder without it is never written
unless asked) and the line between beatgen's files and anyone else's: a rebuild removes or replaces
only files it lists, and carries every other file of the folder (a CNAME, a verification file) into
the new output untouched. Its content depends only on the files listed, so builds stay reproducible.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from beatgen.engine.output import OutputError, describe
from beatgen.engine.search import INDEX_DIR, has_index

MARKER = ".beatgen-files"
HEADER = "# written by beatgen: the files it wrote into this folder; it removes or replaces no other file\n"
INDEX_FOLDER = f"{INDEX_DIR}/"
"""Pagefind's index is replaced whole: the folder is listed, not each file Pagefind wrote."""


def marker_bytes(rels: Iterable[str], has_index: bool) -> bytes:
    listed = sorted({*rels, *([INDEX_FOLDER] if has_index else [])})
    return (HEADER + "".join(f"{rel}\n" for rel in listed)).encode("utf-8", "surrogateescape")


def is_marked(folder: Path) -> bool:
    try:
        with open(folder / MARKER, encoding="utf-8", errors="replace") as handle:
            return handle.readline() == HEADER
    except OSError:
        return False


def listed(folder: Path) -> frozenset[str] | None:
    """The files (and folders, ending in `/`) the marker lists; None for a folder without one."""
    try:
        text = (folder / MARKER).read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None
    header, _, body = text.partition("\n")
    return frozenset(body.splitlines()) if header + "\n" == HEADER else None


def owned(rel: str, files: frozenset[str]) -> bool:
    """Whether beatgen wrote `rel`: the marker itself, a listed file, or a file inside a listed folder."""
    return rel == MARKER or rel in files or any(f"{top}/" in files for top in _tops(rel))


def _tops(rel: str) -> Iterator[str]:
    parts = rel.split("/")
    for end in range(1, len(parts)):
        yield "/".join(parts[:end])


def foreign(folder: Path, files: frozenset[str]) -> list[str]:
    """Every file, link and empty folder under `folder` that beatgen did not write, sorted."""
    found = []
    for path, dirs, names in os.walk(folder):
        dirs.sort()
        rel_dir = os.path.relpath(path, folder).replace(os.sep, "/")
        prefix = "" if rel_dir == "." else f"{rel_dir}/"
        if prefix and not dirs and not names and not owned(prefix.rstrip("/"), files):
            found.append(prefix)
        for name in [*names, *(d for d in dirs if os.path.islink(os.path.join(path, d)))]:
            if not owned(prefix + name, files):
                found.append(prefix + name)
    return sorted(found)


def collision(folder: Path, files: frozenset[str], rels: Iterable[str]) -> str | None:
    """The first path a build would write (`rels`, and the folders they need) that holds something
    beatgen did not write, or None."""
    for rel in sorted(rel for rel in rels if not owned(rel, files)):
        for part in (*_tops(rel), rel):
            path = folder / part
            if part != rel and path.is_dir() and not path.is_symlink():
                continue
            if os.path.lexists(path):
                return part
            break
    return None


def write_marker(folder: Path, rels: Iterable[str]) -> None:
    """Record the files beatgen wrote into `folder` (and its search index, if there is one). The marker is
    written beside and renamed over the old one: that file may be a hard link shared with another output."""
    data = marker_bytes(rels, has_index(folder))
    path = folder / MARKER
    with contextlib.suppress(OSError), open(path, "rb") as handle:
        if handle.read() == data:
            return
    temp = folder / f"{MARKER}.new"
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(describe(exc, str(path))) from exc
