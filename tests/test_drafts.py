"""Drafts and scheduled stories stay out of every output file (pages, listings, feeds, sitemaps,
the search index) unless asked for, and a new story from `beatgen new` starts as such a draft."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitekit import Run, output_texts

NOW = "2026-06-01T00:00:00Z"
HELD = {"gamma": "Gamma draft story", "delta": "Delta scheduled story"}


def _mentions(texts: dict[str, str], word: str) -> list[str]:
    return [name for name, text in texts.items() if word.lower() in text or word.lower() in name]


def test_held_stories_are_absent_from_every_output_file(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--quiet").code == 0
    texts = output_texts(mini_site / "public")
    assert len(texts) > 20
    for slug, title in HELD.items():
        assert _mentions(texts, slug) == [], slug
        assert _mentions(texts, title) == [], title


def test_drafts_and_future_flags_bring_them_in(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--drafts", "--quiet").code == 0
    texts = output_texts(mini_site / "public")
    assert "stories/2026/03/gamma/index.html" in texts and not _mentions(texts, HELD["delta"])
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--future", "--quiet").code == 0
    texts = output_texts(mini_site / "public")
    assert "stories/2030/01/delta/index.html" in texts and not _mentions(texts, HELD["gamma"])
