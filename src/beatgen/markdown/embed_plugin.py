"""```embed blocks in Markdown, rendered as link cards that load their player only when the reader asks.

embeds.py reads a block; here it becomes an `embed` token (or errors at the block's lines, with the
syntax to use) and then a facade: title, provider, an optional local thumbnail and a link that works
without JavaScript. static/js/embed.js adds the button that swaps in the player's iframe.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType

from beatgen.diagnostics import error
from beatgen.markdown.embeds import Embed, Problem, read_block

LABELS = {"video": "Video on {}", "post": "Post on {}", "link": "{}"}
BUTTONS = {"video": "Play here", "post": "Show the post here"}


def embed_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "beatgen_embeds", _read_embeds)
    md.add_render_rule("embed", _render_embed)


def _read_embeds(state: StateCore) -> None:
    targets = state.env.get("targets")
    static = targets.static if targets is not None else {}
    lines = state.src.split("\n")
    for token in state.tokens:
        if token.type != "fence" or token.info.strip() != "embed" or token.map is None:
            continue
        embed, problems = read_block(token.content, static)
        for problem in problems:
            line, column = _place(problem, token, lines)
            state.env["diagnostics"].append(error(state.env["file"], state.env["first_line"] + line, column,
                                                  "bad-embed", problem.message))
        if embed is not None:
            token.type, token.meta = "embed", {"embed": embed}
            state.env["embeds"] = state.env.get("embeds", 0) + 1


def _place(problem: Problem, token: Token, lines: list[str]) -> tuple[int, int]:
    """Line (from 0, in the document) and column of a problem: inside a list or a quote the block's lines are
    indented or prefixed in the file, so the column is measured on the file's own line."""
    assert token.map is not None
    if problem.line < 0:
        return token.map[0], lines[token.map[0]].find(token.markup) + 1
    index = token.map[0] + 1 + problem.line
    content = token.content.split("\n")[problem.line]
    shift = len(lines[index]) - len(content) if lines[index].endswith(content) else 0
    return index, shift + problem.column


def _render_embed(self: object, tokens: Sequence[Token], idx: int, options: object, env: EnvType) -> str:
    targets = env.get("targets")
    return facade(tokens[idx].meta["embed"], targets.base_path if targets is not None else "/")


def facade(embed: Embed, base_path: str) -> str:
    """The card a reader sees; a player's URL waits in data attributes until the reader asks for it."""
    player = embed.player
    label = LABELS[player.kind].format(player.provider)
    if player.provider == "Mastodon":
        label += f" ({urlsplit(embed.url).hostname})"
    data = ""
    if player.src:
        host = (urlsplit(player.src).hostname or "").removeprefix("www.")
        data = (f' data-embed="{escapeHtml(player.src)}" data-embed-title="{escapeHtml(embed.title)}"'
                f' data-embed-load="{BUTTONS[player.kind]} (loads {host})"')
    image = (f'<img class="embed-thumb" src="{escapeHtml(base_path + embed.thumbnail)}" alt="" width="640" '
             'height="360" loading="lazy">' if embed.thumbnail else "")
    return (f'<figure class="embed embed-{player.kind}"{data}>\n<a class="embed-card" href="{escapeHtml(embed.url)}">'
            f'{image}<span class="embed-title" dir="auto">{escapeHtml(embed.title)}</span> '
            f'<span class="embed-source">{escapeHtml(label)}</span></a>\n</figure>\n')
