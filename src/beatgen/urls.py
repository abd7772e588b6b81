"""Slugs and permalinks, computed from front matter alone.

Every URL must be known before any Markdown renders (links, timelines and glossary entries
point at other pages), so nothing here looks at a story body.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import datetime
from posixpath import normpath
from urllib.parse import urlsplit

from anyascii import anyascii

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_ALIAS_CHAR = re.compile(r"[A-Za-z0-9._~/-]")


@functools.lru_cache(maxsize=1 << 16)
def slugify(text: str) -> str:
    """ASCII slug of any text, never empty: a name with no letters or digits in any script (emoji, punctuation)
    gets a stable hash-based slug (memoised: a site names its few hundred topics and entities tens of
    thousands of times)."""
    return plain_slug(text) or "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def plain_slug(text: str) -> str:
    """The words of any text in ASCII, lower case, joined by '-' (Wisła → wisla, Україна → ukraina), or "" when
    nothing is left: files and `beatgen new` ask for a `slug:` then. ASCII text takes no detour, so every
    ASCII name keeps the slug it always had."""
    folded = (text if text.isascii() else "".join(map(_ascii, unicodedata.normalize("NFC", text)))).lower()
    return _NOT_SLUG.sub("-", folded.replace("'", "")).strip("-")[:80].strip("-")


@functools.lru_cache(maxsize=1 << 12)
def _ascii(char: str) -> str:
    """One character transliterated by anyascii; symbols and emoji are kept only where they decompose to ASCII
    (™ → TM), since anyascii would name them (🚀 → ':rocket:', 🇵🇱 → 'PL')."""
    if unicodedata.category(char) == "So":
        return unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return anyascii(char).replace("`", "")  # the ayin (السعودي → ls`wdy) stays inside its word, as "'" does


def is_slug(text: str) -> bool:
    return bool(SLUG_RE.match(text)) and len(text) <= 100


def story_path(pattern: str, date: datetime, slug: str) -> str:
    """Site-relative path of a story, e.g. `/stories/2026/03/slug/` (always starts and ends with '/')."""
    return pattern.format(year=f"{date:%Y}", month=f"{date:%m}", day=f"{date:%d}", slug=slug)


def term_path(pattern: str, slug: str) -> str:
    return pattern.format(slug=slug)


def output_file(path: str) -> str:
    """The file a site-relative path is written to: `/a/b/` → `a/b/index.html`; refuses escapes."""
    clean = normpath("/" + path.lstrip("/"))
    if clean != "/" + path.lstrip("/").rstrip("/") and clean + "/" != "/" + path.lstrip("/"):
        raise ValueError(f"unsafe output path {path!r}")
    relative = clean.lstrip("/")
    if path.endswith("/"):
        return f"{relative}/index.html" if relative else "index.html"
    return relative


def alias_path(text: str) -> tuple[str, str]:
    """An old address (`aliases:`) as the site path its redirect page is written at, and ""; or "" and what is
    wrong with it. A folder (`/old/`, also written `/old` or `/old/index.html`) or an `.html` file are what
    every static host serves as a page; anything else could not be answered by a file."""
    parts = urlsplit(text)
    if parts.scheme or text.startswith("//"):
        return "", f"'{text}' is a full address; an alias is an old path of this site: write '{parts.path or '/'}'"
    if not text.startswith("/"):
        return "", (f"'{text}' does not start with '/'; an alias is an old path of this site: "
                    f"write '/{text.lstrip('./')}'")
    bad = next((char for char in text if not _ALIAS_CHAR.match(char)), None)
    if bad is not None:
        return "", (f"'{text}' holds {bad!r}; an alias may use only letters, digits, '-', '_', '.', '~' and '/' "
                    "(the path as the address bar shows it, without a '?' or '#' part)")
    segments = text.strip("/").split("/")
    if "//" in text or any(segment in (".", "..") for segment in segments):
        return "", f"'{text}' holds '//', '.' or '..' parts; write the path they lead to"
    last = segments[-1]
    if last == "index.html":
        return text.removesuffix("index.html"), ""
    extension = last.rpartition(".")[2] if "." in last else ""
    if extension and extension != "html":
        return "", (f"'{text}' ends in '.{extension}', which a static host cannot serve as a page; an alias is a "
                    "folder ('/old/') or an '.html' file")
    return (text if text.endswith("/") or extension else text + "/"), ""


def page_path(base: str, page: int) -> str:
    """Pagination: page 1 is `base`, page n is `base + page/n/`."""
    return base if page == 1 else f"{base}page/{page}/"
