"""`beatgen check --format text|json|github [--strict]`: what CI parses, and the exit codes it acts on."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import FIXTURES, Run

NOW = "2026-06-01T00:00:00Z"
STORIES = Path("content/stories/2026/03")
ANNOTATION = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)$")


@pytest.fixture
def broken_site(mini_site: Path) -> Path:
    for name in ("impact-out-of-range.md", "unknown-key-unrelated.md"):
        shutil.copy(FIXTURES / "bad" / name, mini_site / STORIES / name)
    return mini_site


def test_json_is_a_list_of_positioned_problems(broken_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("check", "--source", broken_site, "--now", NOW, "--format", "json")
    assert result.code == 1
    problems = json.loads(result.out)
    assert {"file": f"{STORIES}/impact-out-of-range.md", "line": 6, "column": 9, "severity": "error",
            "code": "out-of-range", "message": "impact must be an integer from 1 to 10, got 11"} in problems
    warning = next(p for p in problems if p["code"] == "unknown-key")
    assert (warning["file"], warning["line"], warning["column"], warning["severity"]) == \
        (f"{STORIES}/unknown-key-unrelated.md", 7, 1, "warning")
    assert all(set(p) == {"file", "line", "column", "severity", "code", "message"} for p in problems)


def test_github_prints_one_annotation_per_problem_at_its_line(broken_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("check", "--source", broken_site, "--now", NOW, "--format", "github")
    assert result.code == 1
    annotations = [ANNOTATION.match(line) for line in result.out.splitlines()]
    assert annotations and all(annotations), result.out
    found = {(m[1], m[2], int(m[3]), int(m[4]), m[5]) for m in annotations if m}
    assert ("error", f"{STORIES}/impact-out-of-range.md", 6, 9, "beatgen out-of-range") in found
    assert ("warning", f"{STORIES}/unknown-key-unrelated.md", 7, 1, "beatgen unknown-key") in found


def test_strict_turns_warnings_into_errors(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    shutil.copy(FIXTURES / "bad" / "unknown-key-unrelated.md", mini_site / STORIES / "unknown-key-unrelated.md")
    assert beatgen("check", "--source", mini_site, "--now", NOW).code == 0
    result = beatgen("check", "--source", mini_site, "--now", NOW, "--strict", "--format", "json")
    assert result.code == 1
    assert [p["severity"] for p in json.loads(result.out) if p["code"] == "unknown-key"] == ["error"]


def test_a_clean_site_exits_0_with_an_empty_list(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    (mini_site / STORIES / "escape.md").unlink()  # its raw HTML, escaped on purpose, is a raw-html warning
    result = beatgen("check", "--source", mini_site, "--now", NOW, "--format", "json", "--strict")
    assert result.code == 0 and [p for p in json.loads(result.out) if p["severity"] == "error"] == []
    result = beatgen("check", "--source", mini_site, "--now", NOW, "--format", "github")
    assert result.code == 0 and not [line for line in result.out.splitlines() if line.startswith("::error")]
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 0 and result.err.strip().endswith("0 error(s), 0 warning(s)")
    assert beatgen("check", "--source", mini_site, "--now", NOW, "--quiet").err == ""


def test_configuration_errors_exit_2_in_every_format(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    (mini_site / "site.yaml").write_text((mini_site / "site.yaml").read_text() + "per_pgae: 5\n")
    result = beatgen("check", "--source", mini_site, "--format", "json")
    assert result.code == 2
    [problem] = json.loads(result.out)
    assert (problem["file"], problem["line"], problem["code"]) == ("site.yaml", 9, "unknown-key")
    result = beatgen("check", "--source", mini_site, "--format", "github")
    assert result.code == 2 and result.out.startswith("::error file=site.yaml,line=9,col=1,")


def test_usage_errors_exit_2(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        beatgen("check", "--source", mini_site, "--format", "xml")
    assert exit_info.value.code == 2
