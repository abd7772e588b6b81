"""The build cache holds plain data: every entry comes back as it was stored, and an entry that is not
what beatgen wrote (damaged, foreign, crafted to run code) is refused and recomputed, never trusted."""

from __future__ import annotations

import os
import pickle
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cbor2
import pytest
from sitekit import Run, copy_site, tree_bytes

from beatgen.content.model import Story
from beatgen.diagnostics import error
from beatgen.engine.cache import CODEC, FILE_NAME, Cache, _checksum, stored_body
from beatgen.engine.codec import OBJECT, CodecError
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.state import BuildState, Fragment, Parsed
from beatgen.engine.store import EntryGone, Kept, outline

NOW = "2026-12-01T00:00:00Z"


class _Payload:
    """Unpickling this creates a folder: proof that a loader ran code the entry chose."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.makedirs, (str(self.marker),)


def _hostile(marker: Path) -> list[bytes]:
    """Bytes the codec never writes, which a hostile or damaged cache could hold."""
    return [
        pickle.dumps(_Payload(marker)),
        cbor2.dumps(cbor2.CBORTag(OBJECT, ["PosixPath", str(marker)])),
        cbor2.dumps(cbor2.CBORTag(OBJECT, ["Diagnostic", "only one field"])),
        cbor2.dumps(cbor2.CBORTag(35, "^a+$")),
        cbor2.dumps(cbor2.CBORTag(99, [1, 2])),
        CODEC.encode(error("x.md", 1, 1, "code", "bytes after the value")) + b"\x80",
    ]


def _misplaced() -> list[bytes]:
    """Values the codec reads, of another kind than the entry holds."""
    return [CODEC.encode(error("x.md", 1, 1, "code", "a diagnostic where a parsed file belongs")),
            CODEC.encode({"a": ("dict",)}), CODEC.encode(None)]


def _typed(value: object) -> object:
    """A value's repr, entry by entry for a table (read back in another order): repr names every type, so
    a tuple come back as a list, or a named zone as a bare offset, would show. A fragment or parse the
    cache keeps for later (`Kept`) is read back whole."""
    if isinstance(value, dict):
        return {key: repr(CODEC.decode(entry.blob()) if isinstance(entry, Kept) else entry)
                for key, entry in value.items()}
    return repr(value)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildState]:
    """The sample site built once, its state kept in memory (never stored, so never encoded)."""
    site = copy_site("sample", tmp_path_factory.mktemp("store") / "site")
    state = BuildState()
    build(BuildOptions(site_dir=site, output_dir=site / "public", now=NOW, search=False), state=state)
    return site, state


def test_every_entry_of_a_real_build_comes_back_as_it_was_stored(built: tuple[Path, BuildState],
                                                                   tmp_path: Path) -> None:
    _site, state = built
    Cache(tmp_path).save(state)
    cache = Cache(tmp_path)
    loaded = cache.load()
    assert cache.dropped == 0
    assert len(state.parsed) > 70 and len(state.fragments) > 70
    for name in ("files", "parsed", "fragments", "pages", "summary", "related", "search_pages", "pictures"):
        assert _typed(getattr(loaded, name)) == _typed(getattr(state, name)), name


def test_a_load_decodes_what_the_builder_reads_and_leaves_the_texts_in_the_cache(built: tuple[Path, BuildState],
                                                                                  tmp_path: Path) -> None:
    _site, state = built
    Cache(tmp_path).save(state)
    loaded = Cache(tmp_path).load()
    for key, fragment in state.fragments.items():
        kept = loaded.fragments[key]
        assert isinstance(kept, Kept) and isinstance(fragment, Fragment)
        assert (kept.outline, kept.diagnostics, kept.reads) == (outline(fragment.html), fragment.diagnostics,
                                                                fragment.reads)
        assert kept.outline.body == ""
    stories = 0
    for key, parsed in state.parsed.items():
        kept = loaded.parsed[key]
        assert isinstance(kept, Kept) and isinstance(parsed, Parsed)
        if isinstance(parsed.model, Story):
            stories += 1
            assert parsed.model.body and kept.outline.model.body == ""
            assert kept.outline == replace(parsed, model=replace(parsed.model, body=""))
            assert stored_body(kept) == parsed.model.body
    assert stories > 30


@pytest.mark.parametrize("index", range(6))
def test_the_codec_refuses_what_it_did_not_write(index: int, tmp_path: Path) -> None:
    with pytest.raises(CodecError):
        CODEC.decode(_hostile(tmp_path / "ran")[index])
    assert not (tmp_path / "ran").exists()


def test_a_crafted_cache_is_refused_and_rebuilt_without_running_anything(built: tuple[Path, BuildState],
                                                                         tmp_path: Path,
                                                                         beatgen: Callable[..., Run]) -> None:
    site, state = built
    expected = tree_bytes(site / "public")
    folder, marker = tmp_path / "restored-cache", tmp_path / "ran"
    Cache(folder).save(state)
    crafted = _hostile(marker) + _misplaced()
    with sqlite3.connect(folder / FILE_NAME) as db:
        rows = db.execute("SELECT kind, key FROM entries WHERE kind IN ('summary', 'parsed', 'fragment') "
                          "ORDER BY kind = 'summary' DESC, kind, key").fetchall()
        for (kind, key), blob in zip(rows, crafted * len(rows), strict=False):
            db.execute("UPDATE entries SET length = ?, checksum = ?, blob = ? WHERE kind = ? AND key = ?",
                       (len(blob), _checksum(blob), blob, kind, key))

    result = beatgen("build", "--source", site, "--cache-dir", folder, "--now", NOW, "--no-search", "--quiet")
    assert result.code == 0, result.err
    assert not marker.exists()
    assert tree_bytes(site / "public") == expected
    cache = Cache(folder)
    again = cache.load()
    assert cache.dropped == 0
    assert (set(again.parsed), set(again.fragments)) == (set(state.parsed), set(state.fragments))
    assert again.summary is not None


def _spoil_texts(folder: Path, how: str, marker: Path) -> int:
    """Change every whole entry the cache keeps for later, as a hostile or damaged cache could: crafted bytes
    with their checksum, flipped bytes, rows gone. The heads a load decodes are left as they were."""
    with sqlite3.connect(folder / FILE_NAME) as db:
        rows = db.execute("SELECT kind, key, blob FROM texts ORDER BY kind, key").fetchall()
        crafted = _hostile(marker) + _misplaced()
        for index, (kind, key, blob) in enumerate(rows):
            if how == "gone":
                db.execute("DELETE FROM texts WHERE kind = ? AND key = ?", (kind, key))
            elif how == "damaged":
                db.execute("UPDATE texts SET blob = ? WHERE kind = ? AND key = ?", (blob[:-1] + b"!", kind, key))
            else:
                bad = crafted[index % len(crafted)]
                db.execute("UPDATE texts SET length = ?, checksum = ?, blob = ? WHERE kind = ? AND key = ?",
                           (len(bad), _checksum(bad), bad, kind, key))
    return len(rows)


@pytest.mark.parametrize("how", ["crafted", "damaged", "gone"])
def test_a_text_spoiled_after_the_load_starts_the_build_again_without_the_cache(
        how: str, tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    """Fragments and story bodies are read from the cache only when a page needs them: one that is no longer
    what the cache held when it loaded (another build sharing the folder, damage, a crafted restore) is never
    used. The build starts again from the content, and its output and cache are as a clean build's."""
    site, folder, marker = copy_site("sample", tmp_path / "site"), tmp_path / "cache", tmp_path / "ran"
    common = ("--source", site, "--cache-dir", folder, "--now", NOW, "--no-search", "--quiet")
    assert beatgen("build", *common).code == 0
    assert _spoil_texts(folder, how, marker) > 140
    layout = site / "layouts" / "story.html"  # every story page again: every story's fragment is read back
    layout.write_text(layout.read_text(encoding="utf-8").replace("{% endblock %}", "<!-- x -->{% endblock %}", 1),
                      encoding="utf-8")

    result = beatgen("build", *common)
    assert result.code == 0, result.err
    assert not marker.exists()
    clean = beatgen("build", "--source", site, "--output", tmp_path / "clean", "--no-cache", "--now", NOW,
                    "--no-search", "--quiet")
    assert clean.code == 0, clean.err
    assert tree_bytes(site / "public") == tree_bytes(tmp_path / "clean")
    cache = Cache(folder)
    again = cache.load()
    assert cache.dropped == 0
    assert all(CODEC.decode(kept.blob()) for kept in again.fragments.values() if isinstance(kept, Kept))
    assert all(stored_body(kept) for kept in again.parsed.values()
               if isinstance(kept, Kept) and isinstance(kept.outline.model, Story) and kept.outline.model.body == "")


def test_a_cache_removed_after_its_load_is_gone_and_not_made_again(built: tuple[Path, BuildState],
                                                                   tmp_path: Path) -> None:
    _site, state = built
    folder = tmp_path / "a folder#with %20 odd?characters"
    Cache(folder).save(state)
    kept = next(iter(Cache(folder).load().fragments.values()))
    assert isinstance(kept, Kept)
    for leftover in folder.iterdir():
        leftover.unlink()
    with pytest.raises(EntryGone):
        kept.blob()
    assert list(folder.iterdir()) == []


def test_a_closed_cache_leaves_no_write_ahead_log(built: tuple[Path, BuildState], tmp_path: Path) -> None:
    """The command leaves without the interpreter's teardown (`cli.run`), which would have closed the
    connection that reads entries back: the build closes it, and the log goes back into the file."""
    _site, state = built
    Cache(tmp_path).save(state)
    cache = Cache(tmp_path)
    kept = next(iter(cache.load().fragments.values()))
    assert isinstance(kept, Kept) and kept.blob()
    assert (tmp_path / f"{FILE_NAME}-wal").exists()  # the connection reading entries back is open
    cache.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == [FILE_NAME]
    assert kept.blob()  # read back again, on a connection of its own
    cache.close()
