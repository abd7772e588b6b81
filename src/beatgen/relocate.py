"""`beatgen rename` and `beatgen move`: a story takes a new slug or a new date, and with it a new URL; its
old URL becomes an alias (a redirect), and every link and timeline reference to it follows.

A story's URL is made of its date and its slug (`/stories/{year}/{month}/{slug}/`); the folder its file
sits in decides nothing. So `rename` changes the slug (the file's name, and its `slug:` when it has one),
and `move` changes the date (`--date`), the folder (`--to YEAR/MONTH`), or both: the file follows the
date to its month's folder. Every edit is checked with `beatgen check` on a trial copy of the site first,
and written all or nothing (`edits/commit.py`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from beatgen.config import SiteConfig
from beatgen.content.load import Content
from beatgen.content.model import Page, Story, Term
from beatgen.content.references import QUALIFIED, StoryRefs, qualified
from beatgen.diagnostics import Diagnostic
from beatgen.edits.commit import Change, commit
from beatgen.edits.text import closing_line, relink, replace_scalar, set_list
from beatgen.edits.trial import errors, errors_after
from beatgen.engine.fingerprint import Fingerprinter
from beatgen.engine.reading import read_content
from beatgen.engine.state import BuildState
from beatgen.spelling import did_you_mean
from beatgen.urls import is_slug, story_path

MONTH_FOLDER = re.compile(r"^content/stories/\d{4}/\d{2}$")


class RelocateError(Exception):
    """Nothing was written: the message says why, `problems` what `check` found."""

    def __init__(self, message: str, problems: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Target:
    """Where a story goes: its new file, date and slug (unchanged ones as they are)."""

    file: str
    date: datetime
    slug: str
    date_text: str = ""
    """The new `date:` as written on the command line; "" keeps the date."""


@dataclass
class Moved:
    """What a rename or move did."""

    old_file: str
    new_file: str
    old_url: str
    new_url: str
    links: int = 0
    references: int = 0
    files: list[str] = field(default_factory=list)


def rename(site_dir: Path, config: SiteConfig, reference: str, slug: str, now: str | None) -> Moved:
    """Give a story (by slug or file) a new slug: its `slug:` line when it has one, and its file's name unless
    that is not the slug (a `slug:` line then decides, and the file keeps its own name)."""
    if not is_slug(slug):
        raise RelocateError(f"the new slug must use only a-z, 0-9 and single '-' (at most 100 characters), "
                            f"got {slug!r}")
    content, story = _find(site_dir, config, reference, now)
    if slug == story.slug:
        raise RelocateError(f"{story.file} already has the slug '{slug}'")
    named = Path(story.file).stem != story.slug and _has_key(_text((site_dir / story.file).read_bytes()), "slug")
    name = Path(story.file).name if named else f"{slug}.md"
    target = Target(posixpath.join(posixpath.dirname(story.file), name), story.date, slug)
    return relocate(site_dir, config, content, story, target, now)


def move(site_dir: Path, config: SiteConfig, reference: str, folder: str | None, date: tuple[datetime, str] | None,
         now: str | None) -> Moved:
    """Move a story to `folder` (`YEAR/MONTH` under content/stories/), give it a new `date` (the instant, and the
    text to write), or both. Without `folder`, a file in a month's folder follows its new date there."""
    content, story = _find(site_dir, config, reference, now)
    when, written = date or (story.date, "")
    current = posixpath.dirname(story.file)
    if folder is None and date is not None and MONTH_FOLDER.match(current):
        folder = f"{when:%Y}/{when:%m}"
    where = f"content/stories/{folder}" if folder else current
    target = Target(f"{where}/{posixpath.basename(story.file)}", when, story.slug, written)
    if target.file == story.file and when == story.date:
        raise RelocateError(f"{story.file} is already in {where}/ and dated {story.date.isoformat()}: nothing to move")
    return relocate(site_dir, config, content, story, target, now)


def _find(site_dir: Path, config: SiteConfig, reference: str, now: str | None) -> tuple[Content, Story]:
    """The site's content and the story a reference names, once the site passes `check` as it is."""
    content = read_content(site_dir, config, Fingerprinter("").of(config), BuildState(), 0)[0]
    story = _named(content.stories, site_dir, reference)
    before = errors(site_dir, now)
    if before:
        raise RelocateError("the site does not pass `beatgen check` as it is; fix these first, then run this again",
                            before)
    return content, story


def _named(stories: list[Story], site_dir: Path, reference: str) -> Story:
    """The story a reference names: its file (`content/stories/.../x.md`), its slug, or `YEAR/MONTH/slug` when
    two months share the slug, as a timeline names it."""
    if reference.endswith(".md"):
        path = (site_dir / reference).resolve()
        found = [story for story in stories if (site_dir / story.file).resolve() == path]
        if not found:
            raise RelocateError(f"{reference} is not a story file that passes `beatgen check`; give its path from the "
                                "site folder, its slug, or YEAR/MONTH/slug")
        return found[0]
    refs = StoryRefs(stories)
    found = refs.find(reference)
    if len(found) > 1:
        forms = " or ".join(f"'{qualified(story)}'" for story in found)
        raise RelocateError(f"'{reference}' is the slug of {len(found)} stories; write {forms}")
    if not found:
        raise RelocateError(f"no story has the slug '{reference}'{did_you_mean(reference, refs.names(reference))} "
                            "(give its slug, YEAR/MONTH/slug or its file path)")
    return found[0]


