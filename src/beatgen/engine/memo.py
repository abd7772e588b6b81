"""One memo layer for every stage: what must be redone, and what can be recalled from the last build.

A stage is a pure function of what it reads. Its result is kept in the stage's `Memo` under a key, the
digest of the inputs the key can name up front (a file's bytes, the config), together with the reads
the stage made while it ran that the key cannot name: the answers the link targets gave a fragment, the
stat of the file a page was written to. An entry is recalled while every recorded read still gets the
answer it got (in the manner of Bazel's action cache, or of Salsa's queries); otherwise the stage runs
again and its new result replaces it.

The memo also keeps the book a persistent cache needs: the keys this build used (the others are
forgotten, so the memo tracks the site and does not grow with every edit) and those it added or dropped
(the cache writes only those). `serve` keeps the memos in memory between rebuilds; `beatgen build` loads
and saves them through one code path (`engine/cache.py`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

V = TypeVar("V")

Read = tuple[str, Any, Any]
"""One thing a result read that its key does not name: (source, key, answer), for example
("paths", "/stories/2026/03/x/", True) or ("output", "index.html", (size, mtime))."""
Answer = Callable[[str, Any], Any]
"""How the current build answers a read: (source, key) → the answer now."""
ReadsOf = Callable[[str, Any], Iterable[Read] | None]
"""The reads an entry recorded. Where the value carries them anyway (a page record's stat, a fragment's
lookups) they are read off it rather than held twice: at 100,000 stories every entry counts. None: the
entry cannot tell, so it is never recalled."""


def no_reads(_key: str, _value: Any) -> tuple[Read, ...]:
    """A stage whose key names every input it reads (a parse, related coverage)."""
    return ()


def stat_answer(root: str, inode: bool) -> Answer:
    """How a build answers a read of a file's stat under `root`: its size and modification time now (and its
    inode, with `inode`), None when it is gone. Content files' stamps and output files' records read this."""
    def answer(_source: str, rel: str) -> tuple[int, ...] | None:
        try:
            stat = os.stat(f"{root}/{rel}")
        except OSError:
            return None
        return (stat.st_size, stat.st_mtime_ns, stat.st_ino) if inode else (stat.st_size, stat.st_mtime_ns)

    return answer


def _unanswered(_source: str, _key: Any) -> object:
    """A read asked without a way to answer it: a fresh object, equal to no recorded answer, so that an entry
    with reads is never recalled unchecked."""
    return object()


class Memo(dict[str, V]):
    """One stage kind's results by key. A dict, so that what only looks (a page's record, a count) looks
    as at any table; results go in through `keep`, `forget` and `settle`, which keep the book."""

    def __init__(self, name: str, reads: ReadsOf = no_reads) -> None:
        super().__init__()
        self.name = name
        """The stage kind, which names the memo's entries in the cache."""
        self.reads = reads
        self.used: set[str] = set()
        """The keys this build recalled or kept: `forget_unused` drops the rest."""
        self.fresh: set[str] = set()
        """The keys this build kept, new or changed, which the cache must write."""
        self.gone: set[str] = set()
        """The keys this build forgot, which the cache must delete."""

    def begin(self) -> None:
        """A new build: nothing used, kept or forgotten yet."""
        self.used, self.fresh, self.gone = set(), set(), set()

    def holds(self, key: str, value: V, answer: Answer) -> bool:
        """Every read the entry recorded still gets the same answer."""
        reads = self.reads(key, value)
        if reads is None:
            return False
        for source, asked, recorded in reads:  # noqa: SIM110 - a loop, not a generator: every file and page, every build
            if answer(source, asked) != recorded:
                return False
        return True

    def recall(self, key: str, answer: Answer | None = None) -> V | None:
        """The entry under `key` when every read it recorded still holds (`answer` says how the build answers
        a read; none for a memo whose keys name all they read); None when there is none or it no longer holds."""
        value = self.get(key)
        if value is None or not self.holds(key, value, answer or _unanswered):
            return None
        self.used.add(key)
        return value

    def keep(self, key: str, value: V) -> V:
        """A stage's new result under its key, replacing what was there."""
        self[key] = value
        self.used.add(key)
        self.fresh.add(key)
        return value

    def forget(self, key: str) -> None:
        """Drop an entry (a stale one, when a stage knows it replaced it), whether there is one or not."""
        if self.pop(key, None) is not None:
            self.gone.add(key)
        self.used.discard(key)
        self.fresh.discard(key)

    def forget_unused(self) -> None:
        """Drop every entry this build neither recalled nor kept."""
        for key in [key for key in self if key not in self.used]:
            self.forget(key)

    def settle(self, results: Mapping[str, V]) -> None:
        """This build's whole table: an equal entry stays as stored, another is kept, the rest forgotten."""
        self._put(results)
        self.used.update(results)
        for key in [key for key in self if key not in results]:
            self.forget(key)

    def settle_over(self, changed: Mapping[str, V], gone: Iterable[str]) -> None:
        """This build's table is the last one with `changed` put in and `gone` forgotten (`settle` without a
        pass over every entry)."""
        self._put(changed)
        for key in gone:
            self.forget(key)
        self.used.update(self)

    def _put(self, results: Mapping[str, V]) -> None:
        """An equal entry stays as stored, another is kept."""
        for key, value in results.items():
            known = self.get(key)
            if known is not value and known != value:
                self.keep(key, value)
