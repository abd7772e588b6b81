"""Safe YAML with a file position for every key and value.

python-frontmatter and `yaml.safe_load` return no positions, so we compose the node tree
with PyYAML's C loader and build plain values ourselves: every key and value keeps its
line and column, duplicate keys and aliases are refused, and each bad scalar (a date such
as 2026-02-30, an unknown tag) is reported where it stands instead of aborting the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from beatgen.diagnostics import Diagnostic, error

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

Path = tuple[str | int, ...]
Position = tuple[int, int]

MAX_DEPTH = 24
MAX_NODES = 50_000
MAX_OPEN_FLOW = 1_000
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef"
                       + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                                 for plane in range(17)) + "]")
_BMP_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
"""INVISIBLE without the noncharacters beyond U+FFFF, whose 32 single characters make the pattern ten times
slower to search: every file is searched whole on every cold build."""
_FLOW = re.compile(r"[\[\]{}]")
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_FRIENDLY = {
    "while scanning a quoted scalar": "a quoted string is never closed; add the closing quote",
    "while scanning for the next token": "this character cannot start a YAML value; quote the value",
    "while parsing a block mapping":
        "the indentation or a ':' is off; align the keys and quote values that contain ': '",
    "while scanning a simple key": "a key is missing its ':' or the previous line is badly indented",
    "while parsing a flow sequence": "a [list] is never closed; add the closing ']'",
    "while parsing a flow mapping": "a {mapping} is never closed; add the closing '}'",
}


@dataclass
class YamlDoc:
    """Plain data plus where each part of it was written (paths are key/index tuples)."""

    data: Any
    key_at: dict[Path, Position] = field(default_factory=dict)
    value_at: dict[Path, Position] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    first_line: int = 1

    def where(self, path: Path, *, key: bool = False) -> Position:
        """Position of the value at `path` (or of its key), else of its nearest written parent."""
        table = self.key_at if key else self.value_at
        while path:
            if path in table:
                return table[path]
            if path in self.key_at:
                return self.key_at[path]
            path = path[:-1]
        return self.value_at.get((), (1, 1))

    def position_in(self, path: Path, index: int) -> Position:
        """Where the `index`-th character of the text value at `path` was written, so a message can point at
        one bad character; where the value starts when the source does not show it as is (an escape, a
        folded line)."""
        line, column = self.where(path)
        raw = self.raw.get(path, "")
        if not 0 <= index < len(raw):
            return line, column
        start = raw.rfind("\n", 0, index) + 1
        end = raw.find("\n", index)
        segment = raw[start:len(raw) if end < 0 else end]
        for number in range(line, min(line + raw.count("\n", 0, index) + 3, self.first_line + len(self.lines))):
            found = self.lines[number - self.first_line].find(segment, column - 1 if number == line else 0)
            if found >= 0:
                return number, found + index - start + 1
        return line, column


def load_yaml(text: str, file: str, first_line: int = 1) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse `text`, whose first line is line `first_line` of `file`: by the fast path when it can, else by
    the builder that explains every problem (both give the same YamlDoc for a document the fast path takes)."""
    plain = load_plain(text, first_line)
    return (plain, []) if plain is not None else load_positioned(text, file, first_line)


