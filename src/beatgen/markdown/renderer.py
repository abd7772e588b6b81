"""Markdown → safe HTML fragments: markdown-it-py with our rules for links, headings and code.

Safety lives here: raw HTML is escaped, only http(s), mailto and site-relative URLs become
links, and links to other story files are resolved to their URLs (and reported when broken).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from beatgen.content.pictures import Picture, find, picture_html
from beatgen.diagnostics import Diagnostic, error
from beatgen.markdown.embed_plugin import embed_plugin
from beatgen.markdown.glossary import Glossary, Linking, glossary_plugin
from beatgen.markdown.link_hints import nearest_target
from beatgen.markdown.raw_html import raw_html_plugin
from beatgen.urls import slugify

SAFE_SCHEMES = ("http", "https", "mailto")
# Ids the story layout uses for its own sections; body headings never take them.
RESERVED_IDS = frozenset({"main", "takeaways", "signals", "key-facts", "affected", "analysis", "watch", "timeline",
                          "sources", "coverage", "signals-table", "related", "corrections", "pager"})


Env = MutableMapping[str, Any]
"""The Markdown environment of one document: its file, link targets, and the diagnostics found."""

@dataclass(frozen=True)
class LinkTargets:
    """What links may point at: story files by path, and every page's site-relative path."""

    files: dict[str, str]
    paths: frozenset[str]
    base_path: str
    held: dict[str, str] = field(default_factory=dict)
    glossary: Glossary | None = None
    static: dict[str, str] = field(default_factory=dict)  # files under static/ → their content-hashed paths
    nearby: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Files and paths by folder and by last part (`link_hints.neighbourhoods`), for "did you mean"."""
    unread: frozenset[str] = frozenset()
    """Files whose front matter has errors, and their names without `.md`: a link to one is not reported as
    broken, since the file's own errors are (and fixing them may be all the link needs)."""
    images: dict[str, Picture | str] = field(default_factory=dict)
    """Every image file under content/ and static/: its picture, or why it holds none (engine/images.py)."""


@dataclass
class Fragment:
    html: str
    after: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    embeds: int = 0
    pictures: tuple[str, ...] = ()


