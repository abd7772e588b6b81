"""What a build prints: a bar on a terminal (after a second), plain lines in CI, a closing summary."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from sitekit import Run

from beatgen.progress import BuildProgress, progress_mode

NOW = "2026-06-01T00:00:00Z"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_mode_follows_the_terminal_ci_and_flags() -> None:
    assert progress_mode(Terminal(), quiet=False, verbose=False, environ={}) == "bar"
    assert progress_mode(Terminal(), quiet=False, verbose=False, environ={"CI": "true"}) == "lines"
    assert progress_mode(Terminal(), quiet=False, verbose=False, environ={"CI": "false"}) == "bar"
    assert progress_mode(io.StringIO(), quiet=False, verbose=False, environ={}) == "lines"
    assert progress_mode(Terminal(), quiet=False, verbose=True, environ={}) == "lines"
    assert progress_mode(Terminal(), quiet=True, verbose=False, environ={"CI": "true"}) == "off"


def test_plain_lines_name_each_finished_phase() -> None:
    stream = io.StringIO()
    progress = BuildProgress(stream, "lines")
    for phase, done, total in (("content", 0, 1), ("content", 1, 1), ("pages", 0, 40), ("pages", 40, 40)):
        progress(phase, done, total)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert [re.sub(r"\(\d+\.\d+s\)", "(Ns)", line) for line in lines] == [
        "Reading and checking content: done (Ns)", "Rendering pages: done (Ns)"]


def test_the_bar_waits_for_a_slow_build() -> None:
    stream = Terminal()
    progress = BuildProgress(stream, "bar")
    progress("pages", 1, 10)
    assert progress.bar is None
    progress.started -= 2
    progress("pages", 5, 10)
    assert progress.bar is not None
    progress.close()
    assert progress.bar is None


def test_build_summary_quiet_and_verbose(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    # 2 warnings: the raw HTML that escape.md holds on purpose
    assert re.match(r"Built 3 stories, \d+ pages into .+ in \d+\.\d\ds \(.*2 warnings;", result.out), result.out
    quiet = beatgen("build", "--source", mini_site, "--now", NOW, "--quiet")
    assert quiet.code == 0 and quiet.out == "" and quiet.err == ""
    verbose = beatgen("build", "--source", mini_site, "--now", NOW, "--verbose")
    assert "no file changed" in verbose.err and verbose.out.startswith("Built 3 stories")
    verbose = beatgen("build", "--source", mini_site, "--now", NOW, "--verbose", "--no-cache")
    assert "Rendering pages: done" in verbose.err and verbose.out.startswith("Built 3 stories")
