"""`beatgen check`, run on the site as it would be after some edits, without touching the site.

The trial site is a temporary folder: its content/ holds hard links to the site's content files (a copy
where links are not possible) with the edited files written in their place, and every other part of the
site (site.yaml, data/, layouts/, static/) is a symbolic link to the real one. The check then sees exactly
what it would see after the edits, and the site's own files are never opened for writing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from beatgen.diagnostics import Diagnostic
from beatgen.engine.pipeline import check
from beatgen.engine.prepared import BuildOptions


def errors(site_dir: Path, now: str | None) -> list[Diagnostic]:
    """The errors `beatgen check` reports for the site as it is."""
    return [d for d in check(BuildOptions(site_dir, site_dir / "public", now=now)) if d.severity == "error"]


def errors_after(site_dir: Path, changes: dict[str, str | None], now: str | None) -> list[Diagnostic]:
    """The errors `beatgen check` would report once each file of `changes` (a path in the site) holds its
    new text, or is gone (None)."""
    with tempfile.TemporaryDirectory(prefix="beatgen-trial-") as folder:
        trial = Path(folder)
        for entry in sorted(site_dir.iterdir()):
            if entry.name != "content" and not entry.name.startswith("."):
                os.symlink(entry.resolve(), trial / entry.name)
        if (site_dir / "content").is_dir():
            shutil.copytree(site_dir / "content", trial / "content", symlinks=True, copy_function=_link)
        for rel, text in changes.items():
            target = trial / rel
            target.unlink(missing_ok=True)  # a link to the site's file: the edit must not reach through it
            if text is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        return errors(trial, now)


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