def load_positioned(text: str, file: str, first_line: int = 1) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """The builder alone: every problem reported where it stands, and the document when it is usable."""
    too_deep = _flow_too_deep(text, file, first_line)
    if too_deep:
        return None, [too_deep]
    loader = _Loader(text)
    builder = _Builder(loader, file, first_line)
    try:
        complete = builder.run()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, text, file, first_line)]
    except yaml.reader.ReaderError as exc:
        return None, [_reader_error(exc, text, file, first_line)]
    except yaml.YAMLError as exc:
        return None, [error(file, first_line, 1, "yaml-syntax", f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    builder.doc.lines, builder.doc.first_line = text.split("\n"), first_line
    return (builder.doc if complete else None), builder.problems


def find_invisible(text: str) -> re.Match[str] | None:
    """The first character INVISIBLE matches: the same match, searched quickly when no character of
    `text` lies beyond U+FFFF (nearly all text)."""
    if text.isascii() or max(text) <= "\uffff":
        return _BMP_INVISIBLE.search(text)
    return INVISIBLE.search(text)


def invisible_message(char: str) -> str:
    """Control characters and Unicode noncharacters are invalid in HTML and XML output, and invisible."""
    return (f"the invisible control character U+{ord(char):04X} is not allowed: no HTML page or feed can "
            "carry it; delete it (editors may show it as a box or as ^ and a letter)")


def _flow_too_deep(text: str, file: str, first_line: int) -> Diagnostic | None:
    """Refuse thousands of unclosed '[' or '{' before parsing: libyaml takes quadratic time on them.

    Counting ignores quoting, so the limit is far above what any real file nests (MAX_DEPTH).
    """
    if text.count("[") + text.count("{") <= MAX_OPEN_FLOW:
        return None
    depth = 0
    for match in _FLOW.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_OPEN_FLOW:
            line = text.count("\n", 0, match.start())
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            return error(file, line + first_line, column, "yaml-depth",
                         f"more than {MAX_OPEN_FLOW:,} '[' or '{{' are open at once here; close each list and "
                         f"mapping (YAML may nest at most {MAX_DEPTH} levels)")
    return None


def _reader_error(exc: yaml.reader.ReaderError, text: str, file: str, first_line: int) -> Diagnostic:
    """A character YAML refuses (a control character): its position counts bytes of the UTF-8 text."""
    before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace")
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1) + 1
    found = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
    message = f"invalid YAML: the control character {found} cannot appear in front matter; delete it"
    return error(file, line + first_line, column, "yaml-syntax", message)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str, first_line: int) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    context = exc.context or ""
    if context == "while scanning a quoted scalar" and exc.context_mark is not None:
        mark = exc.context_mark
    line = mark.line if mark else 0
    column = mark.column if mark else 0
    lines = text.split("\n")
    opened = _unclosed_quote(lines[: line + 1])
    if opened is not None:
        line, column = opened
        message = "invalid YAML: a quoted value opened here is never closed; add the closing quote"
        return error(file, line + first_line, column + 1, "yaml-syntax", message)
    if "\t" in (exc.problem or "") or (line < len(lines) and "\t" in lines[line][: column + 1]):
        hint = "tabs cannot indent YAML; indent with spaces"
    else:
        hint = _FRIENDLY.get(context, "check the quoting and indentation of this line")
    found = exc.problem or "a syntax error"
    return error(file, line + first_line, column + 1, "yaml-syntax", f"invalid YAML: {found}; {hint}")


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[\w.-]+:\s+)?(["'])""")


def _unclosed_quote(lines: list[str]) -> tuple[int, int] | None:
    """The (line, column) of the first value that opens a quote its own line never closes."""
    for index, line in enumerate(lines):
        match = _QUOTED_VALUE.match(line)
        if not match:
            continue
        quote = match.group(1)
        rest = line[match.end():]
        closed = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in closed:
            return index, match.start(1)
    return None


@dataclass
class _Frame:
    """An open mapping or sequence while events stream in."""

    path: Path
    container: dict[str, Any] | list[Any]
    key: str | None = None
    skip_value: bool = False


class _Builder:
    """Builds plain values straight from the parser's events, with an explicit stack.

    PyYAML's composer recurses once per nesting level in C, so a file of 100,000 '[' overflows the
    C stack and kills the process; reading events keeps every depth safe and gives aliases their place.
    """

    def __init__(self, loader: Any, file: str, first_line: int) -> None:
        self.loader = loader
        self.file = file
        self.first_line = first_line
        self.doc = YamlDoc(None)
        self.problems: list[Diagnostic] = []
        self.nodes = 0
        self.aliases: list[tuple[Position, str]] = []

    def position(self, event: yaml.Event) -> Position:
        mark = event.start_mark
        assert mark is not None, "the parser marks every event"
        return mark.line + self.first_line, mark.column + 1

    def fail(self, event: yaml.Event, code: str, message: str) -> None:
        line, column = self.position(event)
        self.problems.append(error(self.file, line, column, code, message))

    def run(self) -> bool:
        """Build the one document of the stream; False when the stream holds a second one."""
        self.loader.get_event()
        if isinstance(self.loader.peek_event(), yaml.StreamEndEvent):
            return True
        self.loader.get_event()
        self.document()
        self.loader.get_event()
        extra = self.loader.get_event()
        if not isinstance(extra, yaml.StreamEndEvent):
            self.problems = []
            self.fail(extra, "yaml-syntax", "invalid YAML: a second YAML document starts here; "
                                            "front matter is one document, so remove the extra '---' or '...'")
            return False
        self._report_aliases()
        return True

    def document(self) -> None:
        stack: list[_Frame] = []
        while True:
            event = self.loader.get_event()
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                if not stack:
                    return
                continue
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                self.key(stack[-1], event)
                continue
            frame = stack[-1] if stack else None
            path = self.child_path(frame)
            opened = self.node(event, path, len(stack), frame is not None and frame.skip_value)
            self.place(frame, path, opened.container if isinstance(opened, _Frame) else opened)
            if isinstance(opened, _Frame):
                stack.append(opened)
            elif not stack:
                return

    def child_path(self, frame: _Frame | None) -> Path:
        if frame is None:
            return ()
        if isinstance(frame.container, dict):
            return (*frame.path, frame.key or "")
        return (*frame.path, len(frame.container))

    def place(self, frame: _Frame | None, path: Path, value: Any) -> None:
        if frame is None:
            self.doc.data = value
        elif isinstance(frame.container, list):
            frame.container.append(value)
        else:
            key = path[-1]
            assert isinstance(key, str), "a mapping's values sit at a key"
            if not frame.skip_value:
                frame.container[key] = value
            frame.key, frame.skip_value = None, False

    def key(self, frame: _Frame, event: yaml.Event) -> None:
        """A mapping key: a plain scalar, once per mapping; anything else is reported and its value dropped."""
        assert isinstance(frame.container, dict)
        tag = getattr(event, "tag", None)
        if not isinstance(event, yaml.ScalarEvent) or self.resolve(event) == _MERGE_TAG or tag not in (None, "!"):
            self.fail(event, "yaml-key", "keys must be plain words (merge keys, tags and complex keys are not "
                                         "allowed); write the key as a word followed by ':'")
            self.skip(event)
            frame.key, frame.skip_value = "", True
            return
        key = event.value
        path = (*frame.path, key)
        frame.key, frame.skip_value = key, key in frame.container
        if frame.skip_value:
            first = self.doc.key_at[path][0]
            self.fail(event, "duplicate-key", f"duplicate key '{key}' (first set on line {first}); keep one")
        else:
            self.doc.key_at[path] = self.position(event)

    def node(self, event: yaml.Event, path: Path, depth: int, ignored: bool) -> _Frame | Any:
        """Start a value: a scalar's value, or a new frame for a collection (None when it is refused)."""
        self.nodes += 1
        if isinstance(event, yaml.AliasEvent):
            self.aliases.append((self.position(event), event.anchor or ""))
            return None
        assert isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)), "a node: alias, scalar or collection"
        if not ignored:
            self.doc.value_at[path] = self.position(event)
        refusal = self.refusal(event, depth)
        if refusal:
            if not ignored:
                self.fail(event, *refusal)
            self.skip(event)
            return None
        if isinstance(event, yaml.ScalarEvent):
            return None if ignored else self.scalar(event, path)
        return _Frame(path, {} if isinstance(event, yaml.MappingStartEvent) else [])

    def refusal(self, event: yaml.ScalarEvent | yaml.CollectionStartEvent, depth: int) -> tuple[str, str] | None:
        if self.nodes > MAX_NODES:
            return "yaml-size", f"too many YAML values (more than {MAX_NODES:,}); split the file"
        if isinstance(event, yaml.ScalarEvent):
            return None
        if depth >= MAX_DEPTH:
            return "yaml-depth", f"YAML nested more than {MAX_DEPTH} levels deep; flatten it"
        if event.tag not in (None, "!", _MAP_TAG if isinstance(event, yaml.MappingStartEvent) else _SEQ_TAG):
            return "yaml-tag", f"YAML tag {event.tag} is not allowed; remove it"
        return None

    def skip(self, event: yaml.Event) -> None:
        """Consume the rest of a refused collection without building it."""
        depth = int(isinstance(event, yaml.CollectionStartEvent))
        while depth:
            event = self.loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1

    def resolve(self, event: yaml.ScalarEvent) -> str:
        """The scalar's tag, as PyYAML's resolver gives it where the file names none (PyYAML's stubs leave both
        untyped)."""
        if event.tag is None or event.tag == "!":
            resolved: str = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            return resolved
        return event.tag

    def scalar(self, event: yaml.ScalarEvent, path: Path) -> Any:
        self.doc.raw[path] = event.value
        hidden = find_invisible(event.value)
        if hidden:
            self.fail(event, "control-character", f"an escape in this value writes the invisible control character "
                                                  f"U+{ord(hidden.group()):04X}, which no HTML page or feed can "
                                                  "carry; remove the escape")
            return None
        # No marks: a value that cannot be constructed is reported at the event, by `fail`.
        node = yaml.ScalarNode(self.resolve(event), event.value, None, None, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self.fail(event, "yaml-tag", f"cannot read this value: {exc.problem}; remove the tag or quote the value")
        except (ValueError, OverflowError, TypeError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                self.fail(event, "bad-date", f"'{event.value}' is not a real date ({exc}); check the day, month "
                                             "and time (e.g. 2026-03-14 or 2026-03-14T09:30:00Z)")
            else:
                self.fail(event, "yaml-value", f"'{event.value}' is not a valid value ({exc}); quote it")
        return None

    def _report_aliases(self) -> None:
        """One error for all aliases: an alias bomb ("billion laughs") must not flood the report."""
        if not self.aliases:
            return
        (line, column), anchor = self.aliases[0]
        more = len(self.aliases) - 1
        also = f" (and {more} more alias{'es' * (more != 1)})" if more else ""
        self.problems.append(error(self.file, line, column, "yaml-alias",
                                   f"YAML aliases such as *{anchor} are not allowed{also}; write each value out"))


class _NotPlain(Exception):
    """The document uses something the fast path leaves to the builder, which will explain it if it is wrong."""


def load_plain(text: str, first_line: int = 1) -> YamlDoc | None:
    """The fast path: the YamlDoc that `_Builder` would give, or None for a document that uses anything it
    refuses or reports (aliases, tags, merge or repeated keys, unreadable scalars, deep nesting, a second
    document, an empty stream) or any character that needs a second look.

    Every content file is read on each cold build and nearly all are plain; without the builder's
    bookkeeping for problems (skipped values, a method call per event) this reads one in two thirds of the
    builder's time. `yaml.load` would be no faster (its constructor is Python too) and gives no positions,
    which the models keep (a timeline entry's, an alias's, a picture's) for messages written later.
    """
    if text.count("[") + text.count("{") > MAX_OPEN_FLOW or find_invisible(text):
        return None
    loader = _Loader(text)
    doc = YamlDoc(None, lines=text.split("\n"), first_line=first_line)
    try:
        _plain_stream(loader, doc, escapes="\\" in text)
    except (_NotPlain, yaml.YAMLError, ValueError, OverflowError, TypeError):
        return None
    finally:
        loader.dispose()
    return doc


def _plain_stream(loader: Any, doc: YamlDoc, escapes: bool) -> None:
    """One document between the stream's start and end events; anything else is not plain."""
    loader.get_event()
    if not isinstance(loader.get_event(), yaml.DocumentStartEvent):
        raise _NotPlain
    _plain_document(loader, doc, escapes)
    loader.get_event()
    if not isinstance(loader.get_event(), yaml.StreamEndEvent):
        raise _NotPlain


def _plain_document(loader: Any, doc: YamlDoc, escapes: bool) -> None:
    """The events of one document into values and positions, in one loop: a method call per event would
    cost as much as the parsing itself. A pending key is set by the key's event and cleared when its value
    (scalar or collection) is placed, so nested mappings need no key of their own on the stack."""
    stack: list[tuple[Path, Any]] = []
    key: str | None = None
    nodes = 0
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            if not stack:
                return
            continue
        mark = event.start_mark
        at = (mark.line + doc.first_line, mark.column + 1)
        parent = stack[-1] if stack else ((), None)
        if key is None and type(parent[1]) is dict:
            key = _plain_key(event, parent, doc, at)
            continue
        path = (*parent[0], key or "" if type(parent[1]) is dict else len(parent[1] or ())) if stack else ()
        nodes += 1
        if nodes > MAX_NODES or isinstance(event, yaml.AliasEvent) or event.tag is not None:
            raise _NotPlain
        doc.value_at[path] = at
        value = _plain_value(loader, event, doc, path, escapes) if isinstance(event, yaml.ScalarEvent) else (
            _plain_collection(event, len(stack)))
        if parent[1] is None:
            doc.data = value
        elif type(parent[1]) is dict:
            parent[1][key] = value
        else:
            parent[1].append(value)
        key = None
        if not isinstance(event, yaml.ScalarEvent):
            stack.append((path, value))
        elif not stack:
            return


def _plain_key(event: yaml.Event, parent: tuple[Path, Any], doc: YamlDoc, at: Position) -> str:
    """A mapping key the builder takes as is: an untagged scalar, not '<<', not already in the mapping."""
    if not isinstance(event, yaml.ScalarEvent) or event.tag is not None or event.value == "<<" \
            or event.value in parent[1]:
        raise _NotPlain
    doc.key_at[(*parent[0], event.value)] = at
    return event.value


def _plain_collection(event: yaml.Event, depth: int) -> dict[str, Any] | list[Any]:
    if depth >= MAX_DEPTH:
        raise _NotPlain
    return {} if isinstance(event, yaml.MappingStartEvent) else []


def _plain_value(loader: Any, event: yaml.ScalarEvent, doc: YamlDoc, path: Path, escapes: bool) -> Any:
    """A scalar as the builder constructs it; a quoted or block scalar is text without asking the resolver."""
    doc.raw[path] = value = event.value
    if escapes and event.style == '"' and find_invisible(value):
        raise _NotPlain
    if not event.implicit[0]:
        return value
    tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
    if tag == _STR_TAG:
        return value
    # libyaml's marks (yaml._yaml.Mark) serve the constructor as the pure-Python ones do; only the stubs differ
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
    return loader.construct_object(node, deep=True)
