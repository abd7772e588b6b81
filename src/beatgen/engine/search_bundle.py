"""One search shard: Pagefind's bundle of a group of story pages, made reproducible and small to fetch.

`index_shard` is a pure function of the pages it is given: Pagefind indexes a folder that holds those
pages alone (hard links, so nothing is copied), then the bundle's filters are sorted (`search_order`),
its word chunks regrouped (`search_chunks`), and only what a browser loads is kept: Pagefind's search
runtime and the index, not its unused UI scripts and styles.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from beatgen.engine.search_chunks import CHUNK_SIZE, OPEN_START, rechunk
from beatgen.engine.search_order import normalize_index

BACKGROUND_NICENESS = 10
RUNTIME = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
INDEX_FOLDERS = ("index", "filter", "fragment")
_POLL_SECONDS = 0.05


class SearchIndexError(Exception):
    """Pagefind failed: the build publishes nothing rather than pages without a working search."""


class SearchIndexCancelled(SearchIndexError):
    """The caller asked Pagefind to stop; it was killed and the previous index left as it was."""


def bundle_token() -> str:
    """What shapes a shard's files besides its pages: the Pagefind release and the chunks' size and ranges."""
    return f"pagefind-{metadata.version('pagefind-bin')}:chunks-{CHUNK_SIZE}:open-start-{OPEN_START}"


def pagefind_executable() -> str:
    import pagefind_bin  # type: ignore[import-untyped]  # the package ships no type information

    try:
        return str(pagefind_bin.get_executable())
    except FileNotFoundError as exc:
        raise SearchIndexError("the Pagefind binary is missing: reinstall beatgen (pip install beatgen) "
                               "so that its pagefind[bin] dependency is installed") from exc


def index_shard(pages: Sequence[tuple[str, Path]], into: Path, stop: threading.Event | None = None,
                background: bool = False) -> None:
    """Write the bundle of `pages` (each an output-relative name and the file holding its bytes) into the
    new folder `into`. Setting `stop` kills Pagefind and raises `SearchIndexCancelled`; `background` runs
    it at a low CPU priority (`nice`), so that it does not slow the rebuilds beside it."""
    into.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".beatgen-shard-", dir=into.parent) as work:
        bundle = pagefind_bundle(pages, Path(work), stop, background)
        normalize_index(bundle)
        rechunk(bundle)
        _keep_served(bundle)
        os.chmod(bundle, 0o755)
        os.rename(bundle, into)


def pagefind_bundle(pages: Sequence[tuple[str, Path]], work: Path, stop: threading.Event | None = None,
                    background: bool = False) -> Path:
    """Pagefind's own bundle of `pages`, in the empty folder `work`: the pages are hard-linked into a site
    of their own, which Pagefind indexes as it is."""
    site, bundle = work / "site", work / "bundle"
    for rel, source in pages:
        _link(source, site / rel)
    _pagefind(site, bundle, stop, background)
    return bundle


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _pagefind(site: Path, bundle: Path, stop: threading.Event | None, background: bool) -> None:
    command = [pagefind_executable(), "--site", str(site), "--output-path", str(bundle), "--silent"]
    if background and shutil.which("nice"):
        command = ["nice", "-n", str(BACKGROUND_NICENESS), *command]
    returncode, output = _run(command, stop)
    if returncode != 0:
        detail = output.strip().splitlines()
        raise SearchIndexError(f"Pagefind could not index the site: {detail[-1] if detail else returncode}")


def _keep_served(bundle: Path) -> None:
    """Remove what the search page never loads: Pagefind's ready-made UI scripts, styles and playground."""
    for path in bundle.iterdir():
        served = (path.name in RUNTIME or path.name in INDEX_FOLDERS or path.suffix == ".pf_meta"
                  or (path.name.startswith("wasm.") and path.suffix == ".pagefind"))
        if served:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


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
