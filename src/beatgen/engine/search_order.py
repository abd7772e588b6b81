"""Pagefind writes its filter indexes in hash-map order, so one site can give different bytes each run.

Sorting the filters (and their values) and renaming the files after their new content makes the
search index byte-identical for identical input, as the rest of the output is. The files are
gzip'd CBOR behind a `pagefind_dcd` signature; names are only cache-busters the entry file points at.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
META_FILTERS = 3
"""The position of the filter list in a Pagefind 1.5 metadata file (version, pages, chunks, filters, ...)."""


def read_cbor(path: Path) -> bytes:
    """The CBOR a Pagefind index file holds (gzip'd, behind its signature)."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind index file")
    return data[len(SIGNATURE):]


def read_pf(path: Path) -> Any:
    return cbor2.loads(read_cbor(path))


def cbor_file_bytes(cbor: bytes) -> bytes:
    return gzip.compress(SIGNATURE + cbor, compresslevel=9, mtime=0)


def content_name(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.blake2b(data, digest_size=8).hexdigest()[:length]}"


def write_pf(folder: Path, language: str, value: Any, pattern: str, length: int) -> str:
    """Write one index file named after its content (`pattern` places the name in the file name); return
    the name the metadata refers to it by."""
    return write_cbor(folder, language, cbor2.dumps(value), pattern, length)


def write_cbor(folder: Path, language: str, cbor: bytes, pattern: str, length: int) -> str:
    """`write_pf` of a value already encoded."""
    data = cbor_file_bytes(cbor)
    name = content_name(language, data, length)
    (folder / pattern.format(name)).write_bytes(data)
    return name


def sort_filter(index: Path, language: str, old: str) -> str:
    """Rewrite one filter file with its values sorted; return its new name."""
    path = index / "filter" / f"{old}.pf_filter"
    name, values = read_pf(path)
    path.unlink()
    return write_pf(index / "filter", language, [name, sorted(values, key=lambda item: item[0])], "{}.pf_filter", 7)


def rewrite_meta(index: Path, change: Callable[[str, list[Any]], None]) -> None:
    """Let `change(language, meta)` edit each language's metadata, then store it under its new name."""
    entry_path = index / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = index / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pf(meta_path)
        change(language, meta)
        meta_path.unlink()
        info["hash"] = write_pf(index, language, meta, "pagefind.{}.pf_meta", 10)
    temporary = entry_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, entry_path)


def normalize_index(index: Path) -> None:
    """Make a Pagefind bundle's filter and metadata files independent of hash-map order."""
    def sort_filters(language: str, meta: list[Any]) -> None:
        meta[META_FILTERS] = sorted(([name, sort_filter(index, language, old)] for name, old in meta[META_FILTERS]),
                                    key=lambda f: f[0])

    rewrite_meta(index, sort_filters)
