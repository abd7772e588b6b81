"""The Google News sitemap lists the stories of the 48 hours before the build's clock, and follows that
clock in incremental builds without costing the rest of the site its shortcuts."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import tree_bytes

import beatgen.engine.pages as pages
from beatgen.engine.cache import Cache
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.state import BuildState
from beatgen.urls import output_file

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ALPHA = "https://example.org/stories/2026/03/alpha/"  # published 2026-03-14T09:30:00Z
ESCAPE = "https://example.org/stories/2026/03/escape/"  # published 2026-03-01 (midnight UTC)


def news(public: Path) -> list[str]:
    root = ET.parse(public / "news-sitemap.xml").getroot()
    return [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]


def run(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--no-search", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(("now", "listed"), [
    ("2026-03-15T12:00:00Z", [ALPHA]),
    ("2026-03-16T09:29:59Z", [ALPHA]),
    ("2026-03-16T09:30:00Z", []),
    ("2026-03-02T12:00:00Z", [ESCAPE]),
    ("2026-12-01T00:00:00Z", []),
], ids=["a-day-after", "a-second-before-48h", "at-48h", "before-the-next-story", "months-later"])
def test_the_window_is_the_48_hours_before_the_clock(mini_site: Path, now: str, listed: list[str]) -> None:
    result = run(mini_site, "--now", now, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert news(mini_site / "public") == listed


def test_source_date_epoch_is_the_same_clock(mini_site: Path) -> None:
    epoch = int(datetime.fromisoformat("2026-03-15T12:00:00+00:00").timestamp())
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(mini_site), "--no-search", "--no-cache"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                            env={"SOURCE_DATE_EPOCH": str(epoch), "PATH": ""})
    assert result.returncode == 0, result.stderr
    root = ET.parse(mini_site / "public" / "news-sitemap.xml").getroot()
    [item] = root.findall(f"{SITEMAP}url")
    assert item.findtext(f"{SITEMAP}loc") == ALPHA
    assert item.findtext(f"{NEWS}news/{NEWS}title") == "Alpha command orders new IAMD batteries"


def options(site: Path, now: str, **extra: object) -> BuildOptions:
    return BuildOptions(**{"site_dir": site, "output_dir": site / "public", "now": now, "search": False,  # type: ignore[arg-type]
                           **extra})


def test_a_moving_window_rewrites_the_news_sitemap_alone(mini_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[int] = []
    real_load = Cache.load
    monkeypatch.setattr(Cache, "load", lambda self: loads.append(1) or real_load(self))
    build(options(mini_site, "2026-03-15T12:00:00Z"))
    public = mini_site / "public"
    before = {path: path.stat().st_mtime_ns for path in public.rglob("*") if path.is_file()}

    same_window = build(options(mini_site, "2026-03-15T18:00:00Z"))
    assert (len(loads), same_window.files_written) == (1, 0), "the no-change shortcut holds while the window does"

    moved = build(options(mini_site, "2026-03-17T00:00:00Z"))
    assert len(loads) == 2
    assert (moved.files_written, moved.pages_rendered) == (1, 1)
    assert news(public) == []
    changed = [path for path, mtime in before.items() if path.stat().st_mtime_ns != mtime]
    assert changed == [public / "news-sitemap.xml"]
    fresh = build(options(mini_site, "2026-03-17T00:00:00Z", output_dir=mini_site / "clean", cache=False))
    assert fresh.pages == moved.pages
    assert tree_bytes(public) == tree_bytes(mini_site / "clean")


def test_a_text_edit_keeps_its_fast_path_while_the_window_moves(mini_site: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the news sitemap and the pages that show the edited story's text have their data looked at again:
    the listings that show its card (its front matter) are known unchanged from their records."""
    state = BuildState()
    build(options(mini_site, "2026-03-15T12:00:00Z", jobs=1), state=state)
    beta_file = "content/stories/2026/02/beta.md"
    holding = {rel for rel, record in state.pages.items()
               if record.refs is not None and ((beta_file in record.refs and record.text) or record.whole_site)}
    cards = {rel for rel, record in state.pages.items()
             if record.refs is not None and beta_file in record.refs and not record.text}
    looked_at: list[str] = []
    real = pages.page_data

    def counting(context: pages.Context) -> dict:
        looked_at.append(context.route.path)
        return real(context)

    monkeypatch.setattr(pages, "page_data", counting)
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("on schedule at", "as planned at"))
    edited = build(options(mini_site, "2026-03-17T00:00:00Z", jobs=1), state=state)
    assert {output_file(path) for path in looked_at} == holding | {"news-sitemap.xml"}
    assert "news-sitemap.xml" not in holding and "stories/2026/02/beta/index.html" in holding
    assert "archive/2026/02/index.html" in cards and cards.isdisjoint(output_file(path) for path in looked_at)
    assert news(mini_site / "public") == []
    assert "as planned at" in (mini_site / "public" / "stories" / "2026" / "02" / "beta" / "index.html").read_text()
    assert edited.files_written >= 2


def test_a_clock_set_back_is_no_unchanged_build(mini_site: Path) -> None:
    """The no-change shortcut assumes a clock that moves forward: set back, the build is made again."""
    build(options(mini_site, "2026-03-17T00:00:00Z"))
    assert news(mini_site / "public") == []
    earlier = build(options(mini_site, "2026-03-15T12:00:00Z"))
    assert news(mini_site / "public") == [ALPHA]
    assert earlier.files_written == 1
    before_alpha = build(options(mini_site, "2026-03-14T09:00:00Z"))
    assert news(mini_site / "public") == []
    assert before_alpha.stories == 2 and not (mini_site / "public" / "stories" / "2026" / "03" / "alpha").exists()
