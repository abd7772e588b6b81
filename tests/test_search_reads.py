"""What Pagefind reads from a story page, checked against Pagefind itself: an edit that leaves the digest
equal leaves Pagefind's bundle byte for byte equal, and an edit to what it indexes changes the digest."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from sitekit import copy_site, tree_bytes

from beatgen.cli import main
from beatgen.engine.search_bundle import index_shard
from beatgen.engine.search_reads import indexed_digest, indexed_parts

NOW = "2026-06-01T00:00:00Z"
PAGE = "stories/2026/03/alpha/index.html"
BESIDE = "stories/2026/02/beta/index.html"
WATCH = '<section class="watch"'

UNREAD = {
    "a comment in the head": ("</head>", "<!-- a note -->\n</head>"),
    "a comment in a body": ('<h2 id="what-it-changes">', '<!-- a note --><h2 id="what-it-changes">'),
    "the navigation's words": (">Topics</a>", ">Subjects</a>"),
    "the footer's words": ("How we score stories", "How we rate stories"),
    "a class outside the bodies": ('class="story"', 'class="story wide"'),
    "an id in the header": ('<header class="site-header">', '<header class="site-header" id="top">'),
    "a logo before the title": ('<a class="brand" href="/">', '<a class="brand" href="/"><img src="/logo.svg" alt="">'),
    "a script in the head": ("</head>", '<script>let tag = "</section><div>";</script></head>'),
    "the takeaways, before the bodies": ("Deliveries start next year.", "Deliveries start soon."),
    "a section between the bodies": (
        '<section class="affected"', '<section><p>Between.</p></section>\n<section class="affected"'),
    "an element after the bodies": (WATCH, f'<div class="note"><p>After.</p></div>{WATCH}'),
    "a related story's title": ("Beta range trials conclude</a></h3>", "Beta trials end</a></h3>"),
    "the pager's words": ("Previous story</span>", "Earlier story</span>"),
    "the spacing between sections": (
        '</section>\n\n  <section class="timeline"', '</section> <section class="timeline"'),
}
READ = {
    "the body's words": ("largest single order", "largest ever order"),
    "a filter's value": ('data-pagefind-filter="impact">High', 'data-pagefind-filter="impact">Very high'),
    "the sort key": ("2026-03-14T09:30:00+00:00 /stories", "2026-01-14T09:30:00+00:00 /stories"),
    "the title": ("Alpha command orders new IAMD batteries</h1>", "Alpha command orders IAMD batteries</h1>"),
    "the language": ('<html lang="en">', '<html lang="fr">'),
    "an anchor in a body": ('<h2 id="what-it-changes">', '<h2 id="changes">'),
    "a heading no longer ignored": ('<h2 id="facts-title" data-pagefind-ignore>', '<h2 id="facts-title">'),
    "metadata outside the bodies": ('<p class="byline">', '<p class="byline" data-pagefind-meta="byline">'),
    "an image after the title": ("</h1>", '</h1><img src="/lead.jpg" alt="Lead">'),
    "a weight in a body": ("<ol><li>The order covers", '<ol data-pagefind-weight="3"><li>The order covers'),
    "words directly in an ancestor, after a body": (WATCH, f"Loose words. {WATCH}"),
    "words directly in the main element, after the story": ("</article>\n</main>", "</article>Trailing.\n</main>"),
    "the case of a body's word": ("The alpha command signed", "The Alpha command signed"),
    "metadata spelt in capitals": ('<p class="byline">', '<p class="byline" DATA-PAGEFIND-META="byline">'),
    "filters excluded whole": ("<div hidden data-pagefind-ignore>", '<div hidden data-pagefind-ignore="all">'),
}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    """The mini site's alpha story page as the real layouts write it, and its output (which holds the
    story indexed beside it)."""
    site = copy_site("mini", tmp_path_factory.mktemp("reads") / "site")
    assert main(["build", "--source", str(site), "--now", NOW, "--no-search"]) == 0
    return (site / "public" / PAGE).read_bytes(), site / "public"


def bundle(page: bytes, public: Path) -> dict[str, bytes]:
    """Pagefind's bundle (made reproducible, as every shard is) of `page` and an older story: two pages, so
    that the sort order is in it."""
    folder = Path(tempfile.mkdtemp(dir=public.parent))
    (folder / "page.html").write_bytes(page)
    index_shard([(BESIDE, public / BESIDE), (PAGE, folder / "page.html")], folder / "bundle")
    return tree_bytes(folder / "bundle")


def edited(page: bytes, old: str, new: str) -> bytes:
    assert page.count(old.encode()) >= 1, old
    return page.replace(old.encode(), new.encode(), 1)


@pytest.mark.parametrize("edit", UNREAD)
def test_an_edit_pagefind_does_not_read_keeps_the_digest_and_the_bundle(story: tuple[bytes, Path], edit: str) -> None:
    page, public = story
    changed = edited(page, *UNREAD[edit])
    assert indexed_digest(changed) == indexed_digest(page)
    assert bundle(changed, public) == bundle(page, public)


@pytest.mark.parametrize("edit", READ)
def test_an_edit_pagefind_reads_changes_the_digest_and_the_bundle(story: tuple[bytes, Path], edit: str) -> None:
    page, public = story
    changed = edited(page, *READ[edit])
    assert indexed_digest(changed) != indexed_digest(page)
    assert bundle(changed, public) != bundle(page, public)


def test_a_story_page_is_read_in_parts_not_whole(story: tuple[bytes, Path]) -> None:
    """The pages the layouts write are ones this reading follows: no doubt sends it to the whole page."""
    page, _public = story
    parts = indexed_parts(page)
    assert len(parts) > 3 and sum(map(len, parts)) < len(page) // 2


DOUBTS = {
    "an angle bracket in a value": (
        '<span data-pagefind-filter="year">', '<span title="a<b" data-pagefind-filter="year">'),
    "an element left open": (WATCH, f'<div class="open">{WATCH}'),
    "an exclusion Pagefind reads as all": ("data-pagefind-ignore>Key Facts", 'data-pagefind-ignore="every">Key Facts'),
    "no body": (" data-pagefind-body>", ">"),
}


@pytest.mark.parametrize("doubt", DOUBTS)
def test_a_page_this_reading_does_not_follow_counts_whole(story: tuple[bytes, Path], doubt: str) -> None:
    page, _public = story
    old, new = DOUBTS[doubt]
    changed = page.replace(old.encode(), new.encode())
    assert changed != page and indexed_parts(changed) == [changed]
