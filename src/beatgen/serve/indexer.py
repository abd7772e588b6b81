"""The preview's search index, refreshed in the background so a save reloads the tabs without waiting for it.

Pagefind re-reads every story on each run (tens of seconds at 10,000 stories), while a rebuild after
one save re-renders only the pages it touched. So `serve` rebuilds without the index, reloads the
tabs, and asks this indexer for a refresh: one thread, one Pagefind at a time, and saves that arrive while it
runs fold into a single run after it. It takes no build lock: a rebuild never waits for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from beatgen.build.search import ALL_PAGES, SearchIndexCancelled, SearchIndexError, run_pagefind, story_glob
from beatgen.build.state import PageRecord
from beatgen.config import ConfigError, load_config


@dataclass(frozen=True)
class Indexed:
    """A background refresh of the search index ended: `problem` says why it failed, None when it worked."""

    seconds: float
    problem: str | None = None


def html_changed(before: Mapping[str, PageRecord], after: Mapping[str, PageRecord]) -> bool:
    """True when a build wrote, added or removed an HTML page (its page records differ)."""
    def pages(records: Mapping[str, PageRecord]) -> dict[str, PageRecord]:
        return {rel: record for rel, record in records.items() if rel.endswith(".html")}

    return pages(before) != pages(after)


def pages_glob(site_dir: Path) -> str:
    """The story pages of the site as it is configured now; every page while site.yaml is broken."""
    try:
        return story_glob(load_config(site_dir).permalink("story"))
    except ConfigError:
        return ALL_PAGES


class SearchIndexer:
    """A daemon thread that re-indexes `output` after `refresh()`; `stop()` kills a run in progress."""

    def __init__(self, site_dir: Path, output: Path, report: Callable[[Indexed], None]) -> None:
        self.site_dir, self.output, self.report = site_dir, output, report
        self._wake = threading.Condition()
        self._dirty = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="beatgen-search-index", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def refresh(self) -> None:
        """Ask for a run: at once when idle, else once more after the current one."""
        with self._wake:
            self._dirty = True
            self._wake.notify()

    def stop(self, timeout: float = 10.0) -> None:
        with self._wake:
            self._stop.set()
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _next(self) -> bool:
        """Wait for a refresh; False once stopped."""
        with self._wake:
            self._wake.wait_for(lambda: self._dirty or self._stop.is_set())
            self._dirty = False
            return not self._stop.is_set()

    def _loop(self) -> None:
        while self._next():
            started = time.perf_counter()
            try:
                run_pagefind(self.output, pages_glob(self.site_dir), self._stop, background=True)
            except SearchIndexCancelled:
                return
            except SearchIndexError as exc:
                self.report(Indexed(time.perf_counter() - started, str(exc)))
            except Exception as exc:  # noqa: BLE001 - a failed index leaves the last one; serving goes on
                self.report(Indexed(time.perf_counter() - started, f"{type(exc).__name__}: {exc}"))
            else:
                self.report(Indexed(time.perf_counter() - started))
