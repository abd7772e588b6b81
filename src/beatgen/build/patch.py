"""Updating an output folder in place, for rebuilds that change a few files of a known previous output.

Changed pages are first written as hidden temporary files beside their targets; only when every page
rendered without error are they renamed over the old files (each rename atomic) and the files of
vanished pages removed. A failed build removes its temporary files and leaves the output as it was.
Builds of one output folder are serialised by the same lock file as a staged build.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from beatgen.build.output import OutputError, _describe, _safe_join

TEMP_PREFIX = ".beatgen-new-"


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold the output folder's build lock (shared with `Staging`) for the duration of the block."""
    output = output.resolve()
    try:
        handle = os.open(output.parent / f".{output.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as exc:
        raise OutputError(_describe(exc, str(output))) from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def same_bytes(path: Path, data: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return os.fstat(handle.fileno()).st_size == len(data) and handle.read() == data
    except OSError:
        return False


def write_temp(output: Path, rel: str, data: bytes) -> Path:
    """Write `data` to a hidden file beside `rel`'s target; `commit` moves it into place."""
    target = _safe_join(output, rel)
    temp = target.with_name(f"{TEMP_PREFIX}{os.getpid()}-{target.name}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(_describe(exc, rel)) from exc
    return temp


def commit(output: Path, moves: Iterable[tuple[Path, str]], removals: Iterable[str]) -> None:
    """Rename each temporary file over its target, then remove the files of pages that no longer exist."""
    try:
        for temp, rel in moves:
            os.replace(temp, _safe_join(output, rel))
    except OSError as exc:
        raise OutputError(_describe(exc, str(output))) from exc
    for rel in removals:
        target = _safe_join(output, rel)
        with contextlib.suppress(OSError):
            target.unlink()
        _prune(target.parent, output)


def discard(temps: Iterable[Path]) -> None:
    for temp in temps:
        with contextlib.suppress(OSError):
            temp.unlink()


def _prune(folder: Path, root: Path) -> None:
    """Remove folders left empty by removed pages, up to the output folder itself."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
