"""The no-change shortcut: a build whose inputs all carry the stamps the last build saw is done before
it starts, without loading the parsed models, re-reading a file or rendering a page.

The stamp is that of every file under content/, data/, layouts/ and static/ (size, modification time, inode:
the same test the reading stage applies to each file), the site's config file, the build options and
beatgen's own code. The clock enters through `valid_until`: the earliest instant at which a held story
(scheduled or embargoed) would be published or a story would leave the news sitemap, after which the
shortcut no longer applies.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from beatgen.content.model import Story
from beatgen.content.publication import Due
from beatgen.diagnostics import Diagnostic
from beatgen.render.sitemaps import NEWS_WINDOW

STAMPED_FOLDERS = ("content", "data", "layouts", "static")
IGNORED_OPTIONS = frozenset({"jobs", "cache", "cache_dir", "now"})
"""Options that never change what a build writes (the clock is handled by `valid_until`)."""


@dataclass(frozen=True)
class Summary:
    """What a successful build reports, kept so that a no-change build can report the same."""

    stamp: str
    stories: int
    pages: int
    diagnostics: tuple[Diagnostic, ...]
    next_due: Due | None
    valid_until: datetime | None
    valid_from: datetime
    """The clock of that build: a clock set back before it may hold back or move out what it showed."""

    def still_valid(self, stamp: str, now: datetime) -> bool:
        return (stamp == self.stamp and self.valid_from <= now
                and (self.valid_until is None or now < self.valid_until))


def input_stamp(options: Any, code_token: str) -> str:
    """A digest of the stat of every input file and of the options that shape the output."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_token.encode())
    shaping = {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.name not in IGNORED_OPTIONS}
    h.update(repr(sorted((name, str(value.resolve() if isinstance(value, Path) else value))
                         for name, value in shaping.items())).encode())
    site = str(options.site_dir)
    for name in sorted(os.listdir(site)) if os.path.isdir(site) else ():
        if name.endswith((".yaml", ".yml")):
            _stamp_file(h, os.path.join(site, name), name)
    for folder in STAMPED_FOLDERS:
        top = os.path.join(site, folder)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            inner = folder + dirpath[len(top):].replace(os.sep, "/")
            for name in sorted(filenames):
                _stamp_file(h, os.path.join(dirpath, name), f"{inner}/{name}")
    return h.hexdigest()


def _stamp_file(h: Any, path: str, rel: str) -> None:
    try:
        stat = os.stat(path)
    except OSError:
        h.update(f"{rel}\x1fmissing\x1e".encode("utf-8", "surrogatepass"))
        return
    h.update(f"{rel}\x1f{stat.st_size}\x1f{stat.st_mtime_ns}\x1f{stat.st_ino}\x1e".encode("utf-8", "surrogatepass"))


def valid_until(stories: list[Story], now: datetime) -> datetime | None:
    """The earliest instant after `now` at which a scheduled or embargoed story would come out, or a story
    would leave the news sitemap's window."""
    pending = [moment for story in stories for moment in (story.date, story.embargo, story.date + NEWS_WINDOW)
               if moment is not None and moment > now]
    return min(pending, default=None)
