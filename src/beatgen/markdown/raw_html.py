"""A warning for raw HTML in a body: beatgen escapes it, so readers see the tags as text.

Writers paste an `<iframe>` from a video page and expect a player; the warning says where, and what
to write instead. It looks at text only after Markdown has parsed it, so code spans, code blocks,
autolinks and escaped brackets (`\\<`, `&lt;`) never warn.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from beatgen.diagnostics import warning

EMBED_SYNTAX = "write ```embed, then 'url: https://...' and 'title: ...' lines, then ```"
BREAKS = frozenset({"softbreak", "hardbreak"})
PLAYERS = frozenset({"iframe", "embed", "object", "video", "audio", "script", "blockquote"})


def raw_html_plugin(md: MarkdownIt) -> None:
    # Before text_join, while escaped characters are still tokens of their own.
    md.core.ruler.before("text_join", "beatgen_raw_html", _warn_raw_html)


def _warn_raw_html(state: StateCore) -> None:
    if not state.env.get("warn_html"):
        return
    lines = state.src.split("\n")
    warned: set[int] = set()
    opened: set[str] = set()
    for block in state.tokens:
        if block.type != "inline" or block.map is None:
            continue
        cursor = (block.map[0], 0)
        for match in HTML_TAG_RE.finditer(_plain_text(block.children or [])):
            line, column = _find(match.group().split("\n")[0], lines, cursor, block.map[1])
            cursor, name = (line, column + 1), _name(match.group())
            if line in warned or name.startswith("/") and name[1:] in opened:
                continue
            warned.add(line)
            opened.add(name)
            state.env["diagnostics"].append(warning(state.env["file"], state.env["first_line"] + line, column + 1,
                                                    "raw-html", _message(name)))


def _plain_text(children: list[Token]) -> str:
    """A paragraph's text as written, line breaks included (a tag may span lines); anything else Markdown
    made of it (code, escapes, links) stands as a character no tag can contain."""
    return "".join(child.content if child.type == "text" else "\n" if child.type in BREAKS else "\x00"
                   for child in children)


def _find(text: str, lines: list[str], cursor: tuple[int, int], end: int) -> tuple[int, int]:
    """Where `text` next occurs from the cursor on (line, column from 0); the cursor if it cannot be found."""
    line, column = cursor
    for index in range(line, min(end, len(lines))):
        found = lines[index].find(text, column if index == line else 0)
        if found >= 0:
            return index, found
    return cursor


def _name(tag: str) -> str:
    """`iframe` of `<iframe src=...>`, `/iframe` of a closing tag, `!--` of a comment."""
    if tag.startswith("<!--"):
        return "!--"
    return tag[1:].split(None, 1)[0].rstrip("/>").lower() or tag


def _message(name: str) -> str:
    if name == "!--":
        return ("an HTML comment is shown to readers as text (a story's HTML is never run); delete it, or keep "
                "notes out of the story file")
    shown = f"raw HTML <{name}> is shown to readers as text (a story's HTML is never run)"
    if name.lstrip("/") in PLAYERS:
        return f"{shown}; to embed a video or a post, {EMBED_SYNTAX}"
    return f"{shown}; write it in Markdown instead (**bold**, [text](url), ## heading), or use ```embed for a video " \
           "or a post"
