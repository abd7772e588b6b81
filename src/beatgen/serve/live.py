"""The latest build outcome, shared by the builder thread and every open browser tab.

Each finished build (good or broken) gets a new version number; a tab loaded at version N
reloads when a good build with another number arrives, and shows an overlay while the latest
build is broken.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from beatgen.diagnostics import Diagnostic


@dataclass(frozen=True)
class BuildState:
    version: int
    problems: tuple[Diagnostic, ...]

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "problems": [d.as_dict() for d in self.problems]})


class LiveState:
    """A versioned `BuildState` that readers can wait on; `close()` wakes every waiter for shutdown."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._state = BuildState(0, ())
        self._closed = False

    @property
    def current(self) -> BuildState:
        with self._changed:
            return self._state

    @property
    def closed(self) -> bool:
        with self._changed:
            return self._closed

    def publish(self, problems: list[Diagnostic]) -> BuildState:
        with self._changed:
            self._state = BuildState(self._state.version + 1, tuple(sorted(problems)))
            self._changed.notify_all()
            return self._state

    def wait_past(self, version: int, timeout: float) -> BuildState | None:
        """The state once its version differs from `version`; the same state on timeout; None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._state.version != version, timeout)
            return None if self._closed else self._state

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
