"""Write a set of checked edits all or nothing.

Every new text goes to a temporary file beside its target first; only when all of them are written do
they take their places, each by one rename (a moved file by a link that refuses to replace anything).
If any step fails, what was done is undone: the files already replaced get their old bytes back, and
the only files ever deleted are the temporary ones and the new ones this commit wrote. A file that
changed on disk since it was read is not touched at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class CommitError(Exception):
    """Nothing was changed (or every change was undone): the message says why."""


@dataclass(frozen=True)
class Change:
    rel: str
    before: bytes
    after: bytes
    to: str = ""
    """The file's new path in the site, when it moves."""

    @property
    def target(self) -> str:
        return self.to or self.rel


def commit(site_dir: Path, changes: list[Change]) -> None:
    for change in changes:
        try:
            same = (site_dir / change.rel).read_bytes() == change.before
        except OSError:
            same = False
        if not same:
            raise CommitError(f"{change.rel} changed while this command ran; nothing was written: run it again")
    made: list[Path] = []
    temps: dict[str, Path] = {}
    try:
        for change in changes:
            temps[change.rel] = _temporary(site_dir / change.target, change.after, made)
        _swap(site_dir, changes, temps)
    except OSError as exc:
        raise CommitError(f"cannot write {exc.filename or 'a file'}: {exc.strerror or exc}; nothing was changed") \
            from exc
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            _remove_if_empty(folder)


def _temporary(target: Path, data: bytes, made: list[Path]) -> Path:
    """`data` in a new file beside `target`, creating the folders it needs (noted in `made`)."""
    missing = [folder for folder in [target.parent, *target.parent.parents] if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir()
        made.append(folder)
    temp = target.with_name(f".{target.name}.beatgen-{os.getpid()}.new")
    with open(temp, "xb") as handle:
        handle.write(data)
    return temp


def _swap(site_dir: Path, changes: list[Change], temps: dict[str, Path]) -> None:
    """Put every temporary file in its place; on a failure, put back what was already replaced."""
    done: list[Change] = []
    try:
        for change in changes:
            if change.to:
                os.link(temps[change.rel], site_dir / change.to)  # refuses to replace an existing file
            else:
                os.replace(temps[change.rel], site_dir / change.rel)
            done.append(change)
    except OSError:
        for change in reversed(done):
            _undo(site_dir, change)
        raise
    for change in changes:
        if change.to:
            os.unlink(site_dir / change.rel)


def _undo(site_dir: Path, change: Change) -> None:
    if change.to:
        os.unlink(site_dir / change.to)
        return
    temp = (site_dir / change.rel).with_name(f".{Path(change.rel).name}.beatgen-{os.getpid()}.old")
    temp.write_bytes(change.before)
    os.replace(temp, site_dir / change.rel)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        return
