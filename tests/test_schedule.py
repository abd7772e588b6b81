"""Scheduled stories are announced like embargoes: a note per story in `build` and `check --format json`,
and the next publication time (whichever held story comes out first) printed by `build`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml
from sitekit import REPO, write_story

NOW = "2026-06-01T00:00:00Z"
DELTA = "content/stories/2030/01/delta.md"  # the mini site's story dated 2030-01-01
DELTA_NOTE = {"file": DELTA, "line": 1, "column": 1, "severity": "note", "code": "scheduled",
              "message": "scheduled for 2030-01-01T00:00:00+00:00: held back from every output until then"}


def beatgen(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "beatgen", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def notes(site: Path, *extra: str) -> list[dict]:
    result = beatgen("check", "--source", site, "--now", NOW, "--format", "json", *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return [d for d in json.loads(result.stdout) if d["severity"] == "note"]


def test_check_and_build_announce_a_scheduled_story(mini_site: Path) -> None:
    assert notes(mini_site) == [DELTA_NOTE]
    built = beatgen("build", "--source", mini_site, "--now", NOW, "--no-search")
    assert built.returncode == 0, built.stderr
    assert ("content/stories/2030/01/delta.md:1:1: note: scheduled for 2030-01-01T00:00:00+00:00: held back from "
            "every output until then [scheduled]") in built.stderr.splitlines()
    assert ("next publication 2030-01-01T00:00:00+00:00: content/stories/2030/01/delta.md (its date comes); "
            "build again then to publish it") in built.stdout.splitlines()
    assert not (mini_site / "public" / "stories" / "2030").exists()


def test_the_next_publication_is_the_first_held_story_to_come_out(mini_site: Path) -> None:
    """An embargo before the scheduled date comes first; a story dated before its embargo comes out at the
    embargo; a draft never comes out by itself."""
    write_story(mini_site, "lifted-first", "2026-05-20T08:00:00Z")
    lifted = mini_site / "content" / "stories" / "2026" / "05" / "lifted-first.md"
    lifted.write_text(lifted.read_text().replace("impact:", "embargo: 2026-07-01T06:00:00Z\nimpact:", 1))
    write_story(mini_site, "draft-soon", "2026-06-02T00:00:00Z")
    draft = mini_site / "content" / "stories" / "2026" / "06" / "draft-soon.md"
    draft.write_text(draft.read_text().replace("impact:", "draft: true\nimpact:", 1))
    write_story(mini_site, "late-embargo", "2026-06-10T00:00:00Z")
    late = mini_site / "content" / "stories" / "2026" / "06" / "late-embargo.md"
    late.write_text(late.read_text().replace("impact:", "embargo: 2026-08-01T00:00:00Z\nimpact:", 1))
    codes = sorted((d["file"].rsplit("/", 1)[-1], d["code"]) for d in notes(mini_site))
    assert codes == [("delta.md", "scheduled"), ("late-embargo.md", "embargo"), ("late-embargo.md", "scheduled"),
                     ("lifted-first.md", "embargo")]
    built = beatgen("build", "--source", mini_site, "--now", NOW, "--no-search", "--quiet")
    assert built.returncode == 0, built.stderr
    assert built.stdout == ""
    built = beatgen("build", "--source", mini_site, "--now", NOW, "--no-search")
    assert ("next publication 2026-07-01T06:00:00+00:00: content/stories/2026/05/lifted-first.md (its embargo "
            "lifts); build again then to publish it") in built.stdout.splitlines()
    built = beatgen("build", "--source", mini_site, "--now", "2026-07-02T00:00:00Z", "--no-search")
    assert ("next publication 2026-08-01T00:00:00+00:00: content/stories/2026/06/late-embargo.md (its embargo "
            "lifts); build again then to publish it") in built.stdout.splitlines()


def test_future_shows_them_and_announces_nothing(mini_site: Path) -> None:
    assert notes(mini_site, "--future") == []
    built = beatgen("build", "--source", mini_site, "--now", NOW, "--no-search", "--future")
    assert built.returncode == 0, built.stderr
    assert "next publication" not in built.stdout
    assert (mini_site / "public" / "stories" / "2030" / "01" / "delta" / "index.html").is_file()


def test_the_workflow_publishes_at_most_15_minutes_late() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text())
    [schedule] = workflow[True]["schedule"]  # YAML 1.1 reads the key `on` as true
    minutes, *rest = schedule["cron"].split()
    assert rest == ["*", "*", "*", "*"]
    marks = sorted(int(m) for m in minutes.split(",")) if "/" not in minutes else \
        list(range(int(minutes.split("/")[0].replace("*", "0")), 60, int(minutes.split("/")[1])))
    gaps = [b - a for a, b in zip(marks, [*marks[1:], marks[0] + 60], strict=True)]
    assert max(gaps) <= 15, schedule["cron"]
    docs = (REPO / "docs" / "publishing.md").read_text()
    assert re.search(r"`scheduled`", docs) and "next publication" in docs
