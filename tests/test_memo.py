"""The memo layer decides what a rebuild does again: an entry is recalled while every read it recorded gets
the same answer, entries a build did not use are forgotten (in memory and in the cache, which writes only
what the build kept), and a damaged stored entry is recomputed, never trusted."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, copy_site, soup, tree_bytes, write_story

from beatgen.diagnostics import BuildError
from beatgen.engine.cache import FILE_NAME, Cache
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.state import BuildState, Fragment

NOW = "2026-06-01T00:00:00Z"
TARGET = "content/stories/2026/03/target.md"
LINKER = "content/stories/2026/03/linker.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The mini site and two stories more: one links to the other by its file, and nothing else does."""
    root = copy_site("mini", tmp_path / "site")
    write_story(root, "target", "2026-03-10", body="The target's text.")
    write_story(root, "linker", "2026-03-11", body="See [the target](target.md) for more.")
    return root


def _options(site: Path, **extra: object) -> BuildOptions:
    return BuildOptions(site_dir=site, output_dir=site / "public", now=NOW, search=False,  # type: ignore[arg-type]
                        jobs=1, **extra)


def _fragment_of(state: BuildState, rel: str) -> tuple[str, Fragment]:
    """The key and fragment of a file, through its parse key (`Prepared.fragment_keys` by file)."""
    key = state.prepared.fragment_keys[rel]
    fragment = state.fragments[key]
    assert isinstance(fragment, Fragment)
    return key, fragment


def _clean(site: Path, out: Path, beatgen: Callable[..., Run]) -> dict[str, bytes]:
    result = beatgen("build", "--source", site, "--output", out, "--now", NOW, "--no-search", "--no-cache",
                     "--jobs", "1", "--quiet")
    assert result.code == 0, result.err
    return tree_bytes(out)


def test_a_read_that_changes_its_answer_invalidates_the_entry_and_no_other(site: Path) -> None:
    state = BuildState()
    build(_options(site), state=state)
    key, before = _fragment_of(state, LINKER)
    assert ("files", TARGET, "/stories/2026/03/target/") in before.reads
    _, untouched = _fragment_of(state, "content/stories/2026/03/alpha.md")

    target = site / TARGET
    target.write_text(target.read_text(encoding="utf-8").replace("---\n", "---\nslug: renamed\n", 1), encoding="utf-8")
    build(_options(site), state=state)

    again, after = _fragment_of(state, LINKER)
    assert again == key  # the linker's own file did not change: same key, but a read that no longer holds
    assert after is not before
    assert ("files", TARGET, "/stories/2026/03/renamed/") in after.reads
    assert _fragment_of(state, "content/stories/2026/03/alpha.md")[1] is untouched  # recalled, not rendered
    page = soup(site / "public" / "stories" / "2026" / "03" / "linker" / "index.html")
    assert page.find("a", string="the target")["href"] == "/stories/2026/03/renamed/"


def test_a_page_whose_file_lost_its_recorded_stat_is_made_again(site: Path) -> None:
    state = BuildState()
    build(_options(site), state=state)
    rel = "stories/2026/03/target/index.html"
    recorded = state.pages[rel]
    page = site / "public" / rel
    page.write_bytes(page.read_bytes() + b"\n")  # its read, the file's size and time, now answers otherwise
    result = build(_options(site), state=state)
    assert (result.pages_rendered, result.files_written) == (1, 1)
    assert state.pages[rel] != recorded and state.pages[rel].key == recorded.key
    assert not page.read_bytes().endswith(b"\n\n")