def is_safe_url(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in SAFE_SCHEMES or (not scheme and not url.strip().startswith("//"))


def _highlight(code: str, lang: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(lang.strip()) if lang.strip() else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return ""
    body = highlight(code, lexer, HtmlFormatter(nowrap=True))
    return f'<pre class="code"><code class="language-{lexer.aliases[0]}">{body}</code></pre>\n'


def make_markdown() -> MarkdownIt:
    """A MarkdownIt with tables, footnotes, anchors and our safety rules; one per process."""
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.add_render_rule("footnote_block_open", _notes_open)
    md.add_render_rule("image", _render_picture)
    md.use(anchors_plugin, min_level=1, max_level=3, slug_func=slugify)
    md.validateLink = is_safe_url  # type: ignore[method-assign]  # markdown-it's documented way to set it
    md.core.ruler.push("beatgen_headings", _demote_headings)
    md.core.ruler.push("beatgen_links", _resolve_links)
    md.use(glossary_plugin)
    md.use(embed_plugin)
    md.use(raw_html_plugin)
    return md


def _notes_open(self: object, tokens: list[Token], idx: int, options: object, env: Env) -> str:
    """The footnotes section with a heading of its own, like every other section of a page."""
    return '<section class="footnotes">\n<h2 class="footnotes-title">Notes</h2>\n<ol class="footnotes-list">\n'


def _demote_headings(state: StateCore) -> None:
    """The page title is the one h1: body headings start at h2, and never reuse a layout's id."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        if token.type == "heading_open" and token.attrGet("id") in RESERVED_IDS:
            token.attrSet("id", f"{token.attrGet('id')}-section")


def _resolve_links(state: StateCore) -> None:
    targets: LinkTargets | None = state.env.get("targets")
    if targets is None:
        return
    lines = state.src.split("\n")
    for block in state.tokens:
        for token in block.children or ():
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                where = _locate(href, lines, block.map or [0, 1], state.env["first_line"])
                token.attrSet("href", _resolve(href, targets, state.env, where))
            elif token.type == "image":
                src = str(token.attrGet("src") or "")
                _picture(token, targets, state.env, _locate(src, lines, block.map or [0, 1], state.env["first_line"]))


DECORATIVE = "decorative"
"""The title that marks a body picture as decorative: `![](rule.png "decorative")`."""


def _picture(token: Token, targets: LinkTargets, env: Env, where: tuple[int, int]) -> None:
    """A picture in Markdown: a file of the site, with alt text unless its title says it is decorative."""
    src, alt = str(token.attrGet("src") or ""), token.content.strip()
    decorative = token.attrGet("title") == DECORATIVE
    if decorative == bool(alt):
        message = (f"image '{src}' has alt text and the title \"decorative\": keep one" if alt else
                   f"image '{src}' has no alt text: describe what it shows between the brackets, "
                   f"![A Patriot launcher at dawn]({src}), or mark a picture that shows nothing the text needs "
                   f"as decorative: ![]({src} \"decorative\")")
        env["diagnostics"].append(error(env["file"], *where, "bad-alt" if alt else "missing-alt", message))
    found = find(src, env["file"], targets.images)
    if not isinstance(found, Picture):
        env["diagnostics"].append(error(env["file"], *where, *found))
        return
    token.meta = {"picture": found, "alt": "" if decorative else alt}
    env["pictures"] = (*env.get("pictures", ()), found.rel)


def _render_picture(self: object, tokens: list[Token], idx: int, options: object, env: Env) -> str:
    """A checked picture as its responsive `<picture>`, lazily loaded (the story's own is the one loaded first)."""
    meta = tokens[idx].meta
    if "picture" not in meta:
        return ""
    targets: LinkTargets | None = env.get("targets")
    return picture_html(meta["picture"], meta["alt"], targets.base_path if targets else "/")


def _locate(href: str, lines: list[str], span: list[int], first_line: int) -> tuple[int, int]:
    """File line and column of a link target inside its block, for messages."""
    for index in range(span[0], min(span[1], len(lines))):
        column = lines[index].find(href)
        if column >= 0:
            return first_line + index, column + 1
    return first_line + span[0], 1


def _resolve(href: str, targets: LinkTargets, env: Env, where: tuple[int, int]) -> str:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return href
    anchor = f"#{parts.fragment}" if parts.fragment else ""
    if parts.path.endswith(".md"):
        file = posixpath.normpath(posixpath.join(posixpath.dirname(env["file"]), parts.path))
        if file in targets.held:
            _broken(env, where, href, f"it points at {targets.held[file]}; remove the link until it is published")
            return href
        path = targets.files.get(file)
        if path is None and file in targets.unread:
            return href
        if path is None:
            meant = nearest_target(file, targets.nearby)
            hint = f"did you mean '{posixpath.relpath(meant, posixpath.dirname(env['file']))}'?" if meant \
                else "check the folder and the file name"
            _broken(env, where, href, f"no story, page or glossary file is at that path; {hint}")
            return href
        return targets.base_path + path.lstrip("/") + (anchor if "#" not in path else "")
    if parts.path.startswith("/"):
        path = parts.path if parts.path.endswith("/") or "." in parts.path.rsplit("/", 1)[-1] else parts.path + "/"
        if path in targets.held:
            _broken(env, where, href, f"it points at {targets.held[path]}; remove the link until it is published")
            return href
        if path not in targets.paths and path.rstrip("/").rsplit("/", 1)[-1] in targets.unread:
            return href
        if path not in targets.paths:
            meant = nearest_target(path, targets.nearby)
            hint = f"did you mean '{meant}'?" if meant else "link to an existing story or page"
            _broken(env, where, href, f"no page of the site has that URL; {hint}")
            return href
        return targets.base_path + path.lstrip("/") + anchor
    return href


def _broken(env: Env, where: tuple[int, int], href: str, why: str) -> None:
    env["diagnostics"].append(error(env["file"], *where, "broken-link", f"broken internal link '{href}': {why}"))


def render_body(md: MarkdownIt, text: str, file: str, first_line: int, targets: LinkTargets | None,
                split_after: int = 0, linking: Linking | None = None, warn_html: bool = True) -> Fragment:
    """Render a document; with `split_after`=n the HTML is cut after the n-th top-level paragraph
    (the story layout sets the pull quote there). `warn_html`: raw HTML is reported where its lines are known."""
    env = _env(file, first_line, targets, linking)
    env["warn_html"] = warn_html
    tokens = md.parse(text, env)
    cut = _cut_index(tokens, split_after) if split_after else len(tokens)
    html = md.renderer.render(tokens[:cut], md.options, env)
    after = md.renderer.render(tokens[cut:], md.options, env) if cut < len(tokens) else ""
    return Fragment(html, after, env["diagnostics"], env.get("embeds", 0), _pictures(env))


def render_inline(md: MarkdownIt, text: str, file: str, line: int, targets: LinkTargets | None,
                  linking: Linking | None = None) -> Fragment:
    env = _env(file, line, targets, linking)
    return Fragment(md.renderInline(text, env), diagnostics=env["diagnostics"], pictures=_pictures(env))


def _pictures(env: Env) -> tuple[str, ...]:
    return tuple(dict.fromkeys(env.get("pictures", ())))


def _env(file: str, first_line: int, targets: LinkTargets | None, linking: Linking | None = None) -> dict[str, Any]:
    return {"file": file, "first_line": first_line, "targets": targets, "diagnostics": [], "glossary": linking}


def _cut_index(tokens: list[Token], paragraphs: int) -> int:
    seen = 0
    for index, token in enumerate(tokens):
        if token.type == "paragraph_close" and token.level == 0:
            seen += 1
            if seen == paragraphs:
                return index + 1
    return len(tokens)
