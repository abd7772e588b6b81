"""The persistent build cache (`.beatgen-cache/` in the site folder, or `--cache-dir`/BEATGEN_CACHE_DIR).

One SQLite file holds a `BuildState`: every stage's memo (`engine/memo.py`) goes through one code path,
its entries one row each under the memo's name, and a save writes only the entries the build kept and
deletes those it forgot. The two memos every build reads whole, file stamps and page records, have a
table of columns each instead of encoded rows, which load without decoding. Fragments and parses are
stored twice over: what the builder reads of each (their heads, in `entries`), decoded by the load, and
the whole entry (in `texts`), read back one at a time when a page needs its HTML or a story's Markdown is
rendered again (`CachedEntries`): a one-story edit decodes a few fragments, not every story's.

It is a cache, never a source of truth: a file written by another version of beatgen (or of its Markdown,
YAML and template libraries) is discarded whole; every stored entry carries a checksum and its length, and
one that fails the check is dropped and recomputed; a file SQLite cannot read is deleted and rebuilt.
Entries are plain data (CBOR, `engine/codec.py`) that decode only into the model types listed in `STORED`:
a cache restored from elsewhere (a shared CI cache) can at worst make a build redo work, never run code; an
entry of the wrong type is dropped like a damaged one. A whole entry read back after the load passes the
same checks, and one that fails them (the file changed or was damaged since) starts the build again
without the cache (`store.EntryGone`).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any, TypeGuard

from beatgen import __version__
from beatgen.content.model import Alias, Correction, Page, Source, Story, StoryImage, Term, TimelineEntry, Unread
from beatgen.content.pictures import Picture
from beatgen.content.publication import Due
from beatgen.diagnostics import Diagnostic, Severity
from beatgen.engine.codec import Codec, CodecError
from beatgen.engine.memo import Memo
from beatgen.engine.shortcut import Summary
from beatgen.engine.state import BuildState, FileStamp, Fragment, PageRecord, Parsed, memo_of
from beatgen.engine.store import EntryGone, Html, Kept, outline
from beatgen.markdown.fragments import DocumentHtml, StoryHtml

FORMAT = "10"
"""The store's schema: part of the code token, so a store of another schema is discarded whole."""
STORED = (Parsed, Fragment, Summary, Due, Diagnostic, Severity, Story, Term, Page, Unread, Source, TimelineEntry,
          Correction, Alias, StoryImage, Picture, StoryHtml, DocumentHtml)
"""Every type an entry may hold: decoding constructs these and plain data, nothing else."""
EXPECTED: dict[str, type] = {"parsed": Parsed, "fragment": Fragment, "summary": Summary, "related": dict,
                             "templates": dict, "search": dict, "search_pages": dict, "pictures": tuple}
"""What each kind of entry must decode to (a memo's, by its name, or one of the last build's values); anything
else is dropped like a damaged entry."""
LAST = ("summary", "search", "search_pages")
"""The last build's values that are no memo: stored whole under the key 'last' by every save."""
LAZY = ("parsed", "fragment")
"""The memos whose entries load as their heads (`Kept`), the whole entries left in `texts` until asked for."""
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
CREATE TABLE IF NOT EXISTS texts (kind TEXT, key TEXT, length INTEGER, checksum TEXT, blob BLOB,
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


def _join(refs: tuple[str, ...] | None) -> str | None:
    return None if refs is None else SEP.join(refs)


def _split(refs: str | None) -> tuple[str, ...] | None:
    return None if refs is None else tuple(ref for ref in refs.split(SEP) if ref)


def _page(key: str, size: int, mtime: int, whole: int, refs: str | None, template: str | None, links: bytes | None,
          ids: bytes | None, text: int) -> PageRecord:
    return PageRecord(key, size, mtime, bool(whole), _split(refs), template or "", links, ids, bool(text))


def _page_row(p: PageRecord) -> tuple[Any, ...]:
    return p.key, p.size, p.mtime_ns, int(p.whole_site), _join(p.refs), p.template, p.links, p.ids, int(p.text)


def _stamp_row(s: FileStamp) -> tuple[Any, ...]:
    return s.size, s.mtime_ns, s.inode, s.digest, s.front


@dataclass(frozen=True)
class Columns:
    """How a memo is kept in a table of its own, one column per field: read whole by every build, such a
    table loads without decoding an entry."""

    table: str
    width: int
    """The columns after the key."""
    row: Callable[[Any], tuple[Any, ...]]
    value: Callable[..., Any]

    def load(self, db: sqlite3.Connection, memo: Memo[Any]) -> Memo[Any]:
        memo.update((rel, self.value(*row)) for rel, *row in db.execute(f"SELECT * FROM {self.table}"))  # noqa: S608
        return memo

    def write(self, db: sqlite3.Connection, memo: Memo[Any], keys: Iterable[str], whole: bool) -> None:
        if whole:
            db.execute(f"DELETE FROM {self.table}")  # noqa: S608 - the table name is one of ours
        else:
            db.executemany(f"DELETE FROM {self.table} WHERE rel = ?", ((rel,) for rel in memo.gone))  # noqa: S608
        marks = ", ".join("?" * (self.width + 1))
        db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES ({marks})",  # noqa: S608
                       ((rel, *self.row(memo[rel])) for rel in keys))


