"""How the CLI shows a build going: a bar on a terminal, plain lines in CI, nothing when quiet.

The library only calls `progress(phase, done, total)`; this module decides what a person sees.
A bar appears only once a build has run for about a second, so quick builds stay one line (and only
then is rich imported: a warm build that takes half a second does not wait for it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

BAR_DELAY_SECONDS = 1.0
LINE_EVERY_SECONDS = 5.0
PHASES = {"content": "Reading and checking content", "images": "Encoding pictures", "pages": "Rendering pages",
          "unchanged": "Comparing inputs with the last build (no file changed)"}


def progress_mode(stream: TextIO, quiet: bool, verbose: bool, environ: Mapping[str, str]) -> str:
    """'off' when quiet; 'lines' in CI, off a terminal, or when verbose; else 'bar'."""
    if quiet:
        return "off"
    in_ci = environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return "lines" if in_ci or verbose or not stream.isatty() else "bar"


class BuildProgress:
    """A `Progress` callback for `build()`; call `close()` when the build ends, however it ends."""

    def __init__(self, stream: TextIO, mode: str) -> None:
        self.stream = stream
        self.mode = mode
        self.started = time.monotonic()
        self.phase_started: dict[str, float] = {}
        self.last_line = self.started
        self.bar: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        self.phase_started.setdefault(phase, now)
        if self.mode == "lines":
            self._line(phase, done, total, now)
        elif self.mode == "bar":
            self._bar(phase, done, total, now)

    def _line(self, phase: str, done: int, total: int, now: float) -> None:
        finished = done == total and total > 0
        if not finished and now - self.last_line < LINE_EVERY_SECONDS:
            return
        self.last_line = now
        seconds = now - self.phase_started[phase]
        state = "done" if finished else f"{done}/{total}"
        print(f"{PHASES.get(phase, phase)}: {state} ({seconds:.2f}s)", file=self.stream, flush=True)

    def _bar(self, phase: str, done: int, total: int, now: float) -> None:
        if self.bar is None:
            if now - self.started < BAR_DELAY_SECONDS:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
            self.bar.start()
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(PHASES.get(phase, phase), total=total)
        self.bar.update(self.tasks[phase], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
