"""Rules that span files: one URL per story, timeline references, glossary terms defined once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from beatgen.content.model import Story, Term
from beatgen.content.publication import Held, Visibility
from beatgen.diagnostics import Diagnostic, error, note
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


def timeline_references(stories: Iterable[Story], published: set[str], held: dict[str, Held]) -> list[Diagnostic]:
    """A timeline `story:` must name a published story; naming a held-back one would reveal it early."""
    problems = []
    for story in stories:
        for entry in story.timeline:
            if entry.story is None or entry.story in published:
                continue
            other = held.get(entry.story)
            message = (f"timeline names story '{entry.story}' ({other.file}), which is {other.reason}; "
                       "it cannot be linked until it is published" if other
                       else f"timeline names story '{entry.story}', but no story has that slug")
            problems.append(error(story.file, entry.line, entry.column, "unknown-story", message))
    return problems


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
