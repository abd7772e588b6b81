"""`serve`'s first look at a save that moves a story: its own page, shown before the rest of the site.

A new date, topic or source changes the site's shape, and the whole preparation that follows takes seconds
on a large site (every list may have moved). The writer looks at the story they saved, so `serve` first
renders that page alone from the last build's site with the new model standing where the old one stood
(`site.index.with_placed`), puts it live and reloads the tabs, then builds the site whole and reloads
again (the story's neighbours and every listing then move to their new places). Hugo's server does the
same in its fast render mode, rendering the pages open in a browser first.

Only a save the last site can show is looked at first: each file a story the last build published, read
without a problem into a published story at the same address, with the same picture and body pictures,
whose topics, entities, authors, month and timeline references the last site already has. A save of text
alone needs no first look (`engine/text_edits.py` is as fast and exact); anything else goes straight to the
whole build.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from markdown_it import MarkdownIt

from beatgen.content.model import Story
from beatgen.content.publication import Visibility, select
from beatgen.engine.prepared import BuildOptions, Prepared
from beatgen.engine.state import FileStamp, Parsed
from beatgen.engine.structure import story_signature
from beatgen.engine.text_edits import rendered, reread_model, saved_stories
from beatgen.markdown.fragments import StoryHtml
from beatgen.markdown.renderer import make_markdown
from beatgen.site.index import Site, holders, with_placed
from beatgen.urls import output_file, slugify

Look = tuple[Prepared, frozenset[str]]
"""The provisional preparation, and the output files of the moved stories' own pages."""


def first_look(options: BuildOptions, last: Prepared | None, changed: frozenset[str] | None) -> Look | None:
    """The last preparation with the saved stories standing where they stood, and their pages; None when the
    save is not one to show first. Nothing of the build's state is changed."""
    saved = saved_stories(options, last, changed)
    if saved is None:
        return None
    last, published, now, clock = saved
    found = {rel: reread_model(options.site_dir, rel, last) for rel in sorted(published)}
    read = {rel: model for rel, model in found.items() if model is not None}
    if len(read) != len(found):
        return None
    if all(parsed.signature == story_signature(published[rel]) for rel, (_stamp, parsed) in read.items()):
        return None  # a save of text alone, which the build's own path takes (`engine/text_edits.py`)
    md = make_markdown()
    show = Visibility(drafts=options.drafts, future=options.future, embargoed=options.embargoed)
    moved, html = [], dict(last.html)
    for rel, model in read.items():
        shown = _moved(model, published[rel], last, md, show, now)
        if shown is None:
            return None
        moved.append(shown[0])
        html[rel] = shown[1]
    site = with_placed(last.site, moved, last.of_shape("holders", lambda: holders(last.site)))
    pages = frozenset(output_file(story.path) for story in moved)
    return replace(last, site=site, html=html, now=now, clock=clock), pages


def _moved(read: tuple[FileStamp, Parsed], old: Story, last: Prepared, md: MarkdownIt, show: Visibility,
           now: datetime) -> tuple[Story, StoryHtml] | None:
    """The saved story and its body's HTML, when the last site can show it in the old one's place."""
    found = rendered(read, last, md)
    if found is None:
        return None
    _stamp, parsed, fragment = found
    model, before = parsed.model, last.html[old.file]
    if (not isinstance(model, Story) or not isinstance(fragment.html, StoryHtml) or not isinstance(before, StoryHtml)
            or model.path != old.path or model.image != old.image or fragment.html.pictures != before.pictures
            or not select([model], now, show)[0] or not _placed(last.site, model)):
        return None
    return model, fragment.html


def _placed(site: Site, story: Story) -> bool:
    """Every list and story the page names is one the last site has."""
    year, month = f"{story.date:%Y}", f"{story.date:%m}"
    return (all(slugify(name) in site.topics for name in story.topics)
            and all(slugify(name) in site.entities for name in story.affected)
            and all(author in site.authors for author in story.authors)
            and month in site.archive.get(year, {})
            and all(entry.story is None or site.story_named(entry.story) is not None for entry in story.timeline))
