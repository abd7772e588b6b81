"""Save to visible: `beatgen serve` on a corpus, the newest story open in Debian's Chromium (driven by
Playwright over the DevTools protocol, as the browser tests drive it), one sentence written into the
story's Markdown, and the time from that write to the reloaded page holding the sentence.

The preview reloads a tab when its event stream announces a good build; the page's own clock
(`performance.timeOrigin + performance.now()` at DOMContentLoaded, wall-clock milliseconds like
Python's `time.time()`) says when the new text was in the page. The bench asks each document the tab
loads once whether it holds the sentence, and does nothing in the page between loads.
Three kinds of save: the text alone, the date (another day of the same month, so the page keeps its
address but moves in every listing) and the topics, each with a new sentence to wait for.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import REPO
from vocabulary import TOPICS

sys.path.insert(0, str(REPO / "tests"))
from browserkit import CHROMIUM_FLAGS, chromium_path  # noqa: E402 - the tests' helpers, found through sys.path
from servekit import Served, serving  # noqa: E402

KINDS = ("text", "date", "topic")
MARK_LOADED = ("document.addEventListener('DOMContentLoaded', () => "
               "{ window.beatgenShownAt = performance.timeOrigin + performance.now(); });")
PROBE = ("token => document.body && document.body.textContent.includes(token) ? "
         "(window.beatgenShownAt || performance.timeOrigin + performance.now()) : 0")
SAVE_TIMEOUT = 120.0
"""Seconds a save may take to show before the benchmark gives up on it."""


def _new_day(text: str, n: int) -> str:
    """Move the story to another day of its month: its address stays, its place in listings changes."""
    match = re.search(r"^date: \d{4}-\d{2}-(\d{2})", text, re.MULTILINE)
    if match is None:
        raise SystemExit("the story has no top-level date line")
    day = (int(match.group(1)) + n) % 28 + 1
    return text[:match.start(1)] + f"{day:02d}" + text[match.end(1):]


def _new_topics(text: str, n: int) -> str:
    topics = f'topics: ["{TOPICS[n % len(TOPICS)]}", "{TOPICS[(n + 7) % len(TOPICS)]}"]'
    return re.sub(r"^topics: \[.*\]$", topics, text, count=1, flags=re.MULTILINE)


STRUCTURE: dict[str, Callable[[str, int], str]] = {"text": lambda text, n: text, "date": _new_day,
                                                  "topic": _new_topics}


def saved_text(text: str, kind: str, n: int, run: str = "") -> tuple[str, str]:
    """The story after save `n` of `kind`, and the sentence that shows it is on the page (`run` tells this
    run's sentences from those an earlier run left in the file, which would show before any reload)."""
    token = f"The desk saved {kind} edit {n}{run}."
    if token in text:
        raise SystemExit(f"the story already holds {token!r}: pick another run mark")
    return STRUCTURE[kind](text, n).rstrip("\n") + f" {token}\n", token


def story_url(site: Path, story: Path) -> str:
    """The story's address (the bench corpus keeps the default permalink, /stories/YYYY/MM/slug/)."""
    return "/".join(story.relative_to(site / "content").with_suffix("").parts) + "/"


def _time_save(page: Any, story: Path, kind: str, n: int) -> float:
    """Seconds from writing the save to the page's own clock at the DOMContentLoaded of the document that holds
    its sentence. The page is asked once per document it loads, not polled: a probe run every few milliseconds
    in the page would take the renderer's time from the very load it measures."""
    text, token = saved_text(story.read_text(encoding="utf-8"), kind, n, f" of run {time.time_ns()}")
    written = time.time() * 1000
    story.write_text(text, encoding="utf-8")
    deadline = time.monotonic() + SAVE_TIMEOUT
    while (left := deadline - time.monotonic()) > 0:
        try:
            page.wait_for_event("domcontentloaded", timeout=left * 1000)
            shown = page.evaluate(PROBE, token)
        except Exception:  # noqa: BLE001 - timed out, or the page moved on to another document meanwhile
            continue
        if shown:
            if shown < written:
                raise SystemExit(f"the page showed {token!r} before it was saved")
            return (shown - written) / 1000
    raise SystemExit(f"a {kind} save did not show within {SAVE_TIMEOUT:.0f} s")


def _settle(served: Served) -> float:
    """Wait for the save's whole rebuild and its background search refresh, so saves do not overlap; the
    seconds the whole rebuild took as serve reports it (after the first look, for a save that moves a story)."""
    rebuilt = served.wait_for(r"^Rebuilt after .* in (\d+\.\d+)s", SAVE_TIMEOUT)
    served.wait_for(r"^Search index", 600)
    time.sleep(1)
    return float(rebuilt.group(1))


def _peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as handle:
        return next((int(line.split()[1]) for line in handle if line.startswith("VmHWM:")), 0)


def time_saves(site: Path, now: str, saves: int, kinds: tuple[str, ...] = KINDS
               ) -> tuple[dict[str, list[float]], dict[str, list[float]], int]:
    """Seconds from write to visible for `saves` saves of each kind (interleaved), the seconds of each save's
    whole rebuild as serve reports it, and serve's peak RSS in kB."""
    from playwright.sync_api import sync_playwright

    story = max((site / "content" / "stories").rglob("*.md"))
    found: dict[str, list[float]] = {kind: [] for kind in kinds}
    rebuilt: dict[str, list[float]] = {kind: [] for kind in kinds}
    peak = 0
    try:
        with serving(site, "--now", now, startup=3600) as served, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS,
                                                 headless=True)
            page = browser.new_page()
            page.add_init_script(MARK_LOADED)
            response = page.goto(served.url + story_url(site, story))
            if response is None or not response.ok:
                raise SystemExit(f"the story's page did not load: {served.url + story_url(site, story)}")
            for n in range(saves):
                for kind in kinds:
                    found[kind].append(_time_save(page, story, kind, n))
                    rebuilt[kind].append(_settle(served))
            peak = _peak_rss_kb(served.process.pid)
            browser.close()
    except subprocess.TimeoutExpired as exc:
        # The saves are timed; only the stop lagged (servekit killed the server after waiting).
        print(f"warning: beatgen serve took more than {exc.timeout:.0f} s to stop after Ctrl-C", flush=True)
    return found, rebuilt, peak
