"""What one story's edit can change beyond the pages that show it.

A story's text (title, summary, takeaways, key facts, pull quote, what to watch, body) reaches a page
only through that story: every context that shows it holds the story itself, so the page's fingerprint
names it (`Fingerprinter.of_page`). Everything else about a story (its date, topics, entities, impact,
sentiment, sources, timeline, corrections, publication state) also shapes pages that never name it:
listings and their pagination, related coverage, trends, sitemaps. The structure token digests all of
that for the whole site; while it holds, a rebuild re-checks only the pages that named a changed story.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from beatgen.content.model import Page, Story, Term
from beatgen.engine.fingerprint import digest
from beatgen.markdown.fragments import DocumentHtml, StoryHtml

TEXT_FIELDS = ("title", "summary", "takeaways", "key_facts", "pullquote", "watch", "body", "body_line", "digest",
               "impact_reason", "sentiment_reason", "image", "untimed", "front")


def story_signature(model: object) -> str:
    """A story with its text left out: equal signatures, equal place in every listing and aggregate."""
    if not isinstance(model, Story):
        return ""
    blank: dict[str, Any] = dict.fromkeys(TEXT_FIELDS)
    return digest("story", repr(dataclasses.replace(model, **blank)))


def structure_token(base: str, signatures: dict[str, str], terms: list[Term], pages: list[Page],
                    html: dict[str, StoryHtml | DocumentHtml], routes: list[str]) -> str:
    """The site's shape: the base inputs, every story's signature and glossary use, every term and free
    page whole, and the page plan."""
    glossary_use = (f"{file}:{','.join(fragment.glossary)}" for file, fragment in sorted(html.items())
                    if isinstance(fragment, StoryHtml))
    documents: list[Term | Page] = [*terms, *pages]
    return digest("structure", base, *(f"{file}:{signature}" for file, signature in sorted(signatures.items())),
                  *(f"{d.file}:{d.digest}" for d in documents), *glossary_use, *routes)
