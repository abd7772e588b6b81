"""The search index: Pagefind bundles of story shards, built inside the build transaction, re-indexed only
where their stories changed, reproducible, and equal in content to one index over every story."""

from __future__ import annotations

import gzip
import json
import random
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from identitykit import clean_build, differences, run_beatgen
from sitekit import Run, copy_site, tree_bytes, write_story
from test_text_edits import PAC3, Preview, in_body

from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.search import INDEX_DIR, listed_shards, read_manifest
from beatgen.engine.search_chunks import ranges, rechunk, regroup
from beatgen.engine.search_lexicon import Forecast, lexicon_words, shard_words
from beatgen.engine.search_order import read_pf
from beatgen.engine.search_plan import SearchPlan, runs
from beatgen.engine.state import BuildState

NOW = "2026-06-01T00:00:00Z"


def fragments(public: Path) -> dict[str, dict]:
    """Pagefind's per-page records (gzip'd JSON behind a signature) of every shard, by page URL."""
    records = {}
    for name in listed_shards(public):
        for path in (public / INDEX_DIR / name / "fragment").iterdir():
            record = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            records[record["url"]] = record
    return records


def shard_urls(public: Path) -> list[list[str]]:
    """The story URLs of each shard, in the list's order."""
    return [sorted(json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
                   for p in (public / INDEX_DIR / name / "fragment").iterdir()) for name in listed_shards(public)]


def sharded(site: Path, size: int) -> Path:
    config = site / "site.yaml"
    config.write_text(config.read_text() + f"search:\n  shard_size: {size}\n")
    return site


def test_only_story_bodies_and_key_facts_are_indexed(built_mini: Path) -> None:
    [name] = listed_shards(built_mini)
    entry = json.loads((built_mini / INDEX_DIR / name / "pagefind-entry.json").read_text())
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
    served = {path.name for path in (built_mini / INDEX_DIR / name).iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "wasm.en.pagefind", "index", "filter", "fragment"} <= served
    assert not [n for n in served if "-ui" in n or "highlight" in n], "Pagefind's unused UI files are not published"


