"""One broken file per editorial rule, beside the exact lines `beatgen check` must print for it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import FIXTURES, Run, copy_site, tree_bytes

from beatgen.cli import main

BAD = sorted((FIXTURES / "bad").glob("*.md"))
NOW = "2026-06-01T00:00:00Z"


@pytest.mark.parametrize("bad", BAD, ids=[p.stem for p in BAD])
def test_check_reports_exact_lines(bad: Path, mini_site: Path, beatgen: Callable[..., Run]) -> None:
    shutil.copy(bad, mini_site / "content" / "stories" / "2026" / "03" / bad.name)
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    expected = bad.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    printed = [line for line in result.err.splitlines() if bad.name in line]
    assert printed == expected
    assert "Traceback" not in result.err
    assert result.code == (1 if any(": error: " in line for line in expected) else 0)


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini site with its output, built once: each test below copies it rather than building again."""
    site = copy_site("mini", tmp_path_factory.mktemp("built") / "site")
    assert main(["build", "--source", str(site), "--now", NOW]) == 0
    return site


@pytest.mark.parametrize("bad", [p for p in BAD if ": error: " in p.with_suffix(".expected").read_text()],
                         ids=lambda p: p.stem)
def test_failed_build_leaves_previous_output_untouched(bad: Path, built_once: Path, tmp_path: Path,
                                                       beatgen: Callable[..., Run]) -> None:
    mini_site = Path(shutil.copytree(built_once, tmp_path / "site", symlinks=True))
    before = tree_bytes(mini_site / "public")
    shutil.copy(bad, mini_site / "content" / "stories" / "2026" / "03" / bad.name)
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert "nothing was published" in result.err
    assert tree_bytes(mini_site / "public") == before
    assert sorted(p.name for p in mini_site.iterdir() if p.name.startswith(".public")) == [".public.lock"]


def test_two_stories_with_one_url_name_both_files(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    stories = mini_site / "content" / "stories" / "2026"
    (stories / "03" / "copy").mkdir()
    shutil.copy(stories / "03" / "alpha.md", stories / "03" / "copy" / "alpha.md")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert ("content/stories/2026/03/copy/alpha.md:1:1: error: this story has the URL /stories/2026/03/alpha/, "
            "like content/stories/2026/03/alpha.md; give one of them another slug [duplicate-url]") in result.err


def test_file_names_differing_only_by_case_collide(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    shutil.copy(beta, beta.with_name("Beta.md"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert ("content/stories/2026/02/beta.md:1:1: error: this story has the URL /stories/2026/02/beta/, "
            "like content/stories/2026/02/Beta.md; give one of them another slug [duplicate-url]") in result.err


def test_story_linked_from_outside_content_is_refused(mini_site: Path, tmp_path: Path,
                                                      beatgen: Callable[..., Run]) -> None:
    outside = tmp_path / "secret.md"
    shutil.copy(mini_site / "content" / "stories" / "2026" / "02" / "beta.md", outside)
    (mini_site / "content" / "stories" / "2026" / "02" / "link.md").symlink_to(outside)
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert ("content/stories/2026/02/link.md:1:1: error: this file is a link to a file outside content/; "
            "copy the file in instead [outside-content]") in result.err
    assert result.code == 1


def test_timeline_naming_a_draft_says_why(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("story: beta", "story: gamma"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    expected = ("timeline names story 'gamma' (content/stories/2026/03/gamma.md), which is a draft; "
                "it cannot be linked until it is published [unknown-story]")
    assert expected in result.err
    assert beatgen("check", "--source", mini_site, "--now", NOW, "--drafts").code == 0


def test_glossary_term_defined_twice(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    (mini_site / "content" / "glossary" / "iamd-again.md").write_text("---\nterm: iamd\n---\n\nAgain.\n")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert ("content/glossary/iamd.md:2:1: error: the glossary term 'IAMD' is already defined in "
            "content/glossary/iamd-again.md; keep one [duplicate-term]") in result.err