def test_unused_entries_are_forgotten_in_memory_and_in_the_cache(site: Path, beatgen: Callable[..., Run]) -> None:
    state = BuildState()
    build(_options(site), state=state)
    parse_key = state.prepared.parse_keys[TARGET]
    fragment_key = state.prepared.fragment_keys[TARGET]
    (site / LINKER).unlink()
    (site / TARGET).unlink()
    build(_options(site), state=state)
    assert TARGET not in state.files and parse_key not in state.parsed and fragment_key not in state.fragments
    assert set(state.parsed) == set(state.prepared.parse_keys.values())
    assert "stories/2026/03/target/index.html" not in state.pages

    cache = site / "cache"
    write_story(site, "target", "2026-03-10", body="The target's text.")
    assert beatgen("build", "--source", site, "--cache-dir", cache, "--now", NOW, "--no-search", "--quiet").code == 0
    (site / TARGET).unlink()
    assert beatgen("build", "--source", site, "--cache-dir", cache, "--now", NOW, "--no-search", "--quiet").code == 0
    with sqlite3.connect(cache / FILE_NAME) as db:
        assert db.execute("SELECT count(*) FROM files WHERE rel = ?", (TARGET,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM pages WHERE rel LIKE 'stories/2026/03/target/%'").fetchone() == (0,)
        kept = set(db.execute("SELECT key FROM entries WHERE kind = 'parsed'").fetchall())
    assert (parse_key,) not in kept and len(kept) == len(state.parsed)


def test_a_save_writes_only_the_entries_the_build_kept(site: Path, beatgen: Callable[..., Run]) -> None:
    """SQLite gives a replaced row a new rowid: after a one-story edit, every other entry keeps its own."""
    cache = site / "cache"
    assert beatgen("build", "--source", site, "--cache-dir", cache, "--now", NOW, "--no-search", "--quiet").code == 0
    with sqlite3.connect(cache / FILE_NAME) as db:
        before = dict(db.execute("SELECT kind || ':' || key, rowid FROM entries WHERE kind IN ('parsed', 'fragment')"))
    target = site / TARGET
    target.write_text(target.read_text(encoding="utf-8") + "\nA sentence more.\n", encoding="utf-8")
    assert beatgen("build", "--source", site, "--cache-dir", cache, "--now", NOW, "--no-search", "--quiet").code == 0
    with sqlite3.connect(cache / FILE_NAME) as db:
        after = dict(db.execute("SELECT kind || ':' || key, rowid FROM entries WHERE kind IN ('parsed', 'fragment')"))
    assert len(after) == len(before) > 10
    assert sorted(k.split(":")[0] for k in after.keys() - before.keys()) == ["fragment", "parsed"]  # the edited file's
    assert all(after[k] == before[k] for k in after.keys() & before.keys())


@pytest.mark.parametrize("kind", ["parsed", "fragment", "related", "templates"])
def test_a_damaged_stored_entry_is_recomputed(kind: str, site: Path, tmp_path: Path,
                                              beatgen: Callable[..., Run]) -> None:
    cache = site / "cache"
    assert beatgen("build", "--source", site, "--cache-dir", cache, "--now", NOW, "--no-search", "--quiet").code == 0
    with sqlite3.connect(cache / FILE_NAME) as db:
        (key,) = db.execute("SELECT key FROM entries WHERE kind = ? ORDER BY key LIMIT 1", (kind,)).fetchone()
        for damaged in (kind, "summary"):  # without its summary the build cannot take the no-change shortcut
            db.execute("UPDATE entries SET blob = substr(blob, 1, length(blob) - 3) || x'ffffff' WHERE kind = ?",
                       (damaged,))

    result = beatgen("build", "--source", site, "--cache-dir", cache, "--now", NOW, "--no-search", "--quiet")
    assert result.code == 0, result.err
    assert tree_bytes(site / "public") == _clean(site, tmp_path / "clean", beatgen)
    stored = Cache(cache)
    memos = {memo.name: memo for memo in stored.load().memos()}
    assert stored.dropped == 0
    assert key in memos[kind]


def test_a_broken_links_hint_is_a_read_and_follows_the_site(site: Path) -> None:
    """"Did you mean" is worked out only when a link is broken, and what it read is recorded: a file that
    is nearer to the broken link, added later, changes the hint of the fragment kept in memory."""
    state = BuildState()
    write_story(site, "linker", "2026-03-11", body="See [the target](targetxy.md) for more.")
    with pytest.raises(BuildError) as first:
        build(_options(site), state=state)
    assert "did you mean 'target.md'?" in str(first.value.diagnostics)
    write_story(site, "targetx", "2026-03-12", body="A nearer file.")
    with pytest.raises(BuildError) as second:
        build(_options(site), state=state)
    assert "did you mean 'targetx.md'?" in str(second.value.diagnostics)
