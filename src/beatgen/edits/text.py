"""Small edits of a content file's text that keep every other line as the writer wrote it: one YAML value
replaced at its position, a top-level list rewritten, link destinations pointed elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable

LINK = re.compile(r"(?P<inline>\]\(\s*<?)(?P<href>[^)\s>]+)|^(?P<ref>[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)(?P<def>[^\s>]+)",
                  re.MULTILINE)
"""A Markdown link's destination: `[text](dest)` or a reference definition `[label]: dest`."""
_FLOW_END = re.compile(r"\s*(?:[,\]}]|\s#|$)")
_BLOCK_END = re.compile(r"\s*(?:\s#|$)")
"""Where a plain scalar ends, in a flow collection or a block; both match at the end of the line at the latest."""


def relink(text: str, new_target: Callable[[str], str | None]) -> tuple[str, int]:
    """Every link destination for which `new_target` gives another, replaced by it; and how many were."""
    count = 0

    def swap(found: re.Match[str]) -> str:
        nonlocal count
        opener, href = (found.group("inline"), found.group("href")) if found.group("inline") is not None \
            else (found.group("ref"), found.group("def"))
        new = new_target(href)
        if new is None or new == href:
            return found.group()
        count += 1
        return opener + new

    return LINK.sub(swap, text), count


def replace_scalar(lines: list[str], line: int, column: int, value: str) -> None:
    """Replace the one-line YAML scalar that starts at (line, column), quoted or plain, by `value` written plain."""
    text = lines[line - 1]
    start = column - 1
    if text[start:start + 1] in ('"', "'"):
        end = text.index(text[start], start + 1) + 1
    else:
        in_flow = any(char in "[{" for char in text[:start])
        end = _end_of_value(_FLOW_END if in_flow else _BLOCK_END, text, start)
    lines[line - 1] = text[:start] + value + text[end:]


def _end_of_value(end: re.Pattern[str], text: str, start: int) -> int:
    found = end.search(text, start)
    assert found is not None, "the pattern matches at the end of the line"
    return found.start()


def key_span(lines: list[str], key: str, closing: int) -> tuple[int, int] | None:
    """The lines (start, end: index past the last) of a top-level key and its value in the front matter,
    whose closing '---' is at index `closing`; None when the key is absent."""
    start = next((i for i in range(1, closing) if re.match(rf"{re.escape(key)}\s*:", lines[i])), None)
    if start is None:
        return None
    end = start + 1
    while end < closing and (not lines[end].strip() or lines[end][0] in " \t-"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end


def set_list(lines: list[str], key: str, values: list[str]) -> None:
    """Write a top-level list of the front matter as a block list (dropping the key when `values` is empty),
    in place of the key's value, or at the end of the front matter when the key is absent."""
    closing = closing_line(lines)
    assert closing is not None, "only files that parsed are edited"
    block = [f"{key}:", *(f"  - {value}" for value in values)] if values else []
    span = key_span(lines, key, closing)
    start, end = span if span else (closing, closing)
    lines[start:end] = block


def closing_line(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter, when the file opens with one."""
    if not lines or lines[0].rstrip() != "---":
        return None
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
