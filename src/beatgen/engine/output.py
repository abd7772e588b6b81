"""Writing the output as a transaction: stage beside it, then swap it in only on success.

Files whose bytes did not change are hard-linked from the previous output instead of being
rewritten, so their modification times stay and rsync/S3 sync uploads stay small.
A lock serialises two builds of one output folder; leftovers of a killed build are cleaned.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType


class OutputError(Exception):
    """The output folder cannot be written: the previous output is left as it was."""


def safe_join(root: Path, rel: str) -> Path:
    """`root / rel` for a path the build writes, refused unless it stays inside `root`."""
    return Path(_inside(str(root), rel))


def _inside(root: str, rel: str) -> str:
    """`root/rel`, refused unless `rel` stays inside `root` (a string join: thousands of files per build)."""
    if rel.startswith(("/", "\\")) or ".." in rel.split("/") or not rel:
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return f"{root}/{rel}"


_HELD: set[tuple[str, int]] = set()
"""The output locks this process holds, by folder and thread: a build that takes its lock early (to level the
spare from its start, `spare.py`) goes on to stage or patch under the lock it holds."""


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold the build lock of an output folder: builds of one folder, staged or in place, never interleave."""
    output = output.resolve()
    held = (str(output), threading.get_ident())
    if held in _HELD:
        yield
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(output.parent / f".{output.name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
    except OSError as exc:
        raise OutputError(describe(exc, f"beside {output}")) from exc
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _HELD.add(held)
        yield
    finally:
        _HELD.discard(held)
        os.close(handle)


class Staging:
    """A context manager: files written inside go live together on `commit()`, or not at all."""

    def __init__(self, output: Path) -> None:
        self.output = output.resolve()
        self.parent = self.output.parent
        self.name = self.output.name
        self.root: Path | None = None
        self.lock = output_lock(self.output)
        self.written = 0
        self.unchanged = 0
        self.folders: set[str] = set()
        """Folders of the staged output known to exist: a page's folder is made once, with one system call."""
        self.previous = False
        """Whether there is an output to compare with (a first build has none: no file of it to open)."""

    def __enter__(self) -> Staging:
        self.lock.__enter__()
        try:
            recover(self.output)
            self.root = Path(tempfile.mkdtemp(prefix=f".{self.name}.staging-", dir=self.parent))
            self.previous = self.output.is_dir()
        except OSError as exc:
            self.lock.__exit__(None, None, None)
            raise OutputError(describe(exc, f"beside {self.output}")) from exc
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.root is not None and self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)
        self.lock.__exit__(kind, exc, tb)

    def write(self, rel: str, data: bytes) -> None:
        self.put(rel, data)

    def put(self, rel: str, data: bytes) -> os.stat_result:
        """Stage a file (hard-linked from the previous output when its bytes are the same); its stat."""
        assert self.root is not None
        target = _inside(str(self.root), rel)
        try:
            self._folder(os.path.dirname(target))
            if self.previous:
                previous = _inside(str(self.output), rel)
                if same_bytes(Path(previous), data):
                    os.link(previous, target)
                    self.unchanged += 1
                    return os.stat(target)
            with open(target, "wb") as handle:
                handle.write(data)
                handle.flush()
                self.written += 1
                return os.fstat(handle.fileno())
        except OSError as exc:
            raise OutputError(describe(exc, rel)) from exc

    def _folder(self, folder: str) -> None:
        if folder not in self.folders:
            try:
                os.mkdir(folder)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)

    def carry(self, rels: list[str]) -> None:
        """Hard-link into the staged output the old output's files that beatgen did not write (and its empty
        folders, named with a trailing `/`): they go on as they were, never copied nor rewritten."""
        assert self.root is not None
        for rel in rels:
            target = safe_join(self.root, rel.rstrip("/"))
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if rel.endswith("/"):
                    target.mkdir(exist_ok=True)
                else:
                    os.link(safe_join(self.output, rel), target, follow_symlinks=False)
            except OSError as exc:
                raise OutputError(describe(exc, rel)) from exc

    def commit(self, previous: Path | None = None) -> None:
        """Swap the staged folder in; the old output is kept at `previous`, or removed when None."""
        assert self.root is not None
        replace_folder(self.root, self.output, previous)


def replace_folder(new: Path, output: Path, previous: Path | None) -> None:
    """Put the folder `new` in the place of `output`: one atomic exchange where the OS has it (the output
    folder is never missing, never half old and half new), else two renames on one file system. The old
    output is then moved to `previous` (kept for the next rebuild, see `spare.py`) or removed."""
    old = output.parent / f".{output.name}.old"
    try:
        os.chmod(new, 0o755)
        if output.is_dir() and _exchange(new, output):
            old = new
        else:
            if output.exists():
                os.rename(output, old)
            os.rename(new, output)
    except OSError as exc:
        if old.exists() and not output.exists():
            os.rename(old, output)
        raise OutputError(describe(exc, str(output))) from exc
    if previous is None or not old.exists():
        shutil.rmtree(old, ignore_errors=True)
    elif old != previous:
        shutil.rmtree(previous, ignore_errors=True)
        os.rename(old, previous)


def recover(output: Path) -> None:
    """Undo what a killed build left beside `output`: restore a moved-away output, drop stale staging folders."""
    old = output.parent / f".{output.name}.old"
    if old.exists() and not output.exists():
        os.rename(old, output)
    for leftover in output.parent.glob(f".{output.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 with RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)


def same_bytes(path: Path, data: bytes) -> bool:
    """Whether `path` already holds exactly `data` (the size is compared before any byte is read)."""
    try:
        with open(path, "rb") as handle:
            return os.fstat(handle.fileno()).st_size == len(data) and handle.read() == data
    except OSError:
        return False


def describe(exc: OSError, what: str) -> str:
    """What a failed write of `what` means for the writer, and what to do (shared by every module that writes
    beside or into the output)."""
    if exc.errno == errno.ENOSPC:
        return f"the disk is full while writing {what}; free space and build again (the previous output is intact)"
    if exc.errno == errno.EROFS:
        return (f"cannot write {what}: the file system is read-only; build into a writable folder (--output) "
                "or make it writable (the previous output is intact)")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"no permission to write {what}; check the output folder's permissions (the previous output is intact)"
    return f"cannot write {what}: {exc.strerror or exc}"
