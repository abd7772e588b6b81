"""What a browser would treat as active content in built output: script elements, event handler
attributes and URLs with a dangerous scheme; parsed strictly, as a validator would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import html5lib

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href", "data"}
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
SAFE_SCHEMES = {"http", "https", "mailto"}


def parse_strict(data: bytes | str, *, fragment: bool = False):  # noqa: ANN201 - an ElementTree element
    """Parse as HTML5 and fail on any parse error (html5lib's strict mode), like a validator would."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parseFragment(data) if fragment else parser.parse(data)


def browser_scheme(url: str) -> str:
    """The scheme a browser would see: leading/trailing C0 and spaces dropped, tabs and newlines removed."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
                                             "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    match = SCHEME.match(cleaned.lower())
    return match.group(1) if match else ""


def active_content(root, own_scripts: str = "") -> Iterator[str]:  # noqa: ANN001 - an ElementTree element
    """Every piece of active content in a parsed page, described; `own_scripts`: the prefix of our own JS."""
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "script":
            kind = element.get("type", "")
            if kind == "application/ld+json":
                try:
                    json.loads(element.text or "")
                except ValueError:
                    yield f"JSON-LD that is not JSON: {element.text!r:.200}"
            elif not (own_scripts and element.get("src", "").startswith(own_scripts) and not (element.text or "")):
                yield f"script element {element.attrib} {element.text!r:.100}"
        if tag in ("iframe", "object", "embed", "frame", "base"):
            yield f"{tag} element"
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                yield f"event handler {name}={value!r} on <{tag}>"
            if name.lower() in URL_ATTRIBUTES and browser_scheme(value) not in SAFE_SCHEMES | {""}:
                yield f"{name}={value!r} on <{tag}>"
            if name.lower() == "srcset" or (tag == "meta" and element.get("http-equiv", "").lower() == "refresh"):
                yield f"{name}={value!r} on <{tag}>"


def files_outside(root: Path) -> list[Path]:
    """Files or links under `root` whose real location is not inside it."""
    real = root.resolve()
    return [p for p in root.rglob("*") if not p.resolve().is_relative_to(real)]