def relocate(site_dir: Path, config: SiteConfig, content: Content, story: Story, target: Target,
             now: str | None) -> Moved:
    """Plan every edit, check the site as it would be after them, then write them all or nothing."""
    moving = target.file != story.file
    if moving and (site_dir / target.file).exists():
        raise RelocateError(f"{target.file} already exists; it was left as it is: choose another name")
    moved = Moved(story.file, target.file, story.path, story_path(config.permalink("story"), target.date,
                                                                   target.slug))
    texts = _planned(site_dir, content, story, target, moved)
    changes: dict[str, str | None] = {rel: text for rel, (_, text) in texts.items()}
    if moving:
        changes[story.file], changes[target.file] = None, changes[story.file]
    try:
        problems = errors_after(site_dir, changes, now)
    except OSError as exc:
        raise RelocateError(f"cannot try the change out: {exc.filename or 'a file'}: {exc.strerror or exc}") from exc
    if problems:
        raise RelocateError("nothing was written: after the change the site would not pass `beatgen check`",
                            problems)
    commit(site_dir, [Change(rel, raw, _encoded(text, raw), target.file if moving and rel == story.file else "")
                      for rel, (raw, text) in texts.items()])
    moved.files = sorted(rel for rel in texts if rel != story.file)
    return moved


def _planned(site_dir: Path, content: Content, story: Story, target: Target,
             moved: Moved) -> dict[str, tuple[bytes, str]]:
    """Each file that changes: its bytes now and its new text (the story's under its old path)."""
    refs = StoryRefs(content.stories)
    shared = any(other.slug == target.slug and other.file != story.file for other in content.stories)
    timelines = {other.file: other.timeline for other in content.stories}
    planned = {}
    documents: list[Story | Term | Page] = [*content.stories, *content.terms, *content.pages]
    for rel in sorted({d.file for d in documents}):
        raw = (site_dir / rel).read_bytes()
        before = _text(raw)
        lines = before.split("\n")
        if rel == story.file:
            _edit_story(lines, story, target, moved)
        for entry in timelines.get(rel, ()):
            new = _reference(entry.story, refs.one(entry.story or "") is story, target, shared)
            if new is not None:
                replace_scalar(lines, entry.line, entry.column, new)
                moved.references += 1
        text, links = relink("\n".join(lines), _retarget(rel, story, target, moved))
        moved.links += links
        if text != before or rel == story.file:
            planned[rel] = (raw, text)
    return planned


def _reference(written: str | None, names_story: bool, target: Target, shared: bool) -> str | None:
    """How a timeline names the story after the change (when that is not how it is written): by slug, or by
    `YEAR/MONTH/slug` as before or when another story has the slug too."""
    if written is None or not names_story:
        return None
    new = f"{target.date:%Y}/{target.date:%m}/{target.slug}" if QUALIFIED.match(written) or shared else target.slug
    return new if new != written else None


def _edit_story(lines: list[str], story: Story, target: Target, moved: Moved) -> None:
    """The story's own front matter: its new slug or date, and its old URL added to its aliases."""
    closing = closing_line(lines)
    assert closing is not None
    for key, value in (("slug", target.slug if target.slug != story.slug else ""), ("date", target.date_text)):
        index = next((i for i in range(1, closing) if re.match(rf"{key}\s*:", lines[i])), None)
        if value and index is not None:
            replace_scalar(lines, index + 1, lines[index].index(":") + 2 + _gap(lines[index]), value)
    aliases = [alias.path for alias in story.aliases if alias.path.lower() != moved.new_url.lower()]
    if moved.old_url != moved.new_url:
        aliases.append(moved.old_url)
    if aliases != [alias.path for alias in story.aliases]:
        set_list(lines, "aliases", aliases)


def _has_key(text: str, key: str) -> bool:
    lines = text.split("\n")
    return any(re.match(rf"{key}\s*:", line) for line in lines[1:closing_line(lines) or 0])


def _gap(line: str) -> int:
    """Spaces between a key's ':' and its value."""
    after = line[line.index(":") + 1:]
    return len(after) - len(after.lstrip(" "))


def _retarget(rel: str, story: Story, target: Target, moved: Moved) -> Callable[[str], str | None]:
    """The new destination of a link written in `rel`, for links to the story's file or URL, and for every
    file link of the story itself when its folder changes."""
    here, there = posixpath.dirname(rel), posixpath.dirname(target.file if rel == story.file else rel)

    def new_target(href: str) -> str | None:
        path, hash_, anchor = href.partition("#")
        if path.endswith(".md") and "://" not in path:
            points = posixpath.normpath(posixpath.join(here, path))
            points = target.file if points == story.file else points
            if posixpath.normpath(posixpath.join(there, path)) == points:
                return None
            return posixpath.relpath(points, there) + hash_ + anchor
        if path.startswith("/") and not path.startswith("//"):
            last = path.rsplit("/", 1)[-1]
            page = path if path.endswith("/") or "." in last else path + "/"
            return moved.new_url + hash_ + anchor if page == moved.old_url else None
        return None

    return new_target


def _text(raw: bytes) -> str:
    """A file's text as the content reader sees it: no byte order mark, '\\n' line ends."""
    return raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")


def _encoded(text: str, raw: bytes) -> bytes:
    """New text with the original file's byte order mark and line ends."""
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + text.encode("utf-8")