COLUMNS = {"files": Columns("files", 5, _stamp_row, FileStamp), "pages": Columns("pages", 9, _page_row, _page)}
"""The memos stored in columns; every other memo's entries are rows of the entries table."""


def _checksum(blob: bytes) -> str:
    """CRC-32 and length catch damage (truncation, flipped bytes) at a fraction of a digest's cost."""
    return f"{zlib.crc32(blob):08x}"


def _sound(blob: object, length: int, checksum: str) -> TypeGuard[bytes]:
    """Stored bytes as they were written: their length and checksum hold."""
    return isinstance(blob, bytes) and len(blob) == length and _checksum(blob) == checksum


def _decoded_as(blob: bytes, expected: type) -> Any:
    """The value the bytes decode to when it is what its entry must hold; None for anything else (damaged,
    foreign or crafted bytes), which the load drops and a read-back refuses alike."""
    try:
        value = CODEC.decode(blob)
    except CodecError:
        return None
    return value if isinstance(value, expected) else None


def _sealed(value: object) -> tuple[int, str, bytes]:
    """An entry's length, checksum and bytes (a fragment in the build's store is encoded there already)."""
    blob = value.blob() if isinstance(value, Kept) else CODEC.encode(value)
    return len(blob), _checksum(blob), blob


def _head(kind: str, value: Any) -> Fragment | Parsed:
    """What a load decodes of a fragment (all but its texts) or of a parse (a story's without its body)."""
    if kind == "fragment":
        if isinstance(value, Kept):
            return Fragment(value.outline, value.diagnostics, value.reads)
        return Fragment(outline(value.html), value.diagnostics, value.reads)
    if isinstance(value, Kept):
        head: Parsed = value.outline
        return head
    parsed: Parsed = value
    return replace(parsed, model=replace(parsed.model, body="")) if isinstance(parsed.model, Story) else parsed


def _held(source: CachedEntries, kind: str, key: str, head: Fragment | Parsed) -> Kept:
    """A loaded head, its whole entry left in the cache."""
    if isinstance(head, Fragment):
        return Kept(source, (kind, key), head.html, head.diagnostics, head.reads)
    return Kept(source, (kind, key), head, head.diagnostics)


def decoded(blob: bytes, kind: type) -> Any:
    """A whole entry read back after the load (or from the build's store), checked as the load checks one."""
    value = _decoded_as(blob, kind)
    if value is None:
        raise EntryGone(f"a stored entry read back is no {kind.__name__}")
    return value


def stored_html(blob: bytes) -> Html:
    """A kept fragment's HTML (`store.StoredHtml`)."""
    html = decoded(blob, Fragment).html
    if not isinstance(html, StoryHtml | DocumentHtml):
        raise EntryGone(f"a stored fragment holds a {type(html).__name__}")
    return html


def stored_body(kept: Kept) -> str:
    """The Markdown body of a story whose parse is kept in the cache (`state.BuildState.body_of`)."""
    model = decoded(kept.blob(), Parsed).model
    if not isinstance(model, Story):
        raise EntryGone(f"a stored parse holds a {type(model).__name__}, not a story")
    return model.body


class CachedEntries:
    """The whole fragments and parses of a loaded cache, read one at a time when the build needs one. Each
    process opens the file for itself: a SQLite connection must not be used across a fork."""

    def __init__(self, path: Path, token: str) -> None:
        self.path, self.token = path, token
        self.db: sqlite3.Connection | None = None
        self.pid = 0
        self.inherited: list[sqlite3.Connection] = []
        """A parent's connections, kept unused and unclosed in its forked workers (closing one could release
        the parent's locks)."""

    def get(self, where: tuple[str, str]) -> bytes:
        """The whole entry of (kind, key), as the cache held it when loaded: same code token, length and
        checksum; `EntryGone` otherwise."""
        try:
            db = self._connection()
            db.execute("BEGIN")  # one snapshot for the token and the row
            try:
                token = db.execute("SELECT value FROM meta WHERE name = 'token'").fetchone()
                row = db.execute("SELECT length, checksum, blob FROM texts WHERE kind = ? AND key = ?",
                                 where).fetchone()
            finally:
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise EntryGone(f"the cache can no longer be read ({exc})") from exc
        if token != (self.token,) or row is None:
            raise EntryGone("a stored entry is gone from the cache")
        length, checksum, blob = row
        if not _sound(blob, length, checksum):
            raise EntryGone("a stored entry is damaged")
        return blob

    def close(self) -> None:
        """Close this process's connection (a later `get` opens another). The last connection to close folds
        SQLite's write-ahead log back into the file: a process that leaves without closing it (`cli.run`)
        would leave the log beside the cache."""
        if self.db is not None and self.pid == os.getpid():
            self.db.close()
            self.db = None

    def _connection(self) -> sqlite3.Connection:
        if self.db is None or self.pid != os.getpid():
            if self.db is not None:
                self.inherited.append(self.db)
            # mode=rw: a cache file removed since the load is not made anew (empty) by reading it back
            where = f"{self.path.resolve().as_uri()}?mode=rw"
            self.db, self.pid = sqlite3.connect(where, uri=True, isolation_level=None), os.getpid()
        return self.db


