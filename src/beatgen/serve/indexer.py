"""The preview's search index, refreshed in the background so a save reloads the tabs without waiting for it.

A rebuild after one save re-renders only the pages it touched, and the shards those pages belong to
take Pagefind a second or two each. So `serve` rebuilds without the index, reloads the tabs, and hands
this indexer the build's shard plan: one thread re-indexes the shards the preview's index lacks, one
at a time, and plans that arrive while it runs fold into a single run after it (the latest plan wins).
It takes no build lock: a rebuild never waits for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from beatgen.engine.search import refresh_index
from beatgen.engine.search_bundle import SearchIndexCancelled, SearchIndexError
from beatgen.engine.search_plan import SearchPlan

SETTLE = 0.5
"""Seconds a run waits after a plan arrives: the tabs reload right after the rebuild that sent it, and
Pagefind would take the machine's cores from them (plans sent meanwhile fold into the run)."""


@dataclass(frozen=True)
class Indexed:
    """A background refresh of the search index ended: `problem` says why it failed, None when it worked."""

    seconds: float
    problem: str | None = None
    built: int = 0
    shards: int = 0


class SearchIndexer:
    """A daemon thread that brings `output`'s index up to the plan given to `refresh()`; `stop()` kills a run
    in progress."""

    def __init__(self, output: Path, report: Callable[[Indexed], None]) -> None:
        self.output, self.report = output, report
        self._wake = threading.Condition()
        self._plan: SearchPlan | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="beatgen-search-index", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def refresh(self, plan: SearchPlan) -> None:
        """Ask for a run over `plan`: at once when idle, else once more after the current one."""
        with self._wake:
            self._plan = plan
            self._wake.notify()

    def stop(self, timeout: float = 10.0) -> None:
        with self._wake:
            self._stop.set()
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _next(self) -> SearchPlan | None:
        """Wait for a plan; None once stopped."""
        with self._wake:
            self._wake.wait_for(lambda: self._plan is not None or self._stop.is_set())
            plan, self._plan = self._plan, None
            return None if self._stop.is_set() else plan

    def _loop(self) -> None:
        while (plan := self._next()) is not None:
            if self._stop.wait(SETTLE):
                return
            with self._wake:
                plan, self._plan = self._plan or plan, None
            started = time.perf_counter()
            try:
                built = refresh_index(plan, self.output, self._stop)
            except SearchIndexCancelled:
                return
            except SearchIndexError as exc:
                self.report(Indexed(time.perf_counter() - started, str(exc)))
            except Exception as exc:  # noqa: BLE001 - a failed index leaves the last one; serving goes on
                self.report(Indexed(time.perf_counter() - started, f"{type(exc).__name__}: {exc}"))
            else:
                self.report(Indexed(time.perf_counter() - started, built=built, shards=len(plan.shards)))
