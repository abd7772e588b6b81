"""Applying a rebuild's changes to a folder, for rebuilds that change a few files of a known previous output.

Changed pages are first written into a patch folder beside the output (never inside it, so a killed
build leaves nothing in the published folder); only when every page rendered without error are they
renamed into the folder (each rename atomic, on one file system) and the files of vanished pages
removed. `beatgen build` applies them to the spare, which then goes live in one exchange (`spare.py`);
`serve` applies them to its live folder under the lock its HTTP server reads under. A failed build
removes its patch folder and leaves the output as it was. Builds of one output folder are serialised by
the same lock file as a staged build, which also clears a killed build's leftover patch folder (its name
matches the staging folders' pattern).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from beatgen.engine.output import OutputError, describe, safe_join


def patch_folder(output: Path) -> Path:
    """Where a rebuild of `output` writes its changed files before they go live (one build at a time)."""
    output = output.resolve()
    return output.parent / f".{output.name}.staging-patch"


def write_temp(patch: Path, rel: str, data: bytes) -> Path:
    """Write `data` for `rel` into the `patch` folder (`patch_folder`); `commit` moves it into place. The
    folder is flat, each file named after a digest of `rel`: a folder per page, made and then removed again,
    cost a layout edit of 10,000 pages more than writing them."""
    temp = patch / f"{hashlib.blake2b(rel.encode('utf-8'), digest_size=16).hexdigest()}.tmp"
    try:
        try:
            handle = open(temp, "wb")  # noqa: SIM115 - closed below, after the folder is made if missing
        except FileNotFoundError:
            patch.mkdir(parents=True, exist_ok=True)
            handle = open(temp, "wb")  # noqa: SIM115
        with handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(describe(exc, rel)) from exc
    return temp


def commit(output: Path, moves: Iterable[tuple[Path, str]], removals: Iterable[str]) -> None:
    """Rename each temporary file over its target in `output`, then remove the files of pages that no longer
    exist (only files the last build wrote: the caller names them from its records)."""
    try:
        for temp, rel in moves:
            target = safe_join(output, rel)
            try:
                os.replace(temp, target)
            except FileNotFoundError:  # a new page's folder (the temporary file itself is there)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temp, target)
    except OSError as exc:
        raise OutputError(describe(exc, str(output))) from exc
    for rel in removals:
        target = safe_join(output, rel)
        with contextlib.suppress(OSError):
            target.unlink()
        _prune(target.parent, output)


def clear(output: Path) -> None:
    """Remove the patch folder: before a rebuild (a killed build's leftovers) and after it."""
    shutil.rmtree(patch_folder(output), ignore_errors=True)


def _prune(folder: Path, root: Path) -> None:
    """Remove folders left empty by removed pages, up to the output folder itself."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
