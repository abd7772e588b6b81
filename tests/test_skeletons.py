"""A site's own skeletons (`layouts/skeletons/story.md`, `term.md`, `page.md`) shape what `beatgen new` writes,
with the same placeholders as the built-in ones; a skeleton that would make a file `check` refuses (or, for a
story, one that is not a draft) stops `beatgen new` with its lines, and nothing is written. The broken
skeletons are fixtures/skeletons/<kind>-*.md beside the exact lines they must produce."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import FIXTURES, Run, tree_bytes

NOW = "2026-06-01T00:00:00Z"
BROKEN = sorted((FIXTURES / "skeletons").glob("*.md"))
GOOD = FIXTURES / "skeletons" / "good"
ARGUMENTS = {"story": ["Poland links its Wisła batteries", "--topic", "air-defense", "--date", "2026-05-12"],
             "term": ["C-UAS"], "page": ["Contact the desk"]}


def _skeleton(site: Path, kind: str, source: Path) -> None:
    (site / "layouts" / "skeletons").mkdir(exist_ok=True)
    shutil.copy(source, site / "layouts" / "skeletons" / f"{kind}.md")


def test_the_sites_skeletons_shape_new_files(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    for kind in ARGUMENTS:
        _skeleton(mini_site, kind, GOOD / f"{kind}.md")
        result = beatgen("new", kind, *ARGUMENTS[kind], "--source", mini_site)
        assert result.code == 0, result.err
    story = (mini_site / "content/stories/2026/05/poland-links-its-wisla-batteries.md").read_text()
    assert story.startswith("---\n# The desk's own story skeleton")
    assert '\ntitle: "Poland links its Wisła batteries"\ndate: 2026-05-12T00:00:00Z\n' in story
    assert '\nslug: poland-links-its-wisla-batteries\n' in story and '\ntopics: ["air-defense"]\n' in story
    assert "\n    date: 2026-05-12\ndraft: true\n" in story and "Figures in $M, as the desk writes them." in story
    term = (mini_site / "content/glossary/c-uas.md").read_text()
    assert term == ('---\nterm: "C-UAS"\naliases: []\n---\n\nTKTK Define C-UAS in one sentence; the desk\'s glossary '
                    'never runs longer.\n')
    assert (mini_site / "content/pages/contact-the-desk.md").read_text().startswith('---\ntitle: "Contact the desk"\n')
    checked = json.loads(beatgen("check", "--source", mini_site, "--now", NOW, "--drafts", "--format", "json").out)
    errors = {(d["file"], d["code"]) for d in checked if d["severity"] == "error"}
    assert errors == {("content/glossary/c-uas.md", "placeholder"),
                      ("content/pages/contact-the-desk.md", "placeholder")}


@pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
def test_a_broken_skeleton_names_its_lines_and_writes_nothing(broken: Path, mini_site: Path,
                                                              beatgen: Callable[..., Run]) -> None:
    kind = broken.stem.split("-")[0]
    _skeleton(mini_site, kind, broken)
    before = tree_bytes(mini_site / "content")
    result = beatgen("new", kind, *ARGUMENTS[kind], "--source", mini_site)
    assert result.code == 1 and "Traceback" not in result.err
    expected = broken.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert [line for line in result.err.splitlines() if line.startswith("layouts/skeletons/")] == expected
    assert result.err.splitlines()[-1] == ("error: nothing was written; fix the site's skeleton under "
                                           "layouts/skeletons/ (or delete it to use the built-in one)")
    assert tree_bytes(mini_site / "content") == before
