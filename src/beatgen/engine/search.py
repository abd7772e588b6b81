"""The search index beside the pages: one Pagefind bundle per shard and the lexicon (`search_lexicon`), each
in a folder under `pagefind/`, and `pagefind/shards.json`, which lists them for the search page.

A build indexes only the folders whose name (the digest of what goes into them, `search_plan`) the
output does not hold as the last build recorded it; the others are left untouched, or hard-linked into
a staging folder. New folders and the list go live in the same step as the pages: inside the staging
folder, or in the patch that replaces changed pages. `serve` refreshes its preview's index the same
way, in the background, with `refresh_index`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from beatgen.engine.output import same_bytes
from beatgen.engine.parallel import fork_map
from beatgen.engine.patch import patch_folder, write_temp
from beatgen.engine.search_bundle import index_shard
from beatgen.engine.search_lexicon import Forecast, LexiconMaker
from beatgen.engine.search_plan import SearchPlan, manifest
from beatgen.engine.search_reads import indexed_digest

INDEX_DIR = "pagefind"
MANIFEST = f"{INDEX_DIR}/shards.json"

FileStat = tuple[str, int, int]
"""An index file as a build left it: its output-relative name, size and modification time."""
IndexRecord = dict[str, tuple[FileStat, ...]]
"""The files of each folder of the index in the output, by folder name."""
Part = tuple[str, Callable[[Path], None]]
"""A folder of the index: its name, and how to make it in a new folder."""


class Keyed(Protocol):
    """A page's record, as far as the search index reads it."""

    @property
    def key(self) -> str: ...


SHARD_WORKERS = 2
"""Shards indexed side by side: while one Pagefind runs, the bundle of another is regrouped in Python."""


@dataclass(frozen=True)
class IndexPatch:
    """What a rebuild in place changes in the index: files to move in (the list last), files to remove,
    and the record of the index once they are."""

    record: IndexRecord
    moves: list[tuple[Path, str]] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)


def index_intact(root: Path, known: IndexRecord) -> bool:
    """The output holds the list and every file of the index as the last build left them."""
    return (root / MANIFEST).is_file() and all(_intact(root, files) for files in known.values())


def read_manifest(root: Path) -> tuple[list[str], str]:
    """The shards and the lexicon the output's list names (none when there is no readable list)."""
    try:
        listing = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        return list(listing["shards"]), str(listing["lexicon"])
    except (OSError, ValueError, KeyError, TypeError):
        return [], ""


def listed_shards(root: Path) -> list[str]:
    return read_manifest(root)[0]


