"""Descriptions of affected parties: `data/entities.yaml` maps a name, as stories write it in `affected:`,
to one or two sentences shown on its page and as that page's description for search engines.

    Hamas: Palestinian Islamist movement that has governed Gaza since 2007.

Affected parties are free text, so a name here that no story uses is a warning with the nearest name
stories do use: a misspelt entry would otherwise describe nothing, silently.
"""

from __future__ import annotations

from collections.abc import Iterable

from beatgen.config import EntityNote
from beatgen.content.model import Story
from beatgen.diagnostics import Diagnostic, error, warning
from beatgen.fields import Reader, describe
from beatgen.spelling import did_you_mean
from beatgen.urls import slugify
from beatgen.yamlsource import load_yaml

ENTITIES_FILE = "data/entities.yaml"


def parse_entities(text: str) -> tuple[tuple[EntityNote, ...], list[Diagnostic]]:
    doc, problems = load_yaml(text, ENTITIES_FILE)
    if doc is None or problems or doc.data is None:
        return (), problems
    if not isinstance(doc.data, dict):
        return (), [error(ENTITIES_FILE, 1, 1, "bad-config", f"{ENTITIES_FILE} must map each affected party's "
                                                               f"name to its description, got {describe(doc.data)}")]
    r = Reader(doc, ENTITIES_FILE)
    notes = []
    for key in doc.data:
        description = r.text((str(key),), required=True, max_len=300)
        if description:
            notes.append(EntityNote(str(key), description, *doc.where((str(key),), key=True)))
    return tuple(notes), r.problems


def unknown_entities(notes: Iterable[EntityNote], stories: Iterable[Story]) -> list[Diagnostic]:
    """A description of a name that no story lists in `affected:` (drafts included) is shown nowhere."""
    written = {slugify(name): name for story in stories for name in story.affected}
    return [warning(ENTITIES_FILE, note.line, note.column, "unknown-entity",
                    f"'{note.name}' is not an affected party of any story, so its description is shown nowhere"
                    f"{did_you_mean(note.name, written.values()) or '; check the spelling against the stories'}")
            for note in notes if slugify(note.name) not in written]
