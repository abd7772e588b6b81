"""Split a content file into its YAML front matter and Markdown body, keeping line numbers.

Also the gate for files that are not text at all: too large, binary, not UTF-8, empty, or holding
invisible control characters (which no page, feed or sitemap could carry as valid HTML or XML).
"""

from __future__ import annotations

from dataclasses import dataclass

from beatgen.diagnostics import Diagnostic, error
from beatgen.yamlsource import find_invisible, invisible_message

FENCE = "---"


@dataclass(frozen=True)
class Split:
    yaml_text: str
    yaml_line: int
    body: str
    body_line: int


def split_file(raw: bytes, file: str, max_size: int) -> tuple[Split | None, list[Diagnostic]]:
    text, problem = _decode(raw, file, max_size)
    if problem:
        return None, [problem]
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        found = lines[0][:30]
        return None, [error(file, 1, 1, "no-front-matter",
                            f"the file must start with a '---' line opening the front matter, found {found!r}")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            body = "\n".join(lines[index + 1:])
            return Split("\n".join(lines[1:index]) + "\n", 2, body, index + 2), []
    return None, [error(file, 1, 1, "unclosed-front-matter",
                        "the front matter opened on line 1 is never closed; add a line '---' after the last key")]


def _decode(raw: bytes, file: str, max_size: int) -> tuple[str, Diagnostic | None]:
    if len(raw) > max_size:
        return "", error(file, 1, 1, "too-large", f"the file is larger than the limit of {max_size:,} bytes "
                                                  "(max_file_size in site.yaml); split it or raise the limit")
    if not raw.strip():
        return "", error(file, 1, 1, "empty-file", "the file is empty; a story starts with '---' front matter")
    if b"\x00" in raw:
        return "", error(file, 1, 1, "binary-file", "this is a binary file, not Markdown text; remove it or rename it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return "", error(file, line, column, "not-utf8",
                         f"invalid UTF-8 byte 0x{raw[exc.start]:02x}; save the file as UTF-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    found = find_invisible(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        return "", error(file, line, column, "control-character", invisible_message(found.group()))
    return text, None
