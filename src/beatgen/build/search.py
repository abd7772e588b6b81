"""Pagefind's search index, built inside the staging folder so it goes live with the pages it indexes.

Pagefind always indexes the whole site, so a build whose HTML pages are all the previous output's
files (hard-linked because their bytes did not change) reuses the previous index instead. Only story
pages carry `data-pagefind-body`, so Pagefind is pointed at them alone (`story_glob`): the index is
the same, and Pagefind neither reads nor holds the listing pages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from beatgen.build.search_order import normalize_index

INDEX_DIR = "pagefind"
BACKGROUND_NICENESS = 10
ALL_PAGES = "**/*.{html}"
"""Pagefind's own default glob: every HTML page of the site."""
_PLACEHOLDERS = re.compile(r"(?:\{[a-z]+\})+")
_GLOB_SAFE = re.compile(r"[A-Za-z0-9._/-]*")
_POLL_SECONDS = 0.05


class SearchIndexError(Exception):
    """Pagefind failed: the build publishes nothing rather than pages without a working search."""


class SearchIndexCancelled(SearchIndexError):
    """The caller asked Pagefind to stop; it was killed and the previous index left as it was."""


@dataclass(frozen=True)
class SearchIndex:
    reused: bool
    seconds: float


def has_index(root: Path) -> bool:
    return (root / INDEX_DIR / "pagefind-entry.json").is_file()


def html_pages(root: Path) -> set[Path]:
    if not root.is_dir():
        return set()
    return {path.relative_to(root) for path in root.rglob("*.html") if path.relative_to(root).parts[0] != INDEX_DIR}


def html_unchanged(staged: Path, previous: Path) -> bool:
    """True when the previous output has an index and every staged page is its previous file, untouched."""
    if not has_index(previous):
        return False
    pages = html_pages(staged)
    if pages != html_pages(previous):
        return False
    return all(os.path.samefile(staged / page, previous / page) for page in pages)


def reuse_index(staged: Path, previous: Path) -> None:
    """Hard-link the previous index into the staged output (no bytes copied)."""
    source = previous / INDEX_DIR
    for folder, _dirs, files in os.walk(source):
        target = staged / Path(folder).relative_to(previous)
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(folder, name), target / name)


def pagefind_executable() -> str:
    import pagefind_bin

    try:
        return str(pagefind_bin.get_executable())
    except FileNotFoundError as exc:
        raise SearchIndexError("the Pagefind binary is missing: reinstall beatgen (pip install beatgen) "
                               "so that its pagefind[bin] dependency is installed") from exc


def story_glob(pattern: str) -> str:
    """The pages a story permalink pattern makes, as a Pagefind glob (`/stories/{year}/{month}/{slug}/` gives
    `stories/*/*/*/index.html`); every page when the pattern holds characters a glob would read as syntax."""
    literals = _PLACEHOLDERS.split(pattern.strip("/"))
    if not all(_GLOB_SAFE.fullmatch(text) for text in literals):
        return ALL_PAGES
    return _PLACEHOLDERS.sub("*", pattern.strip("/")) + "/index.html"


def run_pagefind(site: Path, glob: str = ALL_PAGES, stop: threading.Event | None = None,
                 background: bool = False) -> None:
    """Index the pages of `site` that `glob` matches into a fresh folder, then swap it in for `site/pagefind`.

    Pagefind never deletes files of an earlier index, so indexing in place would leave stale pages behind.
    Setting `stop` kills Pagefind and raises `SearchIndexCancelled`, so no indexer outlives its caller.
    `background` runs it at a low CPU priority (`nice`), so that it does not slow the rebuilds beside it.
    """
    fresh = Path(tempfile.mkdtemp(prefix=".pagefind-new-", dir=site))
    retired = site / f".{INDEX_DIR}-old"
    try:
        command = [pagefind_executable(), "--site", str(site), "--output-path", str(fresh), "--glob", glob,
                   "--silent"]
        if background and shutil.which("nice"):
            command = ["nice", "-n", str(BACKGROUND_NICENESS), *command]
        returncode, output = _run(command, stop)
        if returncode != 0:
            detail = output.strip().splitlines()
            raise SearchIndexError(f"Pagefind could not index the site: {detail[-1] if detail else returncode}")
        normalize_index(fresh)
        os.chmod(fresh, 0o755)
        index = site / INDEX_DIR
        if index.exists():
            os.rename(index, retired)
        os.rename(fresh, index)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


def _run(command: list[str], stop: threading.Event | None) -> tuple[int, str]:
    """Run Pagefind to its end, or until `stop` is set; its exit code and what it printed (errors first).
    Pagefind never outlives its caller: an interrupted build (Ctrl-C, a stopped `serve`) kills it."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            while True:
                try:
                    out, err = process.communicate(timeout=None if stop is None else _POLL_SECONDS)
                    return process.returncode, err or out
                except subprocess.TimeoutExpired:
                    if stop is not None and stop.is_set():
                        raise SearchIndexCancelled("the search index was not refreshed: stopped") from None
        except BaseException:
            process.kill()
            process.communicate()
            raise


def index_search(staged: Path, previous: Path, glob: str = ALL_PAGES) -> SearchIndex:
    """Give the staged output a search index: the previous one if no page changed, else a fresh one."""
    started = time.perf_counter()
    reused = html_unchanged(staged, previous)
    if reused and not (staged / INDEX_DIR).exists():
        reuse_index(staged, previous)
    elif not reused:
        run_pagefind(staged, glob)
    return SearchIndex(reused, time.perf_counter() - started)