class Cache:
    """Loads and saves a `BuildState`; `dropped` counts entries found damaged and ignored."""

    def __init__(self, folder: Path, token: str | None = None) -> None:
        self.path = folder / FILE_NAME
        self.token = token or code_token()
        self.dropped = 0
        self.discarded = ""
        self.stored_pages: Memo[PageRecord] | None = None
        """The page records as `peek` read them, which `load` then does not read again."""
        self.loaded = False
        """The store holds what `load` gave, so that a save writes only what the build kept and forgot."""
        self.entries: CachedEntries | None = None
        """Where the loaded state's whole entries are read back from."""

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

    def close(self) -> None:
        """The build is over: no entry is read back any more."""
        if self.entries is not None:
            self.entries.close()

    def peek(self) -> tuple[Summary, Memo[PageRecord], str, dict[str, Any]] | None:
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
                    db.executescript("DELETE FROM entries; DELETE FROM texts; DELETE FROM files; DELETE FROM pages; "
                                     "DELETE FROM meta;")
                    self.loaded = False
                self._write(db, state)
        except sqlite3.DatabaseError:
            self._remove()
            self.loaded = False
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
        COLUMNS["files"].load(db, state.files)
        state.pages.update(self.stored_pages if self.stored_pages is not None else self._pages(db))
        memos = {memo.name: memo for memo in state.memos()}
        source = self.entries = CachedEntries(self.path, self.token)
        damaged = []
        collecting = gc.isenabled()
        gc.disable()  # decoding builds a large graph of long-lived objects, none of them garbage
        try:
            for kind, key, length, checksum, blob in db.execute("SELECT * FROM entries"):
                value = self._entry(kind, blob, length, checksum)
                if value is None:
                    damaged.append((kind, key))
                elif kind in LAZY:
                    memos[kind][key] = _held(source, kind, key, value)
                elif kind in memos:
                    memos[kind][key] = value
                else:
                    setattr(state, kind, value)
        finally:
            if collecting:
                gc.enable()
        db.executemany("DELETE FROM entries WHERE kind = ? AND key = ?", damaged)
        db.executemany("DELETE FROM texts WHERE kind = ? AND key = ?", damaged)
        self.loaded = True
        return state

    @staticmethod
    def _pages(db: sqlite3.Connection) -> Memo[PageRecord]:
        return COLUMNS["pages"].load(db, memo_of("pages"))

    def _entry(self, kind: str, blob: Any, length: int, checksum: str) -> Any:
        """The stored value if its length and checksum hold and it decodes to what its kind holds;
        damaged, foreign and crafted entries are counted and skipped (and so recomputed)."""
        expected = EXPECTED.get(kind)
        value = _decoded_as(blob, expected) if expected is not None and _sound(blob, length, checksum) else None
        if value is None:
            self.dropped += 1
        return value

    def _write(self, db: sqlite3.Connection, state: BuildState) -> None:
        db.execute("BEGIN")
        for memo in state.memos():
            _write_memo(db, memo, whole=not self.loaded)
        db.execute(f"DELETE FROM entries WHERE kind IN ({', '.join('?' * len(LAST))})", LAST)  # noqa: S608
        for kind in LAST:
            value = getattr(state, kind)
            if value:
                db.execute("INSERT INTO entries VALUES (?, 'last', ?, ?, ?)", (kind, *_sealed(value)))
        meta = {"token": self.token, "output": state.output, "inputs": state.inputs, "structure": state.structure}
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        db.execute("COMMIT")
        self.loaded = True


def _write_memo(db: sqlite3.Connection, memo: Memo[Any], whole: bool) -> None:
    """A memo's entries: all of them when what the store holds is not known, else those the build kept (new
    or changed) after deleting those it forgot."""
    keys = list(memo) if whole else [key for key in memo.fresh if key in memo]
    columns = COLUMNS.get(memo.name)
    if columns is not None:
        columns.write(db, memo, keys, whole)
        return
    tables = ("entries", "texts") if memo.name in LAZY else ("entries",)
    for table in tables:
        if whole:
            db.execute(f"DELETE FROM {table} WHERE kind = ?", (memo.name,))  # noqa: S608 - one of ours
        else:
            db.executemany(f"DELETE FROM {table} WHERE kind = ? AND key = ?",  # noqa: S608
                           ((memo.name, key) for key in memo.gone))
    if memo.name not in LAZY:
        db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",  # encoded one at a time
                       ((memo.name, key, *_sealed(memo[key])) for key in keys))
        return
    for key in keys:
        value = memo[key]
        db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                   (memo.name, key, *_sealed(_head(memo.name, value))))
        db.execute("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?)", (memo.name, key, *_sealed(value)))