def page_digests(pages: Iterable[str], fresh: Mapping[str, str], previous: Mapping[str, Keyed],
                 source: Callable[[str], Path], known: Mapping[str, tuple[str, str]], jobs: int = 1
                 ) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Each story page's key (from `fresh`, the pages this build rendered again, else from its `previous`
    record) and the digest of what Pagefind reads from it (`search_reads`), read again only where the key
    changed since `known` (equal keys, equal bytes), by `jobs` workers; and the pages read again. Keys alone
    cannot name a shard: they also change with what the cache held, and with parts of a page Pagefind does
    not read."""
    found = {}
    changed: dict[str, str] = {}
    for page in pages:  # every story page, every build: 100,000 at 100k, so no call per page
        cached = known.get(page)
        key = fresh[page] if page in fresh else previous[page].key
        if cached is not None and cached[0] == key:
            found[page] = cached
        else:
            changed[page] = key
    digests = fork_map(lambda path: indexed_digest(path.read_bytes()), [source(page) for page in changed], jobs)
    found.update((page, (key, made)) for (page, key), made in zip(changed.items(), digests, strict=True))
    return found, set(changed)


def _parts(plan: SearchPlan, page_at: Callable[[str], Path], folder_of: Callable[[str], Path],
           previous_lexicon: Path | None, stop: threading.Event | None = None, background: bool = False,
           forecast: Forecast | None = None) -> list[Part]:
    """The shards, then the lexicon, which reads the shards' words where `folder_of` finds them (or, for
    the shards it already held, from the previous lexicon; or from a `forecast`)."""
    def shard_maker(pages: tuple[str, ...]) -> Callable[[Path], None]:
        return lambda into: index_shard([(page, page_at(page)) for page in pages], into, stop, background)

    parts: list[Part] = [(shard.name, shard_maker(shard.pages)) for shard in plan.shards]
    lexicon = LexiconMaker(plan, folder_of, previous_lexicon, forecast)
    return [*parts, (plan.lexicon, lexicon)] if plan.lexicon else parts


Job = tuple[str, Callable[[Path], None], Path]
"""A folder to make: its name, its maker, and where."""


def _make_all(jobs: Iterable[Job], lexicon: str, workers: int) -> list[Job]:
    """Make each folder: the shards `workers` at a time, each as soon as `jobs` yields it (so that the checks
    that decide the next ones run while Pagefind indexes); the lexicon beside them when its words can be
    forecast, and again (or only) once the shards are made where the forecast missed. Returns the jobs
    done."""
    done: list[Job] = []
    early: tuple[LexiconMaker, list[tuple[str, str]], Future[None]] | None = None
    with ThreadPoolExecutor(workers) as pool:
        running = []
        for job in jobs:
            done.append(job)
            name, make, into = job
            if name != lexicon:
                running.append(pool.submit(make, into))
            elif isinstance(make, LexiconMaker) and (words := make.forecast_words()) is not None:
                early = (make, words, pool.submit(make.build, words, into))
        for made in running:
            made.result()
        if early is not None:
            early[2].result()
    for name, make, into in done:
        if name == lexicon and (early is None or early[0].words() != early[1]):
            shutil.rmtree(into, ignore_errors=True)
            make(into)
    return done


def _new_first(parts: list[Part], known: Mapping[str, object]) -> list[Part]:
    """The folders the last build did not make first: they are indexed while the others are checked."""
    return sorted(parts, key=lambda part: part[0] in known)


def _stats(root: Path, name: str) -> tuple[FileStat, ...]:
    folder = root / INDEX_DIR / name
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        found.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _intact(root: Path, files: Iterable[FileStat]) -> bool:
    """Every file is there with the size and modification time it was left with."""
    base = f"{root}/"  # a string, not a Path per file: a rebuild checks every file of every shard it keeps
    for rel, size, mtime in files:
        try:
            stat = os.stat(base + rel)
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return False
    return True


def _reusable(name: str, root: Path, known: Mapping[str, tuple[FileStat, ...]]) -> bool:
    return name in known and _intact(root, known[name])


def _previous_lexicon(root: Path, known: IndexRecord) -> Path | None:
    """The lexicon the output holds as recorded, whose words spare reading the shards it names."""
    name = read_manifest(root)[1]
    return root / INDEX_DIR / name if name and _reusable(name, root, known) else None


def stage_index(plan: SearchPlan, staged: Path, previous: Path, known: IndexRecord,
                write: Callable[[str, bytes], None]) -> IndexRecord:
    """Give a staging folder its index: each folder the previous output holds as recorded is hard-linked in
    (no Pagefind run, same files and times), the others are built from the staged pages; then the list,
    through `write` (the staging folder's writer, which keeps an unchanged file's time)."""
    def jobs() -> Iterator[Job]:
        parts = _parts(plan, lambda page: staged / page, lambda shard: staged / INDEX_DIR / shard,
                       _previous_lexicon(previous, known))
        for name, make in _new_first(parts, known):
            if _reusable(name, previous, known):
                _link_tree(previous / INDEX_DIR / name, staged / INDEX_DIR / name)
            else:
                yield name, make, staged / INDEX_DIR / name

    _make_all(jobs(), plan.lexicon, SHARD_WORKERS)
    write(MANIFEST, manifest(plan))
    return {name: _stats(staged, name) for name in (*(shard.name for shard in plan.shards), plan.lexicon) if name}


def _link_tree(source: Path, target: Path) -> None:
    for folder, _dirs, files in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(folder, name), into / name)


def patch_index(plan: SearchPlan, output: Path, sources: Mapping[str, Path], known: IndexRecord) -> IndexPatch:
    """For a rebuild in place: build the folders the output lacks into the patch folder, reading each page
    from `sources` (the pages this build rewrote) or else from the output."""
    patch = patch_folder(output)
    record: IndexRecord = {}
    moves: list[tuple[Path, str]] = []

    def folder_of(name: str) -> Path:
        made = patch / INDEX_DIR / name
        return made if made.is_dir() else output / INDEX_DIR / name

    def page_at(page: str) -> Path:
        return sources.get(page, output / page)

    def dropped() -> list[Path]:
        """The shards the output holds as recorded that the plan no longer names: the pages of the new ones
        were in them."""
        names = {shard.name for shard in plan.shards}
        return [output / INDEX_DIR / name for name in known if name not in names and _reusable(name, output, known)]

    def jobs() -> Iterator[Job]:
        parts = _parts(plan, page_at, folder_of, _previous_lexicon(output, known),
                       forecast=Forecast(dropped, sources, page_at, patch))
        for name, make in _new_first(parts, known):
            if _reusable(name, output, known):
                record[name] = known[name]
            else:
                yield name, make, patch / INDEX_DIR / name

    for name, _make, _into in _make_all(jobs(), plan.lexicon, SHARD_WORKERS):
        record[name] = _stats(patch, name)
        moves += [(patch / rel, rel) for rel, _size, _mtime in record[name]]
    data = manifest(plan)
    if not same_bytes(output / MANIFEST, data):
        moves.append((write_temp(patch, MANIFEST, data), MANIFEST))
    kept = {rel for files in record.values() for rel, _size, _mtime in files}
    gone = sorted({rel for files in known.values() for rel, _size, _mtime in files} - kept)
    return IndexPatch(record, moves, gone)


def refresh_index(plan: SearchPlan, output: Path, stop: threading.Event | None = None) -> int:
    """Bring a live output's index up to `plan`, for `serve`: each missing folder is built beside the output
    and renamed into place whole, then the list is replaced, then the folders it no longer names are
    removed. Returns how many shards were built; a stopped or failed run leaves the last list as it was."""
    shards, lexicon = read_manifest(output)
    listed = [*shards, lexicon] if lexicon else shards
    present = {name for name in listed if (output / INDEX_DIR / name).is_dir()}
    previous = output / INDEX_DIR / lexicon if lexicon in present else None
    jobs = [(name, _beside(make, output), output / INDEX_DIR / name)
            for name, make in _parts(plan, lambda page: output / page, lambda shard: output / INDEX_DIR / shard,
                                     previous, stop, background=True) if name not in present]
    _make_all(jobs, plan.lexicon, 1)
    _replace(output / MANIFEST, manifest(plan))
    for name in set(listed) - {plan.lexicon, *(shard.name for shard in plan.shards)}:
        shutil.rmtree(output / INDEX_DIR / name, ignore_errors=True)
    return sum(name != plan.lexicon for name, _make, _into in jobs)


def _beside(make: Callable[[Path], None], output: Path) -> Callable[[Path], None]:
    """`make`, building beside the live output and then renaming the finished folder into place whole."""
    def made(target: Path) -> None:
        with tempfile.TemporaryDirectory(prefix=f".{output.name}.shard-", dir=output.parent) as work:
            make(Path(work, target.name))
            shutil.rmtree(target, ignore_errors=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(Path(work, target.name), target)

    return made


def _replace(path: Path, data: bytes) -> None:
    if same_bytes(path, data):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def has_index(root: Path) -> bool:
    """The folder holds a search index: the list of its shards (the search page reads nothing else first)."""
    return (root / MANIFEST).is_file()
