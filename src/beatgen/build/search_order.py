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
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"


def read_pf(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} is not a Pagefind index file")
    return cbor2.loads(data[len(SIGNATURE):])


def pf_bytes(value: Any) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def content_name(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.blake2b(data, digest_size=8).hexdigest()[:length]}"


def sort_filter(index: Path, language: str, old: str) -> str:
    """Rewrite one filter file with its values sorted; return its new name."""
    path = index / "filter" / f"{old}.pf_filter"
    name, values = read_pf(path)
    data = pf_bytes([name, sorted(values, key=lambda item: item[0])])
    new = content_name(language, data, 7)
    path.unlink()
    (index / "filter" / f"{new}.pf_filter").write_bytes(data)
    return new


def normalize_index(index: Path) -> None:
    """Make a Pagefind bundle's filter and metadata files independent of hash-map order."""
    entry_path = index / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_path = index / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pf(meta_path)
        filters = meta[3]
        meta[3] = sorted(([name, sort_filter(index, language, old)] for name, old in filters), key=lambda f: f[0])
        data = pf_bytes(meta)
        info["hash"] = content_name(language, data, 10)
        meta_path.unlink()
        (index / f"pagefind.{info['hash']}.pf_meta").write_bytes(data)
    temporary = entry_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, entry_path)
