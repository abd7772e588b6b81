"""`serve`'s saves of text only: the last build's site is patched, and the output is still a clean build's.

A preview server keeps its build state in memory and tells the build which files its watcher saw change.
Each test here builds the sample site that way (in memory, the watcher's paths, the live folder patched as
`serve` patches it), makes saves a writer makes, and compares the whole output after each with a clean
single-process build of the same files, and checks which saves took the short way (`BuildResult.patched`)
and which prepared the site whole.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from identitykit import differences
from sitekit import copy_site

from beatgen.diagnostics import BuildError, Diagnostic
from beatgen.engine.pipeline import BuildResult, build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.publish import Serving
from beatgen.engine.state import BuildState

NOW = "2026-12-01T00:00:00Z"
HAMAS = "content/stories/2026/03/hamas-urges-iran.md"
PAC3 = "content/stories/2026/11/pac-3-mse-production-record.md"


class Preview:
    """A site built the way `serve` builds it: one state in memory, the watcher's paths, the live output."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.options = BuildOptions(site, site / "live", drafts=True, embargoed=True, preview=True, now=NOW,
                                    base_url="http://localhost:8000/", search=False)
        self.state = BuildState()
        self.cleans = 0
        self.save(())

    def save(self, changed: tuple[str, ...], went_live: Callable[[list[Diagnostic]], object] = lambda _: None
             ) -> BuildResult:
        return build(self.options, state=self.state, serving=Serving(contextlib.nullcontext(), went_live),
                     changed=frozenset(changed) or None)

    def edit(self, rel: str, change: Callable[[str], str]) -> BuildResult:
        path = self.site / rel
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        return self.save((rel,))

    def differences(self) -> str:
        """What the live output holds that a clean build of the same files does not (or the reverse)."""
        self.cleans += 1
        clean = self.site.parent / f"clean-{self.cleans}"
        build(replace(self.options, output_dir=clean, jobs=1, cache=False), state=BuildState())
        found = differences(self.options.output_dir, clean)
        shutil.rmtree(clean)
        return found


@pytest.fixture
def preview(tmp_path: Path) -> Preview:
    return Preview(copy_site("sample", tmp_path / "site"))


def in_body(text: str, added: str) -> str:
    head, fence, body = text.partition("\n---\n\n")
    return head + fence + added + body


def in_front(text: str, old: str, new: str) -> str:
    assert old in text, f"the story no longer holds {old!r}"
    return text.replace(old, new, 1)


def test_body_and_front_matter_text_edits_patch_the_site_and_match_a_clean_build(preview: Preview) -> None:
    body = preview.edit(HAMAS, lambda text: in_body(text, "A sentence added by a save. "))
    assert body.patched == 1 and 0 < body.pages_rendered < 40, body
    assert not preview.differences()
    title = preview.edit(HAMAS, lambda text: in_front(text, "title: \"", "title: \"Updated: "))
    assert title.patched == 1, "a new title keeps the story's place: the site is patched"
    assert not preview.differences()
    preview.edit(PAC3, lambda text: in_front(text, "summary: \"", "summary: \"Revised. "))
    both = (preview.site / HAMAS, preview.site / PAC3)
    for path in both:
        path.write_text(in_body(path.read_text(encoding="utf-8"), "Both saved at once. "), encoding="utf-8")
    together = preview.save((HAMAS, PAC3))
    assert together.patched == 2
    assert not preview.differences()


def test_a_save_that_moves_a_story_or_breaks_it_prepares_the_site_whole(preview: Preview) -> None:
    with pytest.raises(BuildError):
        preview.edit(HAMAS, lambda text: in_front(text, "impact: ", "impact: 11\nold-impact: "))
    fixed = preview.edit(HAMAS, lambda text: text.replace("impact: 11\nold-impact: ", "impact: ", 1))
    assert fixed.patched == 0, "after a failed build the next one prepares the site whole"
    assert not preview.differences()
    dated = preview.edit(PAC3, lambda text: re.sub(r"^date: (\d{4}-\d\d)-\d\d", r"date: \1-21", text, count=1,
                                                   flags=re.MULTILINE))
    assert dated.patched == 0, "a new date moves the story in every list"
    assert not preview.differences()
    again = preview.edit(PAC3, lambda text: in_body(text, "Then its text. "))
    assert again.patched == 1
    assert not preview.differences()


