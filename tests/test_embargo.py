"""Embargoes: a story is absent from every output until the build's clock passes its embargo."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, declare_topics, output_texts, soup

from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions

EMBARGO = "2026-05-01T06:00:00Z"
TITLE = "Kappa programme unveiled at dawn"


@pytest.fixture
def embargo_site(mini_site: Path) -> Path:
    declare_topics(mini_site, "kappa-topic")
    story = mini_site / "content" / "stories" / "2026" / "03" / "kappa-unveiled.md"
    story.write_text(f"""---
title: "{TITLE}"
date: 2026-03-25T08:00:00Z
embargo: {EMBARGO}
summary: "The kappa programme was unveiled."
takeaways:
  - "Unveiled."
impact: 9
sentiment: positive
affected: [Kappa Office]
topics: [air-defense, kappa-topic]
sources:
  - outlet: wire.example
    title: "Kappa unveiled"
    url: https://wire.example/kappa
---

The kappa programme mentions IAMD.
""")
    return mini_site


def test_embargoed_story_leaks_nowhere_before_the_lift(embargo_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("build", "--source", embargo_site, "--now", "2026-04-30T00:00:00Z")
    assert result.code == 0, result.err
    texts = output_texts(embargo_site / "public")
    assert any(name.startswith("pagefind/") for name in texts)
    for secret in (TITLE, "kappa-unveiled", "/stories/2026/03/kappa-unveiled/", "Kappa Office", "kappa-topic"):
        assert not [name for name, text in texts.items() if secret.lower() in text or secret.lower() in name]
    assert ("next publication 2026-05-01T06:00:00+00:00: content/stories/2026/03/kappa-unveiled.md (its embargo "
            "lifts); build again then to publish it") in result.out.splitlines()


def test_story_appears_after_the_lift(embargo_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", embargo_site, "--now", "2026-05-01T06:00:01Z").code == 0
    public = embargo_site / "public"
    assert TITLE in (public / "stories" / "2026" / "03" / "kappa-unveiled" / "index.html").read_text()
    assert TITLE in (public / "index.html").read_text()
    assert (public / "affected" / "kappa-office" / "index.html").exists()


def test_source_date_epoch_is_the_clock(embargo_site: Path, beatgen: Callable[..., Run],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1777600000")  # 2026-05-01T01:46:40Z, before the lift
    result = beatgen("build", "--source", embargo_site)
    assert "from SOURCE_DATE_EPOCH" in result.out
    assert not (embargo_site / "public" / "stories" / "2026" / "03" / "kappa-unveiled").exists()


def test_links_to_an_embargoed_story_are_errors_naming_both_files(embargo_site: Path,
                                                                  beatgen: Callable[..., Run]) -> None:
    alpha = embargo_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    text = alpha.read_text().replace("story: beta", "story: kappa-unveiled")
    alpha.write_text(text + "\nSee [kappa](kappa-unveiled.md).\n")
    result = beatgen("check", "--source", embargo_site, "--now", "2026-04-01T00:00:00Z")
    assert result.code == 1
    assert ("content/stories/2026/03/alpha.md:31:12: error: timeline names story 'kappa-unveiled' "
            "(content/stories/2026/03/kappa-unveiled.md), which is embargoed until 2026-05-01T06:00:00+00:00; "
            "it cannot be linked until it is published [unknown-story]") in result.err
    assert ("content/stories/2026/03/alpha.md:50:13: error: broken internal link 'kappa-unveiled.md': it points at "
            "content/stories/2026/03/kappa-unveiled.md, which is embargoed until 2026-05-01T06:00:00+00:00; "
            "remove the link until it is published [broken-link]") in result.err
    assert beatgen("check", "--source", embargo_site, "--now", "2026-05-02T00:00:00Z").code == 0


def test_check_json_carries_the_lift_time(embargo_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("check", "--source", embargo_site, "--now", "2026-04-01T00:00:00Z", "--format", "json")
    assert result.code == 0
    notes = [d for d in json.loads(result.out) if d["code"] == "embargo"]
    assert notes == [{"file": "content/stories/2026/03/kappa-unveiled.md", "line": 1, "column": 1,
                      "severity": "note", "code": "embargo",
                      "message": "embargoed until 2026-05-01T06:00:00+00:00: held back from every output until then"}]


def test_preview_shows_embargoed_story_with_a_banner(embargo_site: Path, tmp_path: Path) -> None:
    options = BuildOptions(embargo_site, tmp_path / "preview", now="2026-04-01T00:00:00Z", preview=True,
                           embargoed=True)
    build(options)
    page = soup(tmp_path / "preview" / "stories" / "2026" / "03" / "kappa-unveiled" / "index.html")
    banner = page.select_one(".preview-banner.banner-embargoed")
    assert banner.get_text(" ", strip=True).startswith("Embargoed Embargoed until 2026-05-01T06:00:00+00:00")
