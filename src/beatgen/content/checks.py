"""Rules that span files: one URL per story, timeline references, glossary terms defined once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import PurePosixPath

from beatgen.content.model import Story, Term, Unread
from beatgen.content.publication import Held, Visibility
from beatgen.content.references import QUALIFIED, StoryRefs, qualified
from beatgen.diagnostics import Diagnostic, error, note
from beatgen.spelling import did_you_mean
from beatgen.urls import slugify


def duplicate_urls(stories: Iterable[Story]) -> list[Diagnostic]:
    """Two stories may not share a URL, not even one differing only by case (case-insensitive hosts)."""
    first: dict[str, Story] = {}
    problems = []
    for story in sorted(stories, key=lambda s: s.file):
        key = story.path.lower()
        if key in first:
            other = first[key]
            problems.append(error(story.file, 1, 1, "duplicate-url",
                                  f"this story has the URL {story.path}, like {other.file}; "
                                  "give one of them another slug"))
        else:
            first[key] = story
    return problems


def unread_names(unread: Iterable[Unread]) -> frozenset[str]:
    """The files whose front matter has errors, and their names: the slug a reference to one would use."""
    return frozenset(name for item in unread for name in (item.file, PurePosixPath(item.file).stem))


def timeline_references(published: Iterable[Story], stories: Iterable[Story], held: dict[str, Held],
                        unread: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """A timeline `story:` must name one published story (`held`: the held-back ones by file): naming a
    held-back one would reveal it early, and a slug that two months share names neither. A reference to
    a story file with errors of its own (`unread`) is left to them."""
    refs = StoryRefs(stories)
    problems = []
    for story in published:
        for entry in story.timeline:
            if entry.story is None or entry.story.rsplit("/", 1)[-1] in unread:
                continue
            found = refs.find(entry.story)
            problem = _reference_problem(entry.story, found, held, refs)
            if problem is not None:
                problems.append(error(story.file, entry.line, entry.column, *problem))
    return problems


def _reference_problem(reference: str, found: list[Story], held: dict[str, Held],
                       refs: StoryRefs) -> tuple[str, str] | None:
    if not found:
        return "unknown-story", (f"timeline names story '{reference}', but no story has that "
                                 f"{'slug' if QUALIFIED.match(reference) is None else 'year, month and slug'}"
                                 f"{did_you_mean(reference, refs.names(reference))}")
    if len(found) > 1:
        files = " and ".join(story.file for story in found)
        forms = " or ".join(f"'{qualified(story)}'" for story in found)
        return "ambiguous-story", (f"timeline names story '{reference}', which is the slug of {len(found)} stories "
                                   f"({files}); write {forms} to name one")
    other = held.get(found[0].file)
    if other is None:
        return None
    return "unknown-story", (f"timeline names story '{reference}' ({other.file}), which is {other.reason}; "
                             "it cannot be linked until it is published")


def embargo_notes(stories: Iterable[Story], now: datetime) -> list[Diagnostic]:
    """Each embargo still in force, as a note at its line: CI learns when to build next."""
    return [note(story.file, 1, 1, "embargo",
                 f"embargoed until {story.embargo.isoformat()}: held back from every output until then")
            for story in stories if story.embargo is not None and story.embargo > now]


def schedule_notes(stories: Iterable[Story], now: datetime, show: Visibility) -> list[Diagnostic]:
    """Each story left out because its date is still to come, as a note: like an embargo, CI learns when
    to build next (drafts are left out for another reason, which no clock lifts)."""
    if show.future:
        return []
    return [note(story.file, 1, 1, "scheduled",
                 f"scheduled for {story.date.isoformat()}: held back from every output until then")
            for story in stories if story.date > now and not story.draft]


def duplicate_terms(terms: Iterable[Term]) -> list[Diagnostic]:
    """A glossary term or alias may be defined by one file only."""
    owner: dict[str, Term] = {}
    problems = []
    for term in sorted(terms, key=lambda t: t.file):
        for name in (term.term, *term.aliases):
            key = name.casefold()
            other = owner.get(key)
            if other is not None and other is not term:
                problems.append(error(term.file, 2, 1, "duplicate-term",
                                      f"the glossary term '{name}' is already defined in {other.file}; keep one"))
            owner.setdefault(key, term)
    seen: dict[str, Term] = {}
    for term in sorted(terms, key=lambda t: t.file):
        other = seen.setdefault(slugify(term.slug), term)
        if other is not term:
            problems.append(error(term.file, 1, 1, "duplicate-term",
                                  f"the glossary anchor '{term.slug}' is already used by {other.file}; rename one"))
    return problems