def test_a_new_glossary_term_in_a_body_prepares_the_site_whole(preview: Preview) -> None:
    story = (preview.site / PAC3).read_text(encoding="utf-8").casefold()
    names = [line.split(":", 1)[1].strip().strip('"\'')
             for path in sorted((preview.site / "content" / "glossary").glob("*.md"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("term:")]
    name = next(name for name in names if name.casefold() not in story)
    result = preview.edit(PAC3, lambda text: in_body(text, f"A word on {name} here. "))
    assert result.patched == 0, "the glossary page lists the stories that use a term"
    assert not preview.differences()


def test_a_save_of_text_leaves_the_records_a_build_of_every_page_leaves(preview: Preview) -> None:
    """A save of text looks at the pages that hold the story only: the others keep the last build's records
    without being walked (`pages.Outcomes`). The records, search digests and counts it leaves are those of a
    build that then looks at every page and finds nothing more to do."""
    pages = len(preview.state.pages)
    saved = preview.edit(HAMAS, lambda text: in_body(text, "A sentence for the records. "))
    assert saved.patched == 1 and 0 < saved.pages_rendered < 40
    assert saved.files_written + saved.files_unchanged == pages == len(preview.state.pages)
    records, digests = dict(preview.state.pages), dict(preview.state.search_pages)
    assert preview.state.pages.fresh and preview.state.pages.fresh < set(records)
    assert len(digests) > 30 and all(key and digest for key, digest in digests.values())
    whole = build(preview.options, state=preview.state, serving=Serving(contextlib.nullcontext()))
    assert whole.patched == 0 and whole.files_written == 0 and whole.pages_rendered == 0
    assert dict(preview.state.pages) == records and dict(preview.state.search_pages) == digests
    assert not preview.differences()


def test_the_tabs_hear_of_a_save_once_its_pages_are_live(preview: Preview) -> None:
    """`serve` tells its tabs to reload as soon as the saved pages are in the live folder, before the build's
    own bookkeeping: by then the story's page and its feeds hold the new text, and the build's warnings are
    the ones it then returns."""
    told: list[tuple[list[Diagnostic], list[str]]] = []
    output = preview.options.output_dir
    story = "stories/2026/03/hamas-urges-iran/"
    holding = [output / story / "index.html",
               *(path for path in output.rglob("feed.json")
                 if any(item["url"].endswith(story) for item in json.loads(path.read_bytes())["items"]))]
    assert len(holding) > 2, "the story's page and the feeds that list it"

    def went_live(diagnostics: list[Diagnostic]) -> None:
        told.append((diagnostics, [path.read_text(encoding="utf-8") for path in holding]))

    path = preview.site / HAMAS
    path.write_text(in_body(path.read_text(encoding="utf-8"), "Read this before the build ends. "), encoding="utf-8")
    result = preview.save((HAMAS,), went_live)
    assert result.patched == 1
    assert len(told) == 1, "once per build"
    diagnostics, texts = told[0]
    assert diagnostics == result.diagnostics
    assert all("Read this before the build ends." in text for text in texts)


def test_feed_entries_kept_between_saves_follow_a_renamed_topic(preview: Preview) -> None:
    """A story's feed text is kept from one save to the next while the story is the same; its entry's tags
    come from the site of the save, so a topic renamed in data/ is renamed in every feed."""
    preview.edit(HAMAS, lambda text: in_body(text, "First a save of text. "))
    feeds = [path for path in preview.options.output_dir.rglob("feed.xml")
             if 'term="Air defense"' in path.read_text(encoding="utf-8")]
    assert len(feeds) > 2
    topics = preview.site / "data" / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    assert "  name: Air defense\n" in text
    topics.write_text(text.replace("  name: Air defense\n", "  name: Air and missile defense\n", 1), encoding="utf-8")
    renamed = preview.save(("data/topics.yaml",))
    assert renamed.patched == 0
    for path in feeds:
        feed = path.read_text(encoding="utf-8")
        assert 'term="Air and missile defense"' in feed and 'term="Air defense"' not in feed, path
    assert not preview.differences()
