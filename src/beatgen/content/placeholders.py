"""Placeholder text that a skeleton leaves for the writer to replace, found before it can be published.

`beatgen new` marks every placeholder with TKTK (the newsroom's "to come"), and a site's own skeletons can
do the same: the marker is rare enough in real text (no English word holds it) to search for without a
list of the skeletons' exact sentences, and survives a writer editing the words around it. A draft may
hold placeholders (it is never published); any other story, glossary entry or page may not.
"""

from __future__ import annotations

import re

from beatgen.diagnostics import Diagnostic, error
from beatgen.fields import Reader

MARKER = "TKTK"
_FOUND = re.compile(MARKER, re.IGNORECASE)


def placeholders(r: Reader, body: str, body_line: int, body_name: str, fix: str) -> list[Diagnostic]:
    """An error at each front matter value and each body line that still holds the marker; `fix` says
    what to do besides writing the real text."""
    problems = []
    if _FOUND.search("\n".join(r.doc.raw.values())):
        for path, raw in r.doc.raw.items():
            found = _FOUND.search(raw)
            if found:
                line, column = r.doc.position_in(path, found.start())
                problems.append(_placeholder(r.file, line, column, r.label(path), fix))
    if _FOUND.search(body) is None:
        return problems
    for offset, text in enumerate(body.split("\n")):
        found = _FOUND.search(text)
        if found:
            problems.append(_placeholder(r.file, body_line + offset, found.start() + 1, body_name, fix))
    return problems


def _placeholder(file: str, line: int, column: int, what: str, fix: str) -> Diagnostic:
    return error(file, line, column, "placeholder", f"{what} still holds placeholder text marked {MARKER}; write "
                                                    f"the real text in its place{fix}")
