"""Slugs from names in every script: transliterated (fixtures/slugs.txt), never empty, and unchanged for ASCII."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sitekit import FIXTURES, Run, soup

from beatgen.urls import plain_slug, slugify

NOW = "2026-06-01T00:00:00Z"
ROWS = [tuple(part.strip() for part in line.split("|"))
        for line in (FIXTURES / "slugs.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")]


def todays_slug(text: str) -> str:
    """The slug every name got before transliteration (accents dropped, other scripts lost)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded.replace("'", "")).strip("-")[:80].strip("-")


@pytest.mark.parametrize(("language", "title", "slug"), ROWS, ids=[f"{row[0]}-{n}" for n, row in enumerate(ROWS)])
def test_each_title_gives_its_fixture_slug(language: str, title: str, slug: str) -> None:
    assert slugify(title) == plain_slug(title) == slug


def test_new_writes_every_title_under_its_slug_and_the_build_serves_it(mini_site: Path,
                                                                      beatgen: Callable[..., Run]) -> None:
    for _, title, slug in ROWS:
        result = beatgen("new", "story", title, "--date", "2026-05-12", "--source", mini_site)
        assert result.code == 0, result.err
        assert (mini_site / f"content/stories/2026/05/{slug}.md").is_file()
    built = beatgen("build", "--source", mini_site, "--now", NOW, "--drafts", "--quiet")
    assert built.code == 0, built.err
    for _, title, slug in ROWS:
        assert soup(mini_site / f"public/stories/2026/05/{slug}/index.html").h1.get_text() == title


def test_the_wisla_title_keeps_its_letters_on_the_real_command(mini_site: Path) -> None:
    command = [sys.executable, "-m", "beatgen", "new", "story", "Poland links its Wisła and Narew batteries",
               "--date", "2026-05-12", "--source", str(mini_site)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    made = mini_site / "content/stories/2026/05/poland-links-its-wisla-and-narew-batteries.md"
    assert result.stdout.splitlines()[0] == f"Created {made}"


@given(st.text(st.characters(max_codepoint=127), max_size=120))
def test_ascii_names_keep_todays_slugs(text: str) -> None:
    """Every existing file name, topic and entity written in ASCII keeps its URL."""
    assert plain_slug(text) == todays_slug(text)


@given(st.text(st.characters(categories=("L", "N")), min_size=1, max_size=40))
def test_letters_and_digits_of_any_script_always_give_a_slug(text: str) -> None:
    slug = plain_slug(text)
    assert slug == "" or re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slugify(text))


@pytest.mark.parametrize("title", ["🚀🛰️", "!!! ... ???", "🇵🇱 — 🇺🇦"])
def test_a_title_with_no_letters_or_digits_asks_for_a_slug(title: str, mini_site: Path,
                                                          beatgen: Callable[..., Run]) -> None:
    before = sorted(mini_site.rglob("*.md"))
    result = beatgen("new", "story", title, "--date", "2026-05-12", "--source", mini_site)
    assert result.code == 1
    assert result.err.splitlines() == [f'error: the story title "{title}" has no letters or digits to make a file '
                                       "name and URL from; give the slug with --slug (a-z, 0-9 and '-', e.g. "
                                       "--slug launch-video)"]
    assert sorted(mini_site.rglob("*.md")) == before
    result = beatgen("new", "story", title, "--date", "2026-05-12", "--slug", "launch-video", "--source", mini_site)
    assert result.code == 0, result.err
    text = (mini_site / "content/stories/2026/05/launch-video.md").read_text(encoding="utf-8")
    assert "\nslug: launch-video  # optional" in text
    assert beatgen("check", "--source", mini_site, "--now", NOW, "--drafts").code == 0


def test_a_bad_slug_option_is_refused(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("new", "term", "Wisła", "--slug", "Wisła System", "--source", mini_site)
    assert result.code == 1
    assert result.err.splitlines() == ["error: --slug may use only a-z, 0-9 and single '-' (at most 100 "
                                       "characters), got 'Wisła System'; did you mean 'wisla-system'?"]
    assert beatgen("new", "term", "Wisła", "--source", mini_site).code == 0
    assert (mini_site / "content/glossary/wisla.md").is_file()
