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
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
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


def load_yaml(text: str, file: str, first_line: int = 1) -> tuple[YamlDoc | None, list[Diagnostic]]:
    """Parse `text`, whose first line is line `first_line` of `file`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, text, file, first_line)]
    except yaml.YAMLError as exc:
        return None, [error(file, first_line, 1, "yaml-syntax", f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [error(file, first_line, 1, "yaml-depth", "YAML is nested too deeply to read")]
    finally:
        loader.dispose()
    builder = _Builder(loader, file, first_line)
    if node is None:
        return YamlDoc(None), []
    data = builder.build(node, (), 0)
    builder.doc.data = data
    return builder.doc, builder.problems


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


class _Builder:
    """Turns a composed node tree into plain values, recording positions and problems."""

    def __init__(self, loader: Any, file: str, first_line: int) -> None:
        self.loader = loader
        self.file = file
        self.first_line = first_line
        self.doc = YamlDoc(None)
        self.problems: list[Diagnostic] = []
        self.seen: set[int] = set()

    def position(self, node: yaml.Node) -> Position:
        return node.start_mark.line + self.first_line, node.start_mark.column + 1

    def fail(self, node: yaml.Node, code: str, message: str) -> None:
        line, column = self.position(node)
        self.problems.append(error(self.file, line, column, code, message))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        if id(node) in self.seen:
            line, column = self.doc.key_at.get(path, self.position(node))
            message = "YAML aliases (*name) are not allowed here; write the value out"
            self.problems.append(error(self.file, line, column, "yaml-alias", message))
            return None
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            self.fail(node, "yaml-size", f"too many YAML values (more than {MAX_NODES}); split the file")
            return None
        if depth > MAX_DEPTH:
            self.fail(node, "yaml-depth", f"YAML nested more than {MAX_DEPTH} levels deep; flatten it")
            return None
        self.doc.value_at[path] = self.position(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return self.sequence(node, path, depth)
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any] | None:
        if node.tag != _MAP_TAG:
            self.fail(node, "yaml-tag", f"YAML tag {node.tag} is not allowed; remove it")
            return None
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                message = "keys must be plain words (merge keys and complex keys are not allowed)"
                self.fail(key_node, "yaml-key", message)
                continue
            key = key_node.value
            if key in result:
                first = self.doc.key_at[(*path, key)][0]
                self.fail(key_node, "duplicate-key", f"duplicate key '{key}' (first set on line {first}); keep one")
                continue
            self.doc.key_at[(*path, key)] = self.position(key_node)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def sequence(self, node: yaml.SequenceNode, path: Path, depth: int) -> list[Any] | None:
        if node.tag != _SEQ_TAG:
            self.fail(node, "yaml-tag", f"YAML tag {node.tag} is not allowed; remove it")
            return None
        return [self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]

    def scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        self.doc.raw[path] = node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            self.fail(node, "yaml-tag", f"cannot read this value: {exc.problem}; remove the tag or quote the value")
        except (ValueError, OverflowError, TypeError) as exc:
            if node.tag == "tag:yaml.org,2002:timestamp":
                self.fail(node, "bad-date", f"'{node.value}' is not a real date ({exc}); check the day and month")
            else:
                self.fail(node, "yaml-value", f"'{node.value}' is not a valid value ({exc}); quote it")
        return None
