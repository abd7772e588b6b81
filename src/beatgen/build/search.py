"""The search index beside the pages: one Pagefind bundle per shard, under `pagefind/<shard>/`, and the list of
shards the search page merges, `pagefind/shards.json`.

A build re-indexes only the shards whose name (the digest of what goes into them, `search_plan`) is not
in the output as the last build recorded it; the others are left untouched, or hard-linked into a
staging folder. New shards and the list go live in the same step as the pages: inside the staging
folder, or in the patch that replaces changed pages. `serve` refreshes its preview's index the same
way, in the background, with `refresh_index`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from beatgen.build.output import same_bytes
from beatgen.build.patch import patch_folder, write_temp
from beatgen.build.search_bundle import index_shard
from beatgen.build.search_plan import Shard, manifest

INDEX_DIR = "pagefind"
MANIFEST = f"{INDEX_DIR}/shards.json"

FileStat = tuple[str, int, int]
"""An index file as a build left it: its output-relative name, size and modification time."""
IndexRecord = dict[str, tuple[FileStat, ...]]
"""The files of each shard folder in the output, by shard name."""


@dataclass(frozen=True)
class IndexPatch:
    """What a rebuild in place changes in the index: files to move in (the list last), files to remove,
    and the record of the index once they are."""

    record: IndexRecord
    moves: list[tuple[Path, str]] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)


def has_index(root: Path) -> bool:
    return (root / MANIFEST).is_file()


def listed_shards(root: Path) -> list[str]:
    """The shards the output's list names (none when there is no readable list)."""
    try:
        return list(json.loads((root / MANIFEST).read_text(encoding="utf-8"))["shards"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def page_digests(pages: Iterable[str], keys: Mapping[str, str], source: Callable[[str], Path],
                 known: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Each story page's key and the digest of its bytes, read again only where the key changed since `known`
    (equal keys, equal bytes). Keys alone cannot name a shard: they also change with what the cache held."""
    found = {}
    for page in pages:
        cached = known.get(page)
        if cached is not None and cached[0] == keys[page]:
            found[page] = cached
        else:
            found[page] = (keys[page], hashlib.blake2b(source(page).read_bytes(), digest_size=16).hexdigest())
    return found


def _stats(root: Path, name: str) -> tuple[FileStat, ...]:
    folder = root / INDEX_DIR / name
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        found.append((path.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def _intact(root: Path, files: Iterable[FileStat]) -> bool:
    """Every file is there with the size and modification time it was left with."""
    for rel, size, mtime in files:
        try:
            stat = (root / rel).stat()
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return False
    return True


def _reusable(shard: Shard, root: Path, known: Mapping[str, tuple[FileStat, ...]]) -> bool:
    return shard.name in known and _intact(root, known[shard.name])


def stage_index(shards: Sequence[Shard], staged: Path, previous: Path, known: IndexRecord,
                write: Callable[[str, bytes], None]) -> IndexRecord:
    """Give a staging folder its index: each shard the previous output holds as recorded is hard-linked in
    (no Pagefind run, same files and times), the others are built from the staged pages; then the list,
    through `write` (the staging folder's writer, which keeps an unchanged file's time)."""
    record: IndexRecord = {}
    for shard in shards:
        folder = staged / INDEX_DIR / shard.name
        if _reusable(shard, previous, known):
            _link_tree(previous / INDEX_DIR / shard.name, folder)
        else:
            index_shard([(page, staged / page) for page in shard.pages], folder)
        record[shard.name] = _stats(staged, shard.name)
    write(MANIFEST, manifest(shards))
    return record


def _link_tree(source: Path, target: Path) -> None:
    for folder, _dirs, files in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(folder, name), into / name)


def patch_index(shards: Sequence[Shard], output: Path, sources: Mapping[str, Path], known: IndexRecord) -> IndexPatch:
    """For a rebuild in place: build the shards the output lacks into the patch folder, reading each page
    from `sources` (the pages this build rewrote) or else from the output."""
    record: IndexRecord = {}
    moves: list[tuple[Path, str]] = []
    patch = patch_folder(output)
    for shard in shards:
        if _reusable(shard, output, known):
            record[shard.name] = known[shard.name]
            continue
        index_shard([(page, sources.get(page, output / page)) for page in shard.pages], patch / INDEX_DIR / shard.name)
        record[shard.name] = _stats(patch, shard.name)
        moves += [(patch / rel, rel) for rel, _size, _mtime in record[shard.name]]
    data = manifest(shards)
    if not same_bytes(output / MANIFEST, data):
        moves.append((write_temp(output, MANIFEST, data), MANIFEST))
    kept = {rel for files in record.values() for rel, _size, _mtime in files}
    gone = sorted({rel for files in known.values() for rel, _size, _mtime in files} - kept)
    return IndexPatch(record, moves, gone)


def refresh_index(shards: Sequence[Shard], output: Path, stop: threading.Event | None = None) -> int:
    """Bring a live output's index up to `shards`, for `serve`: each missing shard is built beside the output
    and renamed into place whole, then the list is replaced, then the shards it no longer names are
    removed. Returns how many shards were built; a stopped or failed run leaves the last list as it was."""
    listed = listed_shards(output)
    present = {name for name in listed if (output / INDEX_DIR / name).is_dir()}
    built = 0
    for shard in shards:
        if shard.name not in present:
            _build_beside(shard, output, stop)
            built += 1
    _replace(output / MANIFEST, manifest(shards))
    for name in set(listed) - {shard.name for shard in shards}:
        shutil.rmtree(output / INDEX_DIR / name, ignore_errors=True)
    return built


def _build_beside(shard: Shard, output: Path, stop: threading.Event | None) -> None:
    target = output / INDEX_DIR / shard.name
    with tempfile.TemporaryDirectory(prefix=f".{output.name}.shard-", dir=output.parent) as work:
        fresh = Path(work, shard.name)
        index_shard([(page, output / page) for page in shard.pages], fresh, stop, background=True)
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(fresh, target)


def _replace(path: Path, data: bytes) -> None:
    if same_bytes(path, data):
        return
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
