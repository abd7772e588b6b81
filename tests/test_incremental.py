"""Parallel, cached and incremental builds give the bytes of a clean single-process build."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, copy_site, soup, tree_bytes

from beatgen.diagnostics import BuildError, error
from beatgen.engine.cache import FILE_NAME
from beatgen.engine.parallel import WorkerError, fork_map
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.state import BuildState

NOW = "2026-12-01T00:00:00Z"
STORY = "content/stories/2026/03/hamas-urges-iran.md"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_site("sample", tmp_path / "site")


def clean_build(site: Path, out: Path, beatgen: Callable[..., Run]) -> dict[str, bytes]:
    result = beatgen("build", "--source", site, "--output", out, "--now", NOW, "--jobs", "1", "--no-cache", "--quiet")
    assert result.code == 0, result.err
    return tree_bytes(out)


def options(site: Path, **extra: object) -> BuildOptions:
    return BuildOptions(site_dir=site, output_dir=site / "public", now=NOW, **extra)  # type: ignore[arg-type]


def test_parallel_build_is_byte_identical_to_single_process(sample: Path, beatgen: Callable[..., Run]) -> None:
    single = clean_build(sample, sample / "one", beatgen)
    result = beatgen("build", "--source", sample, "--output", sample / "two", "--now", NOW, "--jobs", "2", "--no-cache")
    assert result.code == 0, result.err
    assert tree_bytes(sample / "two") == single
    assert len(single) > 100


def test_fork_map_keeps_order_and_reports_failures() -> None:
    assert fork_map(lambda n: n * n, list(range(100)), jobs=2, min_items=1) == [n * n for n in range(100)]

    def content_error(n: int) -> int:
        if n == 37:
            raise BuildError([error("x.md", 1, 1, "bad", "bad input")])
        return n

    with pytest.raises(BuildError) as caught:
        fork_map(content_error, list(range(100)), jobs=2, min_items=1)
    assert caught.value.diagnostics[0].file == "x.md"
    with pytest.raises(WorkerError, match="ZeroDivisionError"):
        fork_map(lambda n: 1 // (n - 50), list(range(100)), jobs=2, min_items=1)


def test_edits_rebuild_only_what_changed_and_match_a_clean_build(sample: Path, beatgen: Callable[..., Run]) -> None:
    state = BuildState()
    first = build(options(sample, jobs=2), state=state)
    pictures = len(list((sample / "public" / "static" / "images").iterdir()))
    assert first.pages_rendered == first.pages + len(list((sample / "static").rglob("*.*"))) + pictures
    unchanged = build(options(sample, jobs=2), state=state)
    assert (unchanged.pages_rendered, unchanged.files_written) == (0, 0)

    about = sample / "public" / "about" / "index.html"
    before = about.stat()
    story = sample / STORY
    story.write_text(story.read_text().replace("a rare open split", "an unusually open split"))
    edited = build(options(sample, jobs=2), state=state)
    assert 0 < edited.pages_rendered < first.pages / 3
    assert (about.stat().st_ino, about.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean1", beatgen)

    layout = sample / "layouts" / "glossary.html"
    layout.write_text(layout.read_text().replace("{% endblock %}", "<p>Edited layout.</p>\n{% endblock %}", 1))
    relaid = build(options(sample, jobs=2), state=state)
    assert relaid.pages_rendered < first.pages / 3
    assert "Edited layout." in (sample / "public" / "glossary" / "index.html").read_text()
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean2", beatgen)


def test_added_and_removed_stories_and_terms_match_a_clean_build(sample: Path, beatgen: Callable[..., Run]) -> None:
    state = BuildState()
    build(options(sample), state=state)
    source = sample / STORY
    copy = source.with_name("hamas-urges-iran-again.md")
    copy.write_text(source.read_text().replace("date: 2026-03-14", "date: 2026-03-16"))
    (sample / "content" / "stories" / "2026" / "11" / "pac-3-mse-production-record.md").unlink()
    term = next((sample / "content" / "glossary").glob("*.md"))
    term.write_text(term.read_text() + "\nOne more sentence.\n")
    build(options(sample), state=state)
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean", beatgen)
    assert not (sample / "public" / "stories" / "2026" / "11" / "pac-3-mse-production-record").exists()


def test_a_timeline_reference_added_and_removed_updates_the_named_story(sample: Path,
                                                                        beatgen: Callable[..., Run]) -> None:
    """A back-link is data of the named story's page: it appears and goes with the naming story's edit."""
    state = BuildState()
    build(options(sample), state=state)
    named = sample / "public" / "stories" / "2026" / "11" / "russian-satellite-approaches-imaging-spacecraft"
    assert soup(named / "index.html").select_one("#timeline") is None
    story = sample / STORY
    original = story.read_text()
    story.write_text(original.replace("timeline:\n", "timeline:\n  - date: 2026-11-20\n    event: \"A later event\"\n"
                                      "    story: russian-satellite-approaches-imaging-spacecraft\n", 1))
    build(options(sample), state=state)
    backlinks = soup(named / "index.html").select("#timeline li.backlink a")
    assert [a["href"] for a in backlinks] == ["/stories/2026/03/hamas-urges-iran/"]
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean1", beatgen)
    story.write_text(original)
    build(options(sample), state=state)
    assert soup(named / "index.html").select_one("#timeline") is None
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean2", beatgen)


def test_persistent_cache_skips_unchanged_work_across_runs(sample: Path, beatgen: Callable[..., Run]) -> None:
    cache = sample.parent / "ci-cache"
    assert build(options(sample, cache_dir=cache)).pages_rendered > 0
    assert (cache / FILE_NAME).is_file()
    again = build(options(sample, cache_dir=cache))
    assert (again.pages_rendered, again.files_written) == (0, 0)
    (sample / "public" / "about" / "index.html").write_text("tampered")
    repaired = build(options(sample, cache_dir=cache))
    assert (repaired.pages_rendered, repaired.files_written) == (1, 1)
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean", beatgen)


def test_corrupt_cache_is_detected_and_rebuilt(sample: Path, beatgen: Callable[..., Run]) -> None:
    build(options(sample))
    database = sample / ".beatgen-cache" / FILE_NAME
    with sqlite3.connect(database) as db:
        db.execute("UPDATE entries SET blob = substr(blob, 1, length(blob) - 7) || x'00010203040506'")
        db.execute("DELETE FROM pages")
    build(options(sample))
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean1", beatgen)

    database.write_bytes(os.urandom(4096))
    (sample / "content" / "stories" / "2026" / "11" / "pac-3-mse-production-record.md").unlink()
    result = build(options(sample))
    assert result.stories > 0
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean2", beatgen)


def test_a_text_edit_rechecks_only_the_pages_holding_the_story_and_misses_none(sample: Path) -> None:
    """For every story in turn, a new title and body: the rebuild that trusts the recorded story lists
    leaves nothing that a rebuild checking every page's full context would change."""
    state = BuildState()
    first = build(options(sample, jobs=1), state=state)
    stories = sorted((sample / "content" / "stories").rglob("*.md"))
    for index, story in enumerate(stories):
        text = story.read_text(encoding="utf-8")
        story.write_text(re.sub(r'^title: "(.*)"$', rf'title: "\1 (revised {index})"', text, count=1, flags=re.M)
                         + f"\nA sentence added in revision {index}.\n", encoding="utf-8")
        edited = build(options(sample, jobs=1), state=state)
        assert edited.pages_rendered < first.pages / 3, story
        state.structure = state.inputs = ""
        checked = build(options(sample, jobs=1), state=state)
        assert (checked.pages_rendered, checked.files_written) == (0, 0), story


