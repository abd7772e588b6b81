"""Each content file's Markdown rendered once into HTML fragments that layouts place.

A fragment depends only on its own file and on the link targets, so it is computed per file
(in parallel, cached by digest) before any page renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from beatgen.content.model import Page, Story, Term, Unread
from beatgen.diagnostics import Diagnostic
from beatgen.markdown.glossary import Linking
from beatgen.markdown.renderer import LinkTargets, render_body, render_inline

PULLQUOTE_AFTER = 2
WORDS_PER_MINUTE = 230


@dataclass(frozen=True)
class StoryHtml:
    body: str
    body_after: str
    reading_minutes: int
    takeaways: tuple[str, ...]
    key_facts: tuple[str, ...]
    watch: str
    corrections: tuple[str, ...]
    glossary: tuple[str, ...] = ()
    embeds: bool = False  # the page loads static/js/embed.js
    impact_reason: str = ""
    sentiment_reason: str = ""
    pictures: tuple[str, ...] = ()
    """The image files the Markdown shows (their variants are encoded with the site's)."""


@dataclass(frozen=True)
class DocumentHtml:
    body: str
    embeds: bool = False
    pictures: tuple[str, ...] = ()


@dataclass
class Rendered:
    html: StoryHtml | DocumentHtml
    diagnostics: list[Diagnostic] = field(default_factory=list)


def story_html(md: MarkdownIt, story: Story, targets: LinkTargets) -> Rendered:
    """Render in reading order (takeaways, key facts, analysis, what to watch), so a glossary term links
    at its first mention on the page and nowhere after."""
    problems: list[Diagnostic] = []
    pictures: list[str] = []
    linking = Linking(targets.glossary) if targets.glossary else None

    def inline(text: str, line: int = 1, glossary: Linking | None = None) -> str:
        fragment = render_inline(md, text, story.file, line, targets, glossary)
        problems.extend(fragment.diagnostics)
        pictures.extend(fragment.pictures)
        return fragment.html

    takeaways = tuple(inline(text, glossary=linking) for text in story.takeaways)
    key_facts = tuple(inline(text, glossary=linking) for text in story.key_facts)
    body = render_body(md, story.body, story.file, story.body_line, targets, PULLQUOTE_AFTER, linking)
    problems.extend(body.diagnostics)
    watch = render_body(md, story.watch, story.file, 1, targets, linking=linking, warn_html=False) \
        if story.watch else None
    if watch:
        problems.extend(watch.diagnostics)
    html = StoryHtml(
        body=body.html,
        body_after=body.after,
        reading_minutes=max(1, round(reading_words(story) / WORDS_PER_MINUTE)),
        takeaways=takeaways,
        key_facts=key_facts,
        watch=watch.html if watch else "",
        corrections=tuple(inline(c.text, c.line) for c in story.corrections),
        glossary=tuple(linking.linked) if linking else (),
        embeds=bool(body.embeds or (watch and watch.embeds)),
        impact_reason=inline(story.impact_reason) if story.impact_reason else "",
        sentiment_reason=inline(story.sentiment_reason) if story.sentiment_reason else "",
        pictures=tuple(dict.fromkeys((*pictures, *body.pictures, *(watch.pictures if watch else ())))),
    )
    return Rendered(html, problems)


def reading_words(story: Story) -> int:
    """Every word a reader reads on the story page: the dek, takeaways, key facts, the analysis and its pull
    quote, what to watch, corrections, the reasons for the scores and the picture's caption."""
    texts = (story.summary, *story.takeaways, *story.key_facts, story.body, story.pullquote, story.watch,
             *(correction.text for correction in story.corrections), story.impact_reason, story.sentiment_reason,
             story.image.caption if story.image else "")
    return sum(len(text.split()) for text in texts)


def document_html(md: MarkdownIt, document: Term | Page | Unread, targets: LinkTargets) -> Rendered:
    fragment = render_body(md, document.body, document.file, document.body_line, targets)
    return Rendered(DocumentHtml(fragment.html, bool(fragment.embeds), fragment.pictures), fragment.diagnostics)


def story_fragment(html: Mapping[str, StoryHtml | DocumentHtml], story: Story) -> StoryHtml:
    """A story's fragments among every file's: a story renders to StoryHtml, a term or a page to DocumentHtml."""
    fragment = html[story.file]
    assert isinstance(fragment, StoryHtml)
    return fragment
