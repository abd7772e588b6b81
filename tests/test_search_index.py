"""The Pagefind index: built inside the build transaction, stories only, reused when no page changed;
pointing Pagefind at the story pages alone gives the same index."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

from sitekit import Run, tree_bytes

from beatgen.build.search import ALL_PAGES, INDEX_DIR, run_pagefind, story_glob
from beatgen.config import DEFAULT_PERMALINKS, load_config

NOW = "2026-06-01T00:00:00Z"


def fragments(public: Path) -> dict[str, dict]:
    """Pagefind's per-page records (gzip'd JSON behind a signature), by page URL."""
    records = {}
    for path in (public / "pagefind" / "fragment").iterdir():
        record = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        records[record["url"]] = record
    return records


def test_only_story_bodies_and_key_facts_are_indexed(built_mini: Path) -> None:
    entry = json.loads((built_mini / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 3
    records = fragments(built_mini)
    assert set(records) == {"/stories/2026/03/alpha/", "/stories/2026/03/escape/", "/stories/2026/02/beta/"}
    alpha = records["/stories/2026/03/alpha/"]
    assert alpha["meta"]["title"] == "Alpha command orders new IAMD batteries"
    assert alpha["meta"]["date"] == "Mar 14, 2026"
    assert alpha["filters"] == {"topic": ["Air defense", "Procurement"], "sentiment": ["Positive"],
                                "impact": ["High"], "year": ["2026"]}
    assert "statement of intent" in alpha["content"]
    for word in ("Skip to content", "Methodology", "Key Takeaways", "Sources", "How we covered"):
        assert word not in alpha["content"], word


def test_index_is_reused_when_no_page_changed_and_rebuilt_when_one_did(
        mini_site: Path, beatgen: Callable[..., Run]) -> None:
    public = mini_site / "public"
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    entry = public / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_ino
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    assert entry.stat().st_ino == first
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("on schedule at", "with a quokka sighting at"))
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    assert entry.stat().st_ino != first
    assert "quokka" in fragments(public)["/stories/2026/02/beta/"]["content"]


def test_indexing_only_the_story_pages_gives_the_same_index_as_every_page(built_mini: Path) -> None:
    every_page = tree_bytes(built_mini / INDEX_DIR)
    glob = story_glob(load_config(built_mini.parent).permalink("story"))
    assert glob == "stories/*/*/*/index.html"
    run_pagefind(built_mini, glob)
    assert tree_bytes(built_mini / INDEX_DIR) == every_page
    assert len(fragments(built_mini)) == 3


def test_a_custom_story_permalink_gives_its_own_glob(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    config = mini_site / "site.yaml"
    config.write_text(config.read_text() + "permalinks:\n  story: /news/{year}-{month}/{slug}/\n")
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("/stories/2026/02/beta/", "/news/2026-02/beta/"))
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--no-search").code == 0
    public = mini_site / "public"
    run_pagefind(public, story_glob(load_config(mini_site).permalink("story")))
    assert set(fragments(public)) == {"/news/2026-03/alpha/", "/news/2026-03/escape/", "/news/2026-02/beta/"}
    assert story_glob("/{slug}/") == "*/index.html"
    for pattern in ("/news [x]/{slug}/", "/{{raw}}/{slug}/", "/n*/{slug}/"):
        assert story_glob(pattern) == ALL_PAGES, pattern
    assert story_glob(DEFAULT_PERMALINKS["story"]) == "stories/*/*/*/index.html"