def test_pieces_rendered_once_follow_an_edit_in_one_process(sample: Path, beatgen: Callable[..., Run]) -> None:
    """A card, header or footer rendered once (`once` in the layouts) is rendered again for the next build's
    site: a rebuild in the same process shows the new title on every listing."""
    state = BuildState()
    build(options(sample, jobs=1), state=state)
    story = sample / STORY
    story.write_text(story.read_text().replace('title: "Hamas Publicly Presses', 'title: "Hamas Openly Presses', 1))
    build(options(sample, jobs=1), state=state)
    for listing in ("topics/middle-east", "archive/2026/03"):
        titles = [a.get_text() for a in soup(sample / "public" / listing / "index.html").select(".card-title a")]
        assert "Hamas Openly Presses Tehran to Halt Strikes on Its Neighbours" in titles, listing
        assert not any(title.startswith("Hamas Publicly") for title in titles), listing
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean", beatgen)


def test_a_piece_rendered_once_that_reads_the_story_lists_keeps_its_pages_following_them(
        sample: Path, beatgen: Callable[..., Run]) -> None:
    """Every page that places such a piece, not only the one that rendered it, is rebuilt when a story changes."""
    base = sample / "layouts" / "base.html"
    piece = '{% call once("newest") %}<p id="newest">{{ site.stories[0].title }}</p>{% endcall %}\n</body>'
    base.write_text(base.read_text().replace("</body>", piece, 1))
    state = BuildState()
    build(options(sample, jobs=1), state=state)
    title = soup(sample / "public" / "about" / "index.html").select_one("#newest").get_text()
    stories = (sample / "content" / "stories").rglob("*.md")
    newest = next(file for file in stories if f'title: "{title}"' in file.read_text())
    newest.write_text(newest.read_text().replace(f'title: "{title}"', 'title: "A retitled newest story"', 1))
    build(options(sample, jobs=1), state=state)
    for page in ("about", "glossary", "methodology", "topics"):
        assert soup(sample / "public" / page / "index.html").select_one("#newest").get_text() == \
            "A retitled newest story", page
    assert tree_bytes(sample / "public") == clean_build(sample, sample / "clean", beatgen)


def test_a_layout_reads_a_story_body_the_build_keeps_out_of_memory(sample: Path,
                                                                    beatgen: Callable[..., Run]) -> None:
    """A build keeps stories' bodies in its store, not in their models: a layout that shows one gets it all
    the same, in a parallel build that fills the cache and in the warm build after it."""
    layout = sample / "layouts" / "story.html"
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("{{ html.body|safe }}",
                                   '{{ html.body|safe }}<pre id="markdown-source">{{ story.body }}</pre>', 1),
                      encoding="utf-8")
    source = (sample / STORY).read_text(encoding="utf-8")
    body = source.split("\n---\n", 1)[1]
    for _ in range(2):
        result = beatgen("build", "--source", sample, "--now", NOW, "--jobs", "2", "--quiet")
        assert result.code == 0, result.err
        page = next((sample / "public" / "stories").rglob("hamas-urges-iran/index.html"))
        shown = soup(page).find("pre", id="markdown-source")
        assert shown is not None
        assert shown.get_text().strip() == body.strip()
        (sample / STORY).write_text(source.replace("\n---\n", "\n---\n\nEdited. ", 1), encoding="utf-8")
        source = (sample / STORY).read_text(encoding="utf-8")
        body = source.split("\n---\n", 1)[1]
