"""A save that changes only what stories say: the last build's site, page plan and checks still hold.

`serve` knows which files a save touched (the watcher's paths). When each of them is a story the last build
published, read without a problem, whose signature (`engine/structure.py`: its place in every listing),
picture, and body's glossary terms and pictures are what they were, the site kept its shape. Then only the
edited files are read, parsed and rendered to HTML again, and the site's indexes are patched where those
stories sit (`site.index.with_texts`) instead of being built again from every file. Anything else (a new,
moved, removed or broken file, data, layouts, the clock reaching a scheduled story) takes the whole
`prepare`, so what this gives is always what `prepare` would give.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from markdown_it import MarkdownIt

from beatgen.content.load import ContentFile
from beatgen.content.model import Story
from beatgen.engine.clock import resolve_now
from beatgen.engine.markup import fragment_key, render_fragments
from beatgen.engine.prepared import BuildOptions, Prepared, prepared_with
from beatgen.engine.reading import parse_key, read_file
from beatgen.engine.state import BuildState, FileStamp, Fragment, Parsed
from beatgen.engine.structure import story_signature
from beatgen.engine.verify import page_holders
from beatgen.markdown.fragments import StoryHtml
from beatgen.markdown.renderer import make_markdown
from beatgen.site.index import holders, with_texts

Reread = tuple[str, FileStamp, Parsed, Fragment]
"""One edited story: its file, stamp, parse and fragment."""


def after_text_edits(options: BuildOptions, last: Prepared | None, changed: frozenset[str] | None,
                     state: BuildState) -> Prepared | None:
    """The last build's preparation with the edited stories in it, or None when the edit is not one of text
    only. The state learns the new files, parses and fragments only when the answer is not None."""
    saved = saved_stories(options, last, changed)
    if saved is None or any(d.file in saved.stories for d in saved.last.diagnostics):
        return None
    last, published, now, clock = saved
    md = make_markdown()
    reread = [_reread(options.site_dir, published[rel], last, md) for rel in sorted(published)]
    if any(item is None for item in reread):
        return None
    kept = [item for item in reread if item is not None]
    html = dict(last.html)
    parse_keys, fragment_keys = dict(last.parse_keys), dict(last.fragment_keys)
    for rel, stamp, parsed, fragment in kept:
        _forget(state, parse_keys.get(rel), fragment_keys.get(rel))
        parse_keys[rel] = parse_key(_story_file(options.site_dir, rel), stamp.digest, last.config_token)
        fragment_keys[rel] = fragment_key(parse_keys[rel], last.fragment_token)
        state.files.keep(rel, stamp)
        state.parsed.keep(parse_keys[rel], parsed)
        state.fragments.keep(fragment_keys[rel], fragment)
        html[rel] = fragment.html
    edited = [parsed.model for _, _, parsed, _ in kept if isinstance(parsed.model, Story)]
    site = with_texts(last.site, edited, last.of_shape("holders", lambda: holders(last.site)))
    return replace(last, site=site, html=html, now=now, clock=clock, parse_keys=parse_keys,
                   fragment_keys=fragment_keys)


class Saved(NamedTuple):
    """A save the last preparation may be patched for: it, the saved files' stories in it, and the clock."""

    last: Prepared
    stories: dict[str, Story]
    now: datetime
    clock: str


def saved_stories(options: BuildOptions, last: Prepared | None, changed: frozenset[str] | None) -> Saved | None:
    """The last preparation and its stories of the saved files, when it was made for these options, the clock
    has not reached a held story since, and every saved file is a story it published; else None."""
    if not changed or last is None or last.targets is None or prepared_with(options) != last.made_with:
        return None
    now, clock = resolve_now(options.now)
    if last.valid_until is not None and now >= last.valid_until:
        return None
    published = published_stories(last, changed)
    return None if published is None else Saved(last, published, now, clock)


def published_stories(last: Prepared, files: frozenset[str]) -> dict[str, Story] | None:
    """The last build's published stories of these files by file, or None when one of them is not one. Found
    through each story's address by file, a value of the site's shape kept with it (a save of text keeps it),
    not a pass over every story on every save."""
    paths = _paths_by_file(last)
    if not files <= paths.keys():
        return None
    return {rel: last.site.by_path[paths[rel]] for rel in files}


def _paths_by_file(last: Prepared) -> dict[str, str]:
    return last.of_shape("paths by file", lambda: {story.file: story.path for story in last.site.stories})


def prime(state: BuildState) -> None:
    """Make now what a save of text will look up (where each story sits in the site's lists and which pages
    hold it), after a build that prepared the site whole: `serve` calls this once the tabs have reloaded,
    so that the next save does not pay for it."""
    prepared = state.prepared
    if isinstance(prepared, Prepared):
        prepared.of_shape("holders", lambda: holders(prepared.site))
        page_holders(prepared, state.pages)
        _paths_by_file(prepared)


def _reread(site_dir: Path, old: Story, last: Prepared, md: MarkdownIt) -> Reread | None:
    """The story's file read, parsed and rendered again, when it kept its shape and has no problem."""
    found = reread_story(site_dir, old.file, last, md)
    if found is None:
        return None
    stamp, parsed, fragment = found
    model = parsed.model
    before = last.html[old.file]
    if (not isinstance(model, Story) or parsed.signature != story_signature(old) or model.image != old.image
            or not isinstance(fragment.html, StoryHtml) or not isinstance(before, StoryHtml)
            or fragment.html.glossary != before.glossary or fragment.html.pictures != before.pictures):
        return None
    return old.file, stamp, parsed, fragment


def reread_story(site_dir: Path, rel: str, last: Prepared, md: MarkdownIt
                 ) -> tuple[FileStamp, Parsed, Fragment] | None:
    """A story file read, parsed and its body rendered against the last build's link targets, when it reads
    into a story without a problem (a symbolic link is left to the whole preparation, which refuses it)."""
    found = reread_model(site_dir, rel, last)
    return None if found is None else rendered(found, last, md)


def reread_model(site_dir: Path, rel: str, last: Prepared) -> tuple[FileStamp, Parsed] | None:
    """A story file read and parsed, when it reads into a story without a problem (its body not yet rendered)."""
    item = _story_file(site_dir, rel)
    if os.path.islink(item.path):
        return None
    stamp, parsed = read_file(item, last.config)
    if stamp is None or not isinstance(parsed.model, Story) or parsed.diagnostics:
        return None
    return stamp, parsed


def rendered(found: tuple[FileStamp, Parsed], last: Prepared, md: MarkdownIt
             ) -> tuple[FileStamp, Parsed, Fragment] | None:
    """A story read by `reread_model` with its body rendered, when the body has no problem."""
    stamp, parsed = found
    assert last.targets is not None
    fragment = render_fragments(md, [parsed.model], {}, last.targets, BuildState(), 1)[parsed.model.file]
    assert isinstance(fragment, Fragment)  # a state without a store keeps fragments in memory
    return None if fragment.diagnostics else (stamp, parsed, fragment)


def _story_file(site_dir: Path, rel: str) -> ContentFile:
    return ContentFile("story", rel, str(site_dir / rel))


def _forget(state: BuildState, parse: str | None, fragment: str | None) -> None:
    """The edited file's old parse and fragment: the state tracks the site, it does not grow with each save."""
    state.parsed.forget(parse or "")
    state.fragments.forget(fragment or "")
