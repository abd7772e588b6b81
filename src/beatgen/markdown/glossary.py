"""Glossary links: the first mention of each glossary term or alias in a story links to its entry.

All terms are compiled into one regular expression shaped as a trie, so a document is scanned once,
at C speed, whatever the size of the glossary. The trie is greedy, so the longest term wins where terms
overlap ("integrated air and missile defense" over "air defense"). Case follows how terms are written:
a lowercase word matches in any case (sentence starts, headlines); a word written with capitals
(acronyms, proper names) matches only as written. Spaces in a term also match hyphens and line breaks,
and a plural "s" or "es" is accepted. Text inside links, headings, code and images is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from beatgen.content.model import Term

_PIECES = re.compile(r"\s+|[^\W_]+|.", re.DOTALL)
_SPACE_ATOM = r"[\s\-]+"
_SPACES = re.compile(_SPACE_ATOM)
_SUMMARY_CHARS = 160
Trie = dict[str, "Trie"]
"""A node of the terms' trie: each next atom to its node; the empty atom marks where a term ends."""


@dataclass(frozen=True)
class Entry:
    """A term's link, prepared once per build: the opening tags with and without the `<abbr>`."""

    slug: str
    link: str
    abbr: str

    def html(self, text: str) -> str:
        """The link around `text`; spelled as an abbreviation (`IAMD`, `NOTAMs`), it is an `<abbr>`."""
        if is_abbreviation(text.removesuffix("s")):
            return f"{self.abbr}{escapeHtml(text)}</abbr></a>"
        return f"{self.link}{escapeHtml(text)}</a>"


@dataclass(frozen=True)
class Glossary:
    """Every term and alias of the glossary, compiled; shared read-only by all documents of a build."""

    pattern: re.Pattern[str]
    forms: dict[str, Entry]

    def entry(self, matched: str) -> Entry | None:
        """The entry a matched text belongs to, trying it as written and then without a plural ending."""
        key = normal_form(matched)
        for candidate in (key, key[:-1], key[:-2]):
            if candidate in self.forms:
                return self.forms[candidate]
        return None


@dataclass
class Linking:
    """One document's glossary state: the terms it has linked so far (in order), so each links once."""

    glossary: Glossary
    linked: dict[str, None] = field(default_factory=dict)


def normal_form(text: str) -> str:
    return _SPACES.sub(" ", text).casefold()


def is_abbreviation(text: str) -> bool:
    """`IAMD`, `A2/AD`, `C-UAS`: capitals and no lowercase letter."""
    return any(c.isupper() for c in text) and not any(c.islower() for c in text)


def _atoms(form: str) -> list[str]:
    """Regex pieces of one term, one per character (or run of spaces), for the trie."""
    atoms: list[str] = []
    for piece in _PIECES.findall(form.strip()):
        if piece.isspace() or piece == "-":
            atoms += [] if atoms and atoms[-1] == _SPACE_ATOM else [_SPACE_ATOM]
        elif piece == piece.lower() and piece != piece.upper():
            atoms += [f"[{c}{c.upper()}]" if len(c.upper()) == 1 and c.upper() != c else re.escape(c) for c in piece]
        else:
            atoms += [re.escape(c) for c in piece]
    return atoms


def _trie_pattern(forms: Iterable[list[str]]) -> str:
    root: Trie = {}
    for atoms in forms:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}
    return _emit(root)


def _emit(node: Trie) -> str:
    """A node as regex: its branches (greedy, so longer terms are tried first), optional where a term ends."""
    branches = [atom + _emit(child) for atom, child in sorted(node.items()) if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _expansion(term: Term) -> str:
    """What an abbreviation stands for (its longest spelled-out alias that is not a plural of another),
    else the definition's first sentence."""
    plurals = {alias + "s" for alias in term.aliases}
    spelled = [alias for alias in term.aliases if not is_abbreviation(alias) and alias not in plurals]
    if is_abbreviation(term.term) and spelled:
        return max(spelled, key=len)
    text = re.sub(r"[*_`#>\[\]]|\(http[^)]*\)", "", term.body).strip()
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0] if text else term.term
    return sentence if len(sentence) <= _SUMMARY_CHARS else sentence[:_SUMMARY_CHARS - 1].rstrip() + "…"


def build_glossary(terms: Sequence[Term], base_path: str) -> Glossary | None:
    """Compile the glossary; None when it is empty. A spelling shared by two terms goes to the first by name."""
    forms: dict[str, Entry] = {}
    spellings: dict[str, list[str]] = {}
    for term in sorted(terms, key=lambda t: (t.term.casefold(), t.slug)):
        link = f'<a href="{escapeHtml(base_path)}glossary/#{term.slug}" class="glossary-link">'
        entry = Entry(term.slug, link, f'{link}<abbr title="{escapeHtml(_expansion(term))}">')
        for form in (term.term, *term.aliases):
            if form.strip() and normal_form(form) not in forms:
                forms[normal_form(form)] = entry
                spellings[form.strip()] = _atoms(form)
    if not forms:
        return None
    trie = _trie_pattern(spellings[form] for form in sorted(spellings))
    return Glossary(re.compile(rf"(?<!\w)(?:{trie})(?:e?s)?(?!\w)"), forms)


def glossary_plugin(md: MarkdownIt) -> None:
    """Register the linking rule; it acts only on documents whose env carries a `Linking`."""
    md.core.ruler.push("beatgen_glossary", _link_terms)


def _link_terms(state: StateCore) -> None:
    linking: Linking | None = state.env.get("glossary")
    if linking is None:
        return
    in_heading = False
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif token.type == "inline" and not in_heading and token.children:
            token.children = _link_children(token.children, linking)


def _link_children(children: list[Token], linking: Linking) -> list[Token]:
    """Rewrite runs of plain text (text and soft breaks outside links) with links on first mentions."""
    result: list[Token] = []
    run: list[Token] = []
    depth = 0
    for child in children:
        if depth == 0 and child.type in ("text", "softbreak"):
            run.append(child)
            continue
        result += _link_run(run, linking)
        run = []
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        result.append(child)
    return result + _link_run(run, linking)


def _link_run(run: list[Token], linking: Linking) -> list[Token]:
    if not run:
        return run
    text = "".join("\n" if token.type == "softbreak" else token.content for token in run)
    out: list[Token] = []
    done = 0
    for match in linking.glossary.pattern.finditer(text):
        entry = linking.glossary.entry(match.group())
        if entry is None or entry.slug in linking.linked:
            continue
        linking.linked[entry.slug] = None
        out += _plain(text[done:match.start()])
        out.append(Token("html_inline", "", 0, content=entry.html(match.group())))
        done = match.end()
    return run if not out else out + _plain(text[done:])


def _plain(text: str) -> list[Token]:
    tokens: list[Token] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            tokens.append(Token("softbreak", "br", 0))
        if line:
            tokens.append(Token("text", "", 0, content=line))
    return tokens
