"""A misspelt key that decides publication is an error, in `check` and in `build`: `embrago:` or `darft: true`
used to be a warning while the story went out. Keys near no known key stay warnings."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml
from sitekit import REPO, Run, copy_site

NOW = "2026-06-01T00:00:00Z"
STORIES = Path("content/stories/2026")


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command in a child process."""
    return subprocess.run([sys.executable, "-m", "beatgen", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)


def _insert(path: Path, line: str) -> None:
    path.write_text(path.read_text().replace("takeaways:", f"{line}\ntakeaways:", 1))


def test_misspelt_embargo_and_draft_stop_check_and_build(mini_site: Path) -> None:
    """Finding 2, re-run as written."""
    _insert(mini_site / STORIES / "03" / "alpha.md", "embrago: 2027-06-01T06:00:00Z")
    _insert(mini_site / STORIES / "02" / "beta.md", "darft: true")
    expected = [
        "content/stories/2026/02/beta.md:4:1: error: unknown front matter key 'darft'; did you mean 'draft'? 'draft' "
        "holds the story back, and as written the key is ignored: fix the spelling [misspelt-key]",
        "content/stories/2026/03/alpha.md:6:1: error: unknown front matter key 'embrago'; did you mean 'embargo'? "
        "'embargo' holds the story back until its time, and as written the key is ignored: fix the spelling "
        "[misspelt-key]"]
    checked = run("check", "--source", mini_site, "--now", NOW)
    assert checked.returncode == 1 and checked.stderr.splitlines()[:2] == expected
    built = run("build", "--source", mini_site, "--now", NOW)
    assert built.returncode == 1 and set(expected) <= set(built.stderr.splitlines())
    assert not (mini_site / "public").exists()


def test_a_key_near_no_known_key_is_still_a_warning(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    _insert(mini_site / STORIES / "02" / "beta.md", "subtitle: A note of the desk")
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0
    assert ("content/stories/2026/02/beta.md:4:1: warning: unknown front matter key 'subtitle'; did you mean "
            "'title'? [unknown-key]") in result.err.splitlines()
    assert (mini_site / "public" / "stories" / "2026" / "02" / "beta" / "index.html").exists()


def test_near_misses_in_glossary_and_pages_are_errors_too(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    term = mini_site / "content" / "glossary" / "leo.md"
    term.write_text(term.read_text().replace("---\n", "---\nalaises: [low orbit]\n", 1))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert ("content/glossary/leo.md:2:1: error: unknown glossary key 'alaises'; did you mean 'aliases'? As written "
            "it is ignored: fix the spelling [misspelt-key]") in result.err.splitlines()


def test_the_workflow_checks_strictly_and_the_sample_passes(tmp_path: Path, beatgen: Callable[..., Run]) -> None:
    """CI runs `check --strict`: every warning stops the publication, and the sample newsroom has none."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text())
    commands = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert "beatgen check --strict --format github" in commands
    site = copy_site("sample", tmp_path / "sample")
    result = beatgen("check", "--source", site, "--now", "2026-12-01T00:00:00Z", "--strict", "--format", "github")
    assert result.code == 0 and not [line for line in result.out.splitlines() if not line.startswith("::notice")]
