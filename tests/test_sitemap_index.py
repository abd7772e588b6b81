"""Past one sitemap's limit of URLs, /sitemap.xml becomes a sitemap index over parts; below it, one urlset.

The limit (50,000 URLs) is lowered in-process so that a small real site outgrows it; forked build workers
inherit the lowered value.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sitekit import Run, write_story

NOW = "2026-06-01T00:00:00Z"
BASE = "https://example.org/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LIMIT = 5
SPLIT = ("sitemap.xml", "sitemaps/sitemap-1.xml", "sitemaps/sitemap-2.xml")

Entry = tuple[str, datetime]


@pytest.fixture
def site(mini_site: Path) -> Path:
    """The mini site and a year of older stories: parts holding only those carry different lastmods."""
    for month in range(1, 13):
        write_story(mini_site, f"older-{month:02d}", f"2025-{month:02d}-{month + 10:02d}")
    return mini_site


@pytest.fixture
def build(site: Path, beatgen: Callable[..., Run], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Build `site` with a given sitemap limit into `out` (default: the site's public/, cached, in place)."""

    def run(limit: int, out: Path | None = None) -> Path:
        monkeypatch.setattr("beatgen.routes.SITEMAP_LIMIT", limit)
        out = site / "public" if out is None else out
        result = beatgen("build", "--source", site, "--output", out, "--now", NOW, "--no-search", "--quiet")
        assert result.code == 0, result.err
        return out

    return run


def parse(path: Path, root_tag: str, item_tag: str) -> list[Entry]:
    """The (loc, lastmod) items of a sitemap or sitemap index, checking it holds nothing else."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{SITEMAP}{root_tag}"
    assert all(el.tag.startswith(SITEMAP) for el in root.iter()), "an element outside the sitemap namespace"
    items = list(root)
    assert [item.tag for item in items] == [f"{SITEMAP}{item_tag}"] * len(items)
    for item in items:
        assert [child.tag for child in item] == [f"{SITEMAP}loc", f"{SITEMAP}lastmod"]
    return [(item.findtext(f"{SITEMAP}loc"), datetime.fromisoformat(item.findtext(f"{SITEMAP}lastmod")))
            for item in items]


def urlset(path: Path) -> list[Entry]:
    return parse(path, "urlset", "url")


def sitemap_index(path: Path) -> list[Entry]:
    return parse(path, "sitemapindex", "sitemap")


def parts(public: Path) -> dict[int, list[Entry]]:
    """Every part the index lists, by number, after checking the index names exactly the part files."""
    index = sitemap_index(public / "sitemap.xml")
    locs = [loc for loc, _ in index]
    assert locs == [f"{BASE}sitemaps/sitemap-{k}.xml" for k in range(1, len(index) + 1)]
    assert sorted(p.name for p in (public / "sitemaps").iterdir()) == sorted(loc.rsplit("/", 1)[1] for loc in locs)
    return {k: urlset(public / "sitemaps" / f"sitemap-{k}.xml") for k in range(1, len(index) + 1)}


def in_plan_order(by_number: dict[int, list[Entry]]) -> list[Entry]:
    """Parts are counted from the end of the plan: the highest number holds the home page."""
    return [entry for k in sorted(by_number, reverse=True) for entry in by_number[k]]


def test_up_to_the_limit_the_sitemap_is_one_urlset(site: Path, build: Callable[..., Path]) -> None:
    single = build(50_000, site / "single")
    count = len(urlset(single / "sitemap.xml"))
    assert count > LIMIT * 4
    fits = build(count, site / "fits")
    assert (fits / "sitemap.xml").read_bytes() == (single / "sitemap.xml").read_bytes()
    assert not (fits / "sitemaps").exists()


def test_past_the_limit_an_index_lists_parts_holding_every_url_once(site: Path, build: Callable[..., Path]) -> None:
    single = build(50_000, site / "single")
    every = urlset(single / "sitemap.xml")
    public = build(LIMIT, site / "split")
    by_number = parts(public)
    assert len(by_number) == -(-len(every) // LIMIT)
    assert all(1 <= len(entries) <= LIMIT for entries in by_number.values())
    assert in_plan_order(by_number) == every
    assert len({loc for loc, _ in every}) == len(every)
    index = dict(sitemap_index(public / "sitemap.xml"))
    for k, entries in by_number.items():
        assert index[f"{BASE}sitemaps/sitemap-{k}.xml"] == max(lastmod for _, lastmod in entries)
    assert len(set(index.values())) > 2, "parts of older stories should carry older lastmods"
    assert (public / "robots.txt").read_bytes() == (single / "robots.txt").read_bytes()
    assert f"Sitemap: {BASE}sitemap.xml" in (public / "robots.txt").read_text().splitlines()


def test_a_new_story_leaves_the_parts_after_the_home_pages_untouched(site: Path, build: Callable[..., Path]) -> None:
    public = build(LIMIT)
    before = parts(public)
    times = {k: (public / "sitemaps" / f"sitemap-{k}.xml").stat().st_mtime_ns for k in before}
    write_story(site, "newest", "2026-03-20T08:00:00Z")
    after = parts(build(LIMIT))
    new = f"{BASE}stories/2026/03/newest/"
    holding = [k for k, entries in after.items() if new in dict(entries)]
    assert len(holding) == 1 and holding[0] > len(after) // 2, holding
    home = {BASE, *(f"{BASE}page/{n}/" for n in range(2, 20))}
    away_from_home = [k for k, entries in before.items() if not home & dict(entries).keys()]
    assert len(away_from_home) >= 5
    for k in away_from_home:
        assert [loc for loc, _ in after[k]] == [loc for loc, _ in before[k]], f"part {k} shifted"
        if after[k] == before[k]:
            assert (public / "sitemaps" / f"sitemap-{k}.xml").stat().st_mtime_ns == times[k]
    assert any(after[k] == before[k] for k in away_from_home), "no part was left as it was"


def test_incremental_rebuilds_cross_the_limit_both_ways(site: Path, build: Callable[..., Path]) -> None:
    public = build(50_000)
    single = (public / "sitemap.xml").read_bytes()
    count = len(urlset(public / "sitemap.xml"))
    build(count)
    assert (public / "sitemap.xml").read_bytes() == single
    story = write_story(site, "one-too-many", "2026-03-20")
    by_number = parts(build(count))
    assert len(by_number) == 2 and len(in_plan_order(by_number)) == count + 1
    split = {rel: (public / rel).read_bytes() for rel in SPLIT}
    story.unlink()
    build(count)
    assert (public / "sitemap.xml").read_bytes() == single
    assert not (public / "sitemaps").exists()
    write_story(site, "one-too-many", "2026-03-20")
    clean = build(count, site / "clean")
    assert {rel: (clean / rel).read_bytes() for rel in SPLIT} == split
