"""Placeholder text from `beatgen new` (marked TKTK) cannot be published: a story made by `new story` with its
`draft: true` deleted is refused at each placeholder's line; a draft may hold them, as it is never published."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sitekit import FIXTURES, REPO, Run, soup

NOW = "2026-06-01T00:00:00Z"
STORY = Path("content/stories/2026/05/interceptor-output-doubles.md")
FIX = "write the real text in its place, or keep 'draft: true' until the story is ready [placeholder]"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command in a child process."""
    return subprocess.run([sys.executable, "-m", "beatgen", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)


def test_a_new_story_without_its_draft_line_is_refused_at_every_placeholder(mini_site: Path) -> None:
    """Finding 3, re-run as written."""
    made = run("new", "story", "Interceptor output doubles", "--topic", "air-defense", "--date", "2026-05-12",
               "--source", mini_site)
    assert made.returncode == 0, made.stderr
    story = mini_site / STORY
    assert run("check", "--source", mini_site, "--now", NOW).returncode == 0
    lines = story.read_text().split("\n")
    story.write_text("\n".join(line for line in lines if not line.startswith("draft: true")))
    result = run("check", "--source", mini_site, "--now", NOW)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        f"{STORY}:11:6: error: item 1 of 'takeaways' still holds placeholder text marked TKTK; {FIX}",
        f"{STORY}:20:13: error: 'outlet' of source 1 still holds placeholder text marked TKTK; {FIX}",
        f"{STORY}:21:13: error: 'title' of source 1 still holds placeholder text marked TKTK; {FIX}",
        f"{STORY}:22:30: error: 'url' of source 1 still holds placeholder text marked TKTK; {FIX}",
        f"{STORY}:42:1: error: the analysis still holds placeholder text marked TKTK; {FIX}",
        f"{STORY}:44:1: error: the analysis still holds placeholder text marked TKTK; {FIX}"]
    edited = story.read_text().split("\n")
    reported = [int(line.split(":")[1]) for line in result.stderr.splitlines() if ": error: " in line]
    assert all("TKTK" in edited[number - 1] for number in reported)
    assert run("build", "--source", mini_site, "--now", NOW).returncode == 1
    assert not (mini_site / "public").exists()


def test_a_draft_may_hold_placeholders_and_the_preview_shows_it(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    made = beatgen("new", "story", "Interceptor output doubles", "--date", "2026-05-12", "--source", mini_site)
    assert made.code == 0
    assert beatgen("check", "--source", mini_site, "--now", NOW, "--drafts").code == 0
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--drafts").code == 0
    page = soup(mini_site / "public" / "stories" / "2026" / "05" / "interceptor-output-doubles" / "index.html")
    assert "TKTK The main point" in page.select_one("#takeaways").get_text()


def test_a_scheduled_or_embargoed_story_is_refused_too(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    """Such a story goes out unattended when its time comes: no placeholder may wait in it."""
    delta = mini_site / "content" / "stories" / "2030" / "01" / "delta.md"
    delta.write_text(delta.read_text().replace("Not yet.", "TKTK the analysis"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert f"content/stories/2030/01/delta.md:14:1: error: the analysis still holds placeholder text marked TKTK; " \
           f"{FIX}" in result.err.splitlines()


def test_no_real_content_holds_the_marker() -> None:
    """The sample newsroom and the test sites must not trip the rule (the bad fixtures hold it on purpose)."""
    sources = [*(REPO / "content").rglob("*.md"), *(REPO / "data").rglob("*"), *(FIXTURES / "sites").rglob("*.*")]
    assert sources and not [path for path in sources if path.is_file() and "tktk" in path.read_text().lower()]