def test_stories_are_cut_into_shards_in_date_order(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    site = sharded(mini_site, 4)
    for day in range(1, 10):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    shards = shard_urls(site / "public")
    assert [len(shard) for shard in shards] == [3, 3, 3, 3]
    assert sorted(url for shard in shards for url in shard) == sorted(fragments(site / "public"))
    assert shards[0] == ["/stories/2026/02/beta/", "/stories/2026/03/alpha/", "/stories/2026/03/escape/"]
    assert shards[-1] == [f"/stories/2026/04/extra-{day}/" for day in (7, 8, 9)]


def test_the_lexicon_holds_the_words_of_each_shard(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    site = sharded(mini_site, 4)
    for day in range(1, 4):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body="About quokkas." if day == 2 else "Other news.")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    public = site / "public"
    shards, lexicon = read_manifest(public)
    words = lexicon_words(public / INDEX_DIR / lexicon)
    assert sorted(words) == sorted(shards) and len(shards) == 2
    assert "quokkas." in words[shards[1]].split() and "quokkas." not in words[shards[0]]
    assert "iamd" in words[shards[0]].split() and "alpha" in words[shards[0]].split()


def test_a_story_edit_re_indexes_its_shard_only(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    site = sharded(mini_site, 4)
    for day in range(1, 8):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    public = site / "public"
    before = {path: (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
              for path in (public / INDEX_DIR).rglob("*") if path.is_file()}
    names = listed_shards(public)
    beta = site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("on schedule at", "with a quokka sighting at"))
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    after = listed_shards(public)
    assert len(after) == len(names) and after[1:] == names[1:] and after[0] != names[0]
    for path, (inode, mtime, data) in before.items():
        if path.parent.name in names[1:] or path.parent.parent.name in names[1:]:
            assert (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes()) == (inode, mtime, data), path
    assert not (public / INDEX_DIR / names[0]).exists()
    assert "quokka" in fragments(public)["/stories/2026/02/beta/"]["content"]


def index_files(public: Path) -> dict[Path, tuple[int, int, bytes]]:
    """Every file of the index but its list, with its inode, modification time and bytes."""
    return {path: (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes())
            for path in (public / INDEX_DIR).rglob("*") if path.is_file() and path.name != "shards.json"}


def edit_layouts(site: Path, *edits: tuple[str, str, str]) -> None:
    for rel, old, new in edits:
        path = site / "layouts" / rel
        assert old in path.read_text(), (rel, old)
        path.write_text(path.read_text().replace(old, new, 1))


def test_a_layout_edit_pagefind_does_not_read_re_indexes_no_shard(mini_site: Path, tmp_path: Path) -> None:
    """Comments, the header and footer, classes and words outside the indexed parts: every story page changes,
    no shard does (same folders, same files, same inodes and times), and the output is a clean build's."""
    site = sharded(mini_site, 4)
    for day in range(1, 6):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    assert run_beatgen("build", "--source", site).returncode == 0
    public = site / "public"
    names, index, page = listed_shards(public), index_files(public), tree_bytes(public / "stories")
    edit_layouts(site, ("base.html", "{% block main %}", "<!-- the story -->{% block main %}"),
                 ("base.html", '<footer class="site-footer">', '<footer class="site-footer wide">'),
                 ("base.html", "Published by", "Brought to you by"),
                 ("story.html", '<article class="story"', '<article class="story story-page"'),
                 ("story.html", "Who's Affected", "Who is affected"),
                 ("story.html", '<h2 id="facts-title"', '<!-- facts --><h2 id="facts-title"'))
    result = run_beatgen("build", "--source", site)
    assert result.returncode == 0, result.stderr
    changed = tree_bytes(public / "stories")
    assert all(changed[rel] != page[rel] for rel in page if rel.endswith("index.html")), "every story page changes"
    assert listed_shards(public) == names and len(names) > 1
    assert index_files(public) == index
    assert not differences(public, clean_build(site, tmp_path / "clean"))


def test_a_layout_edit_to_what_pagefind_reads_re_indexes_every_shard(mini_site: Path, tmp_path: Path) -> None:
    """A filter's value and the indexed words: every shard is built again, as a clean build builds it."""
    site = sharded(mini_site, 4)
    for day in range(1, 6):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    assert run_beatgen("build", "--source", site).returncode == 0
    public = site / "public"
    names = listed_shards(public)
    edit_layouts(site, ("partials/search_facets.html", '"year">{{', '"year">Year {{'),
                 ("story.html", '<h2 id="analysis-title" data-pagefind-ignore>', '<h2 id="analysis-title">'))
    result = run_beatgen("build", "--source", site)
    assert result.returncode == 0, result.stderr
    after = listed_shards(public)
    assert len(after) == len(names) and not set(after) & set(names)
    record = fragments(public)["/stories/2026/02/beta/"]
    assert record["filters"]["year"] == ["Year 2026"] and record["content"].startswith("Analysis.")
    assert not differences(public, clean_build(site, tmp_path / "clean"))


def test_a_damaged_index_is_made_whole_again(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    site = sharded(mini_site, 4)
    for day in range(1, 5):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    public = site / "public"
    whole = tree_bytes(public / INDEX_DIR)
    name = listed_shards(public)[1]
    next((public / INDEX_DIR / name / "fragment").iterdir()).unlink()
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    assert tree_bytes(public / INDEX_DIR) == whole
    shutil.rmtree(public / INDEX_DIR)
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    assert tree_bytes(public / INDEX_DIR) == whole


def test_a_moved_output_keeps_its_shards_without_indexing_them_again(mini_site: Path,
                                                                   beatgen: Callable[..., Run]) -> None:
    site = sharded(mini_site, 4)
    for day in range(1, 5):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    assert beatgen("build", "--source", site, "--now", NOW, "--output", site / "first").code == 0
    inodes = {p.relative_to(site / "first"): p.stat().st_ino for p in (site / "first" / INDEX_DIR).rglob("*.*")}
    (site / "first").rename(site / "moved")
    assert beatgen("build", "--source", site, "--now", NOW, "--output", site / "moved").code == 0
    moved = {p.relative_to(site / "moved"): p.stat().st_ino for p in (site / "moved" / INDEX_DIR).rglob("*.*")}
    assert moved == inodes, "every index file is the same file, hard-linked into the new output"


def test_incremental_shards_are_the_bytes_of_a_clean_build(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    site = sharded(mini_site, 4)
    for day in range(1, 6):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    state = BuildState()
    options = BuildOptions(site, site / "public", now=NOW)
    build(options, state=state)
    write_story(site, "extra-3", "2026-04-03", body="Extra body three, rewritten.")
    (site / "content" / "stories" / "2026" / "04" / "extra-5.md").unlink()
    write_story(site, "newest", "2026-05-01", body="The newest story.")
    build(options, state=state)
    clean = beatgen("build", "--source", site, "--output", site / "clean", "--now", NOW, "--no-cache", "--jobs", "1")
    assert clean.code == 0, clean.err
    index = tree_bytes(site / "public" / INDEX_DIR)
    assert index == tree_bytes(site / "clean" / INDEX_DIR) and len(index) > 20


def test_the_lexicon_is_forecast_from_the_last_shards_and_checked_against_the_new(
        mini_site: Path, beatgen: Callable[..., Run], tmp_path: Path) -> None:
    """After an edit the lexicon is indexed beside the edited shard, with words read from the shard the page
    was in and from Pagefind run on the rewritten page alone; the forecast equals the new shard's words, and
    where it cannot (a page rewritten by a build without the index), the lexicon is made again."""
    site = sharded(mini_site, 8)
    for day in range(1, 10):
        write_story(site, f"extra-{day}", f"2026-04-0{day}", body=f"Extra body {day}.")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    public = site / "public"
    last = tmp_path / "last"
    shutil.copytree(public, last)
    old_shards = listed_shards(public)
    write_story(site, "extra-4", "2026-04-04", body="Extra body four, with a wombat in it.")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    changed = [name for name in listed_shards(public) if name not in old_shards]
    assert len(changed) == 1
    [shard] = [shard for shard in _plan(site).shards if shard.name == changed[0]]
    page = "stories/2026/04/extra-4/index.html"
    assert page in shard.pages and len(shard.pages) >= 4
    forecast = Forecast(lambda: [last / INDEX_DIR / name for name in old_shards], {page: public / page},
                        lambda rel: public / rel, tmp_path / "work")
    words = forecast.words(shard)
    assert words is not None and "wombat" in words.split()
    assert words == shard_words(public / INDEX_DIR / shard.name)
    assert Forecast(lambda: [], {}, lambda rel: public / rel, tmp_path / "work").words(shard) is None

    def same_as_clean() -> None:
        clean = beatgen("build", "--source", site, "--output", site / "clean", "--now", NOW, "--no-cache")
        assert clean.code == 0, clean.err
        assert tree_bytes(public / INDEX_DIR) == tree_bytes(site / "clean" / INDEX_DIR)
        shutil.rmtree(site / "clean")

    same_as_clean()
    write_story(site, "extra-3", "2026-04-03", body="Extra body three, about a numbat.")
    assert beatgen("build", "--source", site, "--now", NOW, "--no-search").code == 0
    write_story(site, "extra-5", "2026-04-05", body="Extra body five, about a bilby.")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    words = lexicon_words(public / INDEX_DIR / read_manifest(public)[1])
    assert any("numbat." in text.split() for text in words.values())
    same_as_clean()


def _plan(site: Path) -> SearchPlan:
    """The search plan of a site as a build makes it."""
    state = BuildState()
    build(BuildOptions(site, site / "planned", now=NOW), state=state)
    assert state.search_plan is not None
    return state.search_plan


def test_a_custom_story_permalink_indexes_its_own_pages(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    config = mini_site / "site.yaml"
    config.write_text(config.read_text() + "permalinks:\n  story: /news/{year}-{month}/{slug}/\n")
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("/stories/2026/02/beta/", "/news/2026-02/beta/"))
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    assert set(fragments(mini_site / "public")) == {"/news/2026-03/alpha/", "/news/2026-03/escape/",
                                                    "/news/2026-02/beta/"}


def test_a_site_without_stories_lists_no_shards(tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    site = copy_site("mini", tmp_path / "site")
    for story in (site / "content" / "stories").rglob("*.md"):
        story.unlink()
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    assert json.loads((site / "public" / INDEX_DIR / "shards.json").read_text()) == {"shards": [], "lexicon": ""}


def test_shard_ends_depend_on_the_stories_at_the_edge_only() -> None:
    pages = [f"stories/{n:05d}/index.html" for n in range(5000)]
    cut = runs(pages, 200)
    assert [page for run in cut for page in run] == pages
    closed = [run for run in cut if len(run) >= 150]
    tail = cut[len(closed):]
    assert all(150 <= len(run) <= 300 for run in closed) and 15 <= len(closed) <= 35
    assert tail and all(len(run) <= 37 for run in tail) and sum(map(len, tail)) < 300, "the open run is cut small"
    assert runs([*pages, "stories/99999/index.html"], 200)[:-1] == cut[:-1], "a newest story touches the last shard"
    changed = []
    for edit in random.Random(5).sample(range(5000), 20):
        fewer = runs(pages[:edit] + pages[edit + 1:], 200)
        changed.append(len(set(cut) - set(fewer)))
    assert max(changed) <= 3 and sum(changed) <= 2 * len(changed), changed


def test_the_small_shards_of_the_open_run_become_one_when_it_closes() -> None:
    """New stories go into the small shards of the open run until a story closes it: then its stories are one
    shard like the others, and the shards before it never change."""
    pages = [f"stories/{n:05d}/index.html" for n in range(2000)]
    cut = runs(pages, 200)
    closed = [run for run in cut if len(run) >= 150]
    added = 2000
    while len(grown := runs(pages, 200)) and len([run for run in grown if len(run) >= 150]) == len(closed):
        pages.append(f"stories/{added:05d}/index.html")
        added += 1
    assert grown[:len(closed)] == closed
    assert grown[len(closed)] == tuple(page for run in cut[len(closed):] for page in run) + tuple(
        pages[len(pages) - (added - 2000):]), "the open run's small shards and the stories since, as one shard"
    assert len(grown) == len(closed) + 1


def test_a_save_of_text_names_again_only_the_shard_of_its_story(tmp_path: Path) -> None:
    """`serve` plans the shards on every save; one that keeps the site's shape digests the saved story's page
    alone and names its shard alone, and the plan is the one a build from nothing makes."""
    preview = Preview(sharded(copy_site("sample", tmp_path / "site"), 5))
    before = preview.state.search_plan
    assert before is not None and len(before.shards) >= 4
    assert preview.edit(PAC3, lambda text: in_body(text, "A sentence the search index reads. ")).patched == 1
    after = preview.state.search_plan
    assert after is not None
    renamed = [new for old, new in zip(before.shards, after.shards, strict=True) if old.name != new.name]
    assert [shard.pages for shard in renamed] == [shard.pages for shard in after.shards
                                                  if "stories/2026/11/pac-3-mse-production-record/index.html"
                                                  in shard.pages]
    assert after.lexicon != before.lexicon
    fresh = BuildState()
    build(replace(preview.options, output_dir=tmp_path / "fresh", jobs=1), state=fresh)
    assert fresh.search_plan == after


def test_rechunking_keeps_every_word_and_gives_ranges_pagefind_can_look_up(built_sample: Path, tmp_path: Path) -> None:
    [name] = listed_shards(built_sample)
    bundle = shutil.copytree(built_sample / INDEX_DIR / name, tmp_path / "bundle")

    def words(folder: Path) -> tuple[dict[str, object], list[list[str]]]:
        meta = read_pf(next(folder.glob("*.pf_meta")))
        found = {}
        for start, end, chunk in meta[2]:
            for word in read_pf(folder / "index" / f"{chunk}.pf_index")[0]:
                assert start[:len(word[0])] <= word[0] and word[0][:len(end)] <= end, (start, word[0], end)
                found[word[0]] = word
        return found, meta[2]

    before, _ = words(bundle)
    rechunk(bundle, 600)
    after, chunks = words(bundle)
    assert after == before and len(chunks) > 20
    assert ranges([[["a2ad"], ["acceler"]], [["accord"]], [["ad"]]]) == [["", "acce"], ["acco", "accord"],
                                                                         ["ad", "ad"]]


def test_a_word_and_the_words_that_begin_with_it_share_a_chunk() -> None:
    def word(text: str, size: int = 5) -> list:
        return [text, [[0, list(range(size - 1)), []]], []]

    words = [word("rea"), word("red"), word("reduc"), word("redund"), word("ref"), word("sea"), word("sead", 30),
             word("seal"), word("seb")]
    runs = [[w[0] for w in run] for run in regroup(words, 10, pages=8)]
    assert runs == [["rea", "red", "reduc", "redund"], ["ref", "sea", "sead", "seal"], ["seb"]]
    assert [[w[0] for w in run] for run in regroup(words, 10, pages=4)] == [
        ["rea", "red"], ["reduc", "redund"], ["ref", "sea"], ["sead"], ["seal", "seb"]], "words on every page"
    short = [[w[0] for w in run] for run in regroup([word("a"), word("ab"), word("ac")], 5, 8)]
    assert short == [["a"], ["ab"], ["ac"]]


@pytest.mark.parametrize("size", [0, 1, "many"])
def test_a_shard_size_must_be_a_whole_number_of_at_least_two(mini_site: Path, beatgen: Callable[..., Run],
                                                            size: object) -> None:
    sharded(mini_site, size)  # type: ignore[arg-type]
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 2
    assert "site.yaml:10:15: error: shard_size must be an integer from 2 to 1000000" in result.err
