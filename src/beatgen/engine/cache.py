"""The persistent build cache (`.beatgen-cache/` in the site folder, or `--cache-dir`/BEATGEN_CACHE_DIR).

One SQLite file holds a `BuildState`. It is a cache, never a source of truth: a file written by another
version of beatgen (or of its Markdown, YAML and template libraries) is discarded whole; every stored
entry carries a checksum and its length, and one that fails the check is dropped and recomputed; a file
SQLite cannot read is deleted and rebuilt. Entries are plain data (CBOR, `engine/codec.py`) that decode
only into the model types listed in `STORED`: a cache restored from elsewhere (a shared CI cache) can
at worst make a build redo work, never run code; an entry of the wrong type is dropped like a damaged one.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sqlite3
import zlib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from beatgen import __version__
from beatgen.content.model import Alias, Correction, Page, Source, Story, StoryImage, Term, TimelineEntry, Unread
from beatgen.content.pictures import Picture
from beatgen.content.publication import Due
from beatgen.diagnostics import Diagnostic, Severity
from beatgen.engine.codec import Codec, CodecError
from beatgen.engine.shortcut import Summary
from beatgen.engine.state import BuildState, FileStamp, Fragment, PageRecord, Parsed
from beatgen.engine.store import Kept
from beatgen.markdown.fragments import DocumentHtml, StoryHtml

FORMAT = "8"
"""The store's schema: part of the code token, so a store of another schema is discarded whole."""
STORED = (Parsed, Fragment, Summary, Due, Diagnostic, Severity, Story, Term, Page, Unread, Source, TimelineEntry,
          Correction, Alias, StoryImage, Picture, StoryHtml, DocumentHtml)
"""Every type an entry may hold: decoding constructs these and plain data, nothing else."""
EXPECTED: dict[str, type] = {"parsed": Parsed, "fragment": Fragment, "summary": Summary, "related": dict,
                             "templates": dict, "search": dict, "search_pages": dict, "pictures": dict}
"""What each kind of entry must decode to; anything else is dropped like a damaged entry."""
CODEC = Codec(STORED)
FILE_NAME = "build.sqlite"
SEP = "\x1f"
ENV_VAR = "BEATGEN_CACHE_DIR"
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "Jinja2", "MarkupSafe", "PyYAML", "Pygments", "anyascii",
             "pagefind-bin", "pillow")
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (rel TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, inode INTEGER, digest TEXT,
                                  front TEXT);
CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, length INTEGER, checksum TEXT, blob BLOB,
                                    PRIMARY KEY (kind, key));
CREATE TABLE IF NOT EXISTS pages (rel TEXT PRIMARY KEY, key TEXT, size INTEGER, mtime_ns INTEGER, whole INTEGER,
                                  refs TEXT, template TEXT, links BLOB, ids BLOB, text INTEGER);
"""


def code_token() -> str:
    """This beatgen's own code and the versions of the libraries that shape its output."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}:{__version__}".encode())
    for name in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{name}={metadata.version(name)}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_folder(site_dir: Path, configured: Path | None, environ: dict[str, str] | None = None) -> Path:
    """`--cache-dir`, else BEATGEN_CACHE_DIR, else `.beatgen-cache/` inside the site folder."""
    environ = dict(os.environ) if environ is None else environ
    if configured is not None:
        return configured
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR])
    return site_dir / ".beatgen-cache"


def _changed_rows(db: sqlite3.Connection, table: str, stored: dict[str, Any] | None,
                  current: dict[str, Any]) -> dict[str, Any]:
    """The rows of `current` to write: all of them into an emptied table when what the table holds is
    not known, else only new and changed ones, after deleting the rows `current` no longer has."""
    if stored is None:
        db.execute(f"DELETE FROM {table}")  # noqa: S608 - the table name is one of ours
        return current
    db.executemany(f"DELETE FROM {table} WHERE rel = ?", ((rel,) for rel in stored.keys() - current.keys()))  # noqa: S608
    return {rel: row for rel, row in current.items() if stored.get(rel) != row}


def _join(refs: tuple[str, ...] | None) -> str | None:
    return None if refs is None else SEP.join(refs)


