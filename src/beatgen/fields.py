"""Typed reads of YAML mappings that report a positioned Diagnostic instead of raising.

Shared by site.yaml and front matter validation: each reader returns the value (or a
fallback) and appends a message naming what was expected and what was found.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from beatgen.diagnostics import Diagnostic, error, warning
from beatgen.spelling import allowed_edits, nearest
from beatgen.yamlsource import Path, Position, YamlDoc


def describe(value: Any) -> str:
    """How a found value is named in messages: `"high" (text)`, `8.5 (a decimal)`."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int):
        return f"{value}"
    if isinstance(value, float):
        return f"{value} (a decimal)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'"{shown}" (text)'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def name(path: Path) -> str:
    """How a field is named in messages: `'title'`, or `item 2 of 'takeaways'` for a list item."""
    if path and isinstance(path[-1], int):
        return f"item {path[-1] + 1} of '{path[-2]}'" if len(path) > 1 else f"item {path[-1] + 1}"
    return f"'{path[-1]}'" if path else "the front matter"


def closest(word: str, choices: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return match[0] if match else None


def suggest(word: str, choices: Iterable[str]) -> str:
    match = closest(word, choices)
    return f"; did you mean '{match}'?" if match else ""


def _folded(key: str) -> str:
    """A key as compared for typos: `Key-Facts` and `key facts` are `key_facts` misspelt."""
    return key.casefold().replace("-", "_").replace(" ", "_")


def near_miss(key: str, known: Iterable[str]) -> str | None:
    """The known key that `key` misspells: equal but for case and separators, or a few edits away."""
    by_folded = {_folded(name): name for name in known}
    match = nearest(_folded(key), by_folded, allowed_edits(key))
    return by_folded[match] if match else None


@dataclass
class Reader:
    """Reads one YAML document of one file, collecting diagnostics."""

    doc: YamlDoc
    file: str
    problems: list[Diagnostic] = field(default_factory=list)
    ITEMS: ClassVar[dict[str, str]] = {}
    """How messages name one item of a list field: `sources` → "source 2"."""

    def fail(self, path: Path, code: str, message: str, *, key: bool = False, at: Position | None = None) -> None:
        """Report an error at `path` (or at `at`, a place inside its value); one error per place, so a bad value
        is not reported twice (but every missing field is named, though all of them point at the mapping that
        lacks them)."""
        line, column = at or self.doc.where(path, key=key)
        if any((p.line, p.column, p.severity) == (line, column, "error")
               and (code != "missing-field" or p.code != code or p.message == message) for p in self.problems):
            return
        self.problems.append(error(self.file, line, column, code, message))

    def warn(self, path: Path, code: str, message: str, *, key: bool = True) -> None:
        line, column = self.doc.where(path, key=key)
        self.problems.append(warning(self.file, line, column, code, message))

    def get(self, path: Path) -> Any:
        value: Any = self.doc.data
        for part in path:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and part < len(value):
                value = value[part]
            else:
                return None
        return value

    def present(self, path: Path) -> bool:
        return path in self.doc.key_at or path in self.doc.value_at

    def unknown_keys(self, path: Path, known: Iterable[str], *, as_error: bool, what: str) -> None:
        mapping = self.get(path)
        if not isinstance(mapping, dict):
            return
        known = list(known)
        for key in mapping:
            if key in known:
                continue
            typo = None if as_error else self.misspelling(key, known, what)
            message = f"unknown {what} key '{key}'{suggest(key, known) or '; it is ignored'}"
            if typo:
                self.fail((*path, key), *typo, key=True)
            elif as_error:
                self.fail((*path, key), "unknown-key", message, key=True)
            else:
                self.warn((*path, key), "unknown-key", message)

    def misspelling(self, key: str, known: list[str], what: str) -> tuple[str, str] | None:
        """The code and message that make an unknown key an error rather than a warning, or None: a near miss
        of a known key is a typo whose value would be silently lost, not a note of the writer's own."""
        meant = near_miss(key, known)
        if meant is None:
            return None
        return "misspelt-key", f"unknown {what} key '{key}'; did you mean '{meant}'? As written it is ignored: fix " \
                               "the spelling"

    def require(self, path: Path, what: str) -> bool:
        if self.present(path) and self.get(path) not in (None, ""):
            return True
        parent = path[:-1]
        if not self.present(path) and parent and isinstance(parent[-1], int):
            # A list item has no key of its own: the message names the item, at the line it starts on.
            self.fail(parent, "missing-field", f"{self.item(parent)} has no '{path[-1]}'; add '{path[-1]}:' to it")
            return False
        self.fail(path if self.present(path) else parent, "missing-field", f"{what} is required; add '{path[-1]}:'",
                  key=not self.present(path))
        return False

    def label(self, path: Path) -> str:
        """How messages name any field: `'title'`, `item 1 of 'takeaways'`, `'url' of source 2`."""
        if len(path) > 1 and isinstance(path[-2], int):
            return f"'{path[-1]}' of {self.item(path[:-1])}"
        return self.item(path) if path and isinstance(path[-1], int) else name(path)

    def item(self, path: Path) -> str:
        """`source 2` (ITEMS names the items of a list field), else `item 2 of 'impact'`."""
        singular = self.ITEMS.get(str(path[-2])) if len(path) > 1 else None
        return f"{singular} {int(path[-1]) + 1}" if singular else name(path)

    def text(self, path: Path, *, required: bool = False, default: str = "", max_len: int = 0) -> str:
        """A string field; unquoted YAML scalars such as `2026` or `no` are taken as the writer wrote them."""
        if not self.present(path) or self.get(path) is None:
            if required:
                self.require(path, f"'{path[-1]}'")
            return default
        found = self.get(path)
        if isinstance(found, (dict, list)):
            self.fail(path, "wrong-type", f"{name(path)} must be text, got {describe(found)}")
            return default
        value = (found if isinstance(found, str) else self.doc.raw.get(path, str(found))).strip()
        if required and not value:
            self.fail(path, "missing-field", f"'{path[-1]}' must not be empty")
        if max_len and len(value) > max_len:
            self.fail(path, "too-long", f"'{path[-1]}' must be at most {max_len} characters, got {len(value)}")
        return value

    def integer(self, path: Path, low: int, high: int, *, default: int | None = None) -> int | None:
        if not self.present(path):
            if default is None:
                self.require(path, f"'{path[-1]}'")
            return default
        value = self.get(path)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(path, "out-of-range" if isinstance(value, int) and not isinstance(value, bool) else "wrong-type",
                      f"{path[-1]} must be an integer from {low} to {high}, got {describe(value)}")
            return default
        return value

    def items(self, path: Path, *, what: str) -> list[Any]:
        """A list field; a single value where a list is expected is an error, not silently wrapped."""
        if not self.present(path) or self.get(path) is None:
            return []
        value = self.get(path)
        if not isinstance(value, list):
            self.fail(path, "wrong-type", f"'{path[-1]}' must be a list of {what}, got {describe(value)}; "
                                          f"write each item on its own line starting with '- '")
            return []
        return value

    def texts(self, path: Path, *, what: str, low: int = 0, high: int = 10_000) -> tuple[str, ...]:
        values = self.items(path, what=what)
        if self.present(path) and not isinstance(self.get(path), list):
            return ()
        result = []
        for index in range(len(values)):
            item = self.text((*path, index))
            if item:
                result.append(item)
            elif self.present((*path, index)):
                self.fail((*path, index), "missing-field", f"{name((*path, index))} is empty; write it or delete "
                                                           "the line")
        if self.present(path) and not low <= len(values) <= high:
            self.fail(path, "count", f"'{path[-1]}' must have {low} to {high} {what}, got {len(values)}")
        return tuple(result)
