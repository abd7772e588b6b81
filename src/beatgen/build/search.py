"""Pagefind's search index, built inside the staging folder so it goes live with the pages it indexes.

Pagefind always indexes the whole site, so a build whose HTML pages are all the previous output's
files (hard-linked because their bytes did not change) reuses the previous index instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from beatgen.build.search_order import normalize_index

INDEX_DIR = "pagefind"


class SearchIndexError(Exception):
    """Pagefind failed: the build publishes nothing rather than pages without a working search."""


@dataclass(frozen=True)
class SearchIndex:
    reused: bool
    seconds: float


def html_pages(root: Path) -> set[Path]:
    if not root.is_dir():
        return set()
    return {path.relative_to(root) for path in root.rglob("*.html") if path.relative_to(root).parts[0] != INDEX_DIR}


def html_unchanged(staged: Path, previous: Path) -> bool:
    """True when the previous output has an index and every staged page is its previous file, untouched."""
    if not (previous / INDEX_DIR / "pagefind-entry.json").is_file():
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


def run_pagefind(site: Path) -> None:
    """Index `site` into a fresh folder, then swap it in for `site/pagefind`.

    Pagefind never deletes files of an earlier index, so indexing in place would leave stale pages behind.
    """
    fresh = Path(tempfile.mkdtemp(prefix=".pagefind-new-", dir=site))
    retired = site / f".{INDEX_DIR}-old"
    try:
        command = [pagefind_executable(), "--site", str(site), "--output-path", str(fresh), "--silent"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise SearchIndexError(f"Pagefind could not index the site: {detail[-1] if detail else result.returncode}")
        normalize_index(fresh)
        os.chmod(fresh, 0o755)
        index = site / INDEX_DIR
        if index.exists():
            os.rename(index, retired)
        os.rename(fresh, index)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


def index_search(staged: Path, previous: Path) -> SearchIndex:
    """Give the staged output a search index: the previous one if no page changed, else a fresh one."""
    started = time.perf_counter()
    reused = html_unchanged(staged, previous)
    if reused and not (staged / INDEX_DIR).exists():
        reuse_index(staged, previous)
    elif not reused:
        run_pagefind(staged)
    return SearchIndex(reused, time.perf_counter() - started)