def _split(refs: str | None) -> tuple[str, ...] | None:
    return None if refs is None else tuple(ref for ref in refs.split(SEP) if ref)


def _checksum(blob: bytes) -> str:
    """CRC-32 and length catch damage (truncation, flipped bytes) at a fraction of a digest's cost."""
    return f"{zlib.crc32(blob):08x}"


def _sealed(value: object) -> tuple[int, str, bytes]:
    """An entry's length, checksum and bytes (a fragment in the build's store is encoded there already)."""
    blob = value.blob() if isinstance(value, Kept) else CODEC.encode(value)
    return len(blob), _checksum(blob), blob


class Cache:
    """Loads and saves a `BuildState`; `dropped` counts entries found damaged and ignored."""

    def __init__(self, folder: Path, token: str | None = None) -> None:
        self.path = folder / FILE_NAME
        self.token = token or code_token()
        self.dropped = 0
        self.discarded = ""
        self.stored_pages: dict[str, PageRecord] | None = None
        self.stored_files: dict[str, FileStamp] | None = None
        """The tables as read, so that saving writes only the rows that changed."""
        self.stored_related: str | None = None
        """The key of the related coverage the store holds, which saving then leaves as it is."""

    def load(self) -> BuildState:
        """The stored state, or an empty one when there is none, or it is stale or damaged."""
        try:
            with self._connect() as db:
                if self._meta(db).get("token") != self.token:
                    self.discarded = "made by another version" if self._meta(db) else ""
                    return BuildState()
                return self._read(db)
        except (sqlite3.DatabaseError, OSError) as exc:
            self.discarded = f"unreadable ({exc})"
            self._remove()
            return BuildState()

    def peek(self) -> tuple[Summary, dict[str, PageRecord], str, dict[str, Any]] | None:
        """Only what the no-change shortcut needs (the last summary, the page and search index records and
        the output folder), without decoding a single model; None when the cache has no usable summary."""
        try:
            with self._connect() as db:
                meta = self._meta(db)
                if meta.get("token") != self.token:
                    return None
                found = dict(self._kinds(db, "summary", "search"))
                summary = found.get("summary")
                if summary is None:
                    return None
                self.stored_pages = self._pages(db)
                search = found.get("search")
                return summary, self.stored_pages, meta.get("output", ""), search or {}
        except (sqlite3.DatabaseError, OSError):
            return None

    def _kinds(self, db: sqlite3.Connection, *kinds: str) -> Iterator[tuple[str, Any]]:
        """The stored entries of these kinds that pass their checks (one each: summary, search...)."""
        marks = ", ".join("?" * len(kinds))
        for kind, length, checksum, blob in db.execute(
                f"SELECT kind, length, checksum, blob FROM entries WHERE kind IN ({marks})", kinds):  # noqa: S608
            yield kind, self._entry(kind, blob, length, checksum)

    def save(self, state: BuildState) -> None:
        """Store the state; a cache that cannot be written is skipped (the build itself succeeded)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                if self._meta(db).get("token") != self.token:
                    db.executescript("DELETE FROM entries; DELETE FROM files; DELETE FROM pages; DELETE FROM meta;")
                    self.stored_pages = self.stored_files = self.stored_related = None
                self._write(db, state)
        except sqlite3.DatabaseError:
            self._remove()
            self.stored_pages = self.stored_files = self.stored_related = None
            with contextlib.suppress(sqlite3.DatabaseError, OSError), self._connect() as db:
                self._write(db, state)
        except OSError:
            return

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self.path.parent.is_dir():
            raise FileNotFoundError(self.path.parent)
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            yield db
        finally:
            db.close()

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.remove(f"{self.path}{suffix}")

    @staticmethod
    def _meta(db: sqlite3.Connection) -> dict[str, str]:
        return dict(db.execute("SELECT name, value FROM meta"))

    def _read(self, db: sqlite3.Connection) -> BuildState:
        meta = self._meta(db)
        state = BuildState(output=meta.get("output", ""), inputs=meta.get("inputs", ""),
                           structure=meta.get("structure", ""))
        state.files = {rel: FileStamp(*row) for rel, *row in db.execute("SELECT * FROM files")}
        state.pages = dict(self.stored_pages) if self.stored_pages is not None else self._pages(db)
        self.stored_files, self.stored_pages = dict(state.files), dict(state.pages)
        damaged = []
        collecting = gc.isenabled()
        gc.disable()  # decoding builds a large graph of long-lived objects, none of them garbage
        try:
            for kind, key, length, checksum, blob in db.execute("SELECT * FROM entries"):
                value = self._entry(kind, blob, length, checksum)
                if value is None:
                    damaged.append((kind, key))
                elif kind == "summary":
                    state.summary = value
                elif kind == "related":
                    state.related, self.stored_related = (key, value), key
                elif kind == "templates":
                    state.template_tokens = (key, value)
                elif kind in ("search", "search_pages"):
                    setattr(state, kind, value)
                elif kind == "pictures":
                    state.pictures = value
                else:
                    (state.parsed if kind == "parsed" else state.fragments)[key] = value
        finally:
            if collecting:
                gc.enable()
        db.executemany("DELETE FROM entries WHERE kind = ? AND key = ?", damaged)
        return state

    @staticmethod
    def _pages(db: sqlite3.Connection) -> dict[str, PageRecord]:
        return {rel: PageRecord(key, size, mtime, bool(whole), _split(refs), template or "", links, ids, bool(text))
                for rel, key, size, mtime, whole, refs, template, links, ids, text in db.execute("SELECT * FROM pages")}

    def _entry(self, kind: str, blob: Any, length: int, checksum: str) -> Any:
        """The stored value if its length and checksum hold and it decodes to what its kind holds;
        damaged, foreign and crafted entries are counted and skipped (and so recomputed)."""
        expected = EXPECTED.get(kind)
        if expected is None or not isinstance(blob, bytes) or len(blob) != length or _checksum(blob) != checksum:
            self.dropped += 1
            return None
        try:
            value = CODEC.decode(blob)
        except CodecError:
            value = None
        if not isinstance(value, expected):
            self.dropped += 1
            return None
        return value

    def _write(self, db: sqlite3.Connection, state: BuildState) -> None:
        db.execute("BEGIN")
        for kind, table in (("parsed", state.parsed), ("fragment", state.fragments)):
            stored = {key for (key,) in db.execute("SELECT key FROM entries WHERE kind = ?", (kind,))}
            db.executemany("DELETE FROM entries WHERE kind = ? AND key = ?", ((kind, k) for k in stored - set(table)))
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",  # encoded one at a time
                           ((kind, key, *_sealed(table[key])) for key in set(table) - stored))
        db.execute("DELETE FROM entries WHERE kind IN ('summary', 'templates', 'search', 'search_pages', 'pictures')")
        related_key = state.related[0] if state.related is not None else None
        if related_key != self.stored_related:  # a few megabytes at 10,000 stories, and rarely changed
            db.execute("DELETE FROM entries WHERE kind = 'related'")
        for kind, keyed in (("related", state.related if related_key != self.stored_related else None),
                            ("templates", state.template_tokens)):
            if keyed is not None:
                db.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", (kind, keyed[0], *_sealed(keyed[1])))
        for kind, value in (("summary", state.summary), ("search", state.search or None),
                            ("search_pages", state.search_pages or None), ("pictures", state.pictures or None)):
            if value is not None:
                db.execute("INSERT INTO entries VALUES (?, 'last', ?, ?, ?)", (kind, *_sealed(value)))
        files = _changed_rows(db, "files", self.stored_files, state.files)
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                       ((rel, s.size, s.mtime_ns, s.inode, s.digest, s.front) for rel, s in files.items()))
        pages = _changed_rows(db, "pages", self.stored_pages, state.pages)
        db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       ((rel, p.key, p.size, p.mtime_ns, int(p.whole_site), _join(p.refs), p.template,
                         p.links, p.ids, int(p.text)) for rel, p in pages.items()))
        meta = {"token": self.token, "output": state.output, "inputs": state.inputs, "structure": state.structure}
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        db.execute("COMMIT")
        self.stored_files, self.stored_pages = dict(state.files), dict(state.pages)
        self.stored_related = related_key
