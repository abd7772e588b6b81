"""Watching the site's sources: content/, data/, layouts/, static/ and site.yaml, through watchdog.

Editors save in bursts (a temp file, a rename, a touch of the folder); changes are gathered
until the burst is over, so one save gives one rebuild. Editor scratch files are ignored.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from beatgen.content.pictures import SUFFIXES as PICTURES

WATCHED_FOLDERS = ("content", "data", "layouts", "static")
WATCHED_FILES = ("site.yaml",)
EVENT_TYPES = ("created", "modified", "deleted", "moved", "closed")
SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", ".bak")


def is_scratch(name: str) -> bool:
    """Editor backups, swap and lock files: saving them says nothing about the site."""
    return name.startswith((".", "#")) or name.endswith(SCRATCH_SUFFIXES) or name.isdigit()


class Changes:
    """Paths changed since the last rebuild; `take` waits for a burst of saves to settle."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._paths: set[str] = set()
        self._last = 0.0

    def add(self, path: str) -> None:
        with self._ready:
            self._paths.add(path)
            self._last = time.monotonic()
            self._ready.notify_all()

    def take(self, stop: threading.Event, quiet: float = 0.03, longest: float = 2.0) -> set[str]:
        """Block until changes arrive and `quiet` seconds pass without more (at most `longest`); empty on stop.
        An editor's save is a burst of events a few milliseconds apart (write, rename, touch)."""
        with self._ready:
            while not self._paths and not stop.is_set():
                self._ready.wait(0.25)
            first = time.monotonic()
            while not stop.is_set() and time.monotonic() - self._last < quiet and time.monotonic() - first < longest:
                self._ready.wait(quiet)
            taken, self._paths = self._paths, set()
            return set() if stop.is_set() else taken


class _Relay(FileSystemEventHandler):
    def __init__(self, site_dir: Path, changes: Changes) -> None:
        self.site_dir = site_dir.resolve()
        self.changes = changes
        self.observer: BaseObserver | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in EVENT_TYPES:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(raw if isinstance(raw, str) else raw.decode()) if raw else None
            if path is not None and event.is_directory and event.event_type in ("created", "moved"):
                self._adopt(path)
            if path is not None and self._relevant(path, event):
                self.changes.add(path.relative_to(self.site_dir).as_posix())

    def _adopt(self, path: Path) -> None:
        """A watched folder made after the watch began (`beatgen new topic` makes data/): watch it from now on,
        and rebuild, as files may be in it already."""
        if self.observer is None or path.parent != self.site_dir or path.name not in WATCHED_FOLDERS:
            return
        self.observer.schedule(self, str(path), recursive=True)
        self.changes.add(path.name)

    def _relevant(self, path: Path, event: FileSystemEvent) -> bool:
        try:
            rel = path.relative_to(self.site_dir)
        except ValueError:
            return False
        if not rel.parts or any(part.startswith(".") for part in rel.parts):
            return False
        if event.is_directory:  # a new or touched folder changes nothing; a removed or renamed one does
            return event.event_type in ("deleted", "moved") and rel.parts[0] in WATCHED_FOLDERS
        if is_scratch(rel.name):
            return False
        if rel.parts[0] == "content":  # Markdown and the pictures beside it
            return rel.suffix == ".md" or rel.name.lower().endswith(PICTURES)
        return rel.parts[0] in WATCHED_FOLDERS or (len(rel.parts) == 1 and rel.name in WATCHED_FILES)

def watch(site_dir: Path, changes: Changes) -> BaseObserver:
    """A started observer that adds every relevant change under `site_dir` to `changes`."""
    observer = Observer()
    relay = _Relay(site_dir, changes)
    relay.observer = observer
    observer.schedule(relay, str(relay.site_dir), recursive=False)
    for folder in WATCHED_FOLDERS:
        if (relay.site_dir / folder).is_dir():
            observer.schedule(relay, str(relay.site_dir / folder), recursive=True)
    observer.daemon = True
    observer.start()
    return observer
