"""What Pagefind reads from a page: the part of its bytes that names the page's search shard.

A shard is named after its pages (`search_plan`), so that a rebuild re-indexes only the shards whose
pages changed. Named after whole pages, every shard would be re-indexed when a layout changes anything
at all (a comment, the header, a class); named after what Pagefind reads, none is then, and still every
shard whose index would differ is. Pagefind 1.5's parser (`fossick/parser.rs`) reads:

- the `<html>` tags, for their `lang`;
- every element with a `data-pagefind-*` attribute, whole: the bodies' text; filters, metadata and sort
  keys, read wherever they are and often from an element's text; ignored parts; weights; `index-attrs`;
- the fallback title and image: the `<title>`s, every `<h1>`, every `<img>` from where a title can be known;
- after the first body closes, the text directly inside a body's ancestors, and their `<br>`s: Pagefind
  appends it to the bodies' text, while what lies inside any other element there is dropped.

The rest before the first body is dropped once a body closes, and comments, scripts and styles are never
indexed. Where a page falls outside this reading (no body, `data-pagefind-ignore="all"`, a `<` in an
attribute's value, an element left open, a script or style that Pagefind would read) the whole page
counts: a doubt costs a re-index, never a stale shard. It is string scanning, not parsing (it runs on
every story page after a layout edit). Tags are found in the page lowercased (HTML's names are
case-insensitive, and lowering ASCII letters keeps every byte where it was); bytes are taken from the page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

_MARK = b"data-pagefind-"
_BODY = b"data-pagefind-body"
_STRAY = re.compile(rb"<[^>]*<")
"""A `<` before the `>` that ends a tag: in an attribute's value, or text that is not escaped."""
_TAG = re.compile(rb"""<([a-z][^\s/>]*)(?:[^>"']+|"[^"]*"|'[^']*')*>""")
"""A start tag, whose quoted values may hold a `>`."""
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
_IGNORE = re.compile(rb"""data-pagefind-ignore(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?""")
_IGNORED_TEXT = frozenset((b"", b"index", b"true"))
"""The values of `data-pagefind-ignore` that drop an element's text only; any other drops its filters too."""
_ENDS = b" \t\n\r\f/>"
_UNREAD = {b"<!--": b"-->", b"<script": b"</script", b"<style": b"</style"}
"""What is never read, from where it begins to where it ends: comments, and the text of scripts and styles."""
_HOLE = b"\x00"
"""Where a marked element stands after the first body (its bytes are read whole)."""

Span = tuple[int, int, bool]
"""A marked element: where it starts and ends in the page, and whether it is a body."""


class _Unfollowed(Exception):
    """The page is not one this reading follows: the whole page counts."""


def indexed_digest(page: bytes) -> str:
    """A digest of what Pagefind reads from `page`: equal digests, equal index entries."""
    return hashlib.blake2b(b"\x1f".join(indexed_parts(page)), digest_size=16).hexdigest()


def indexed_parts(page: bytes) -> list[bytes]:
    """What Pagefind reads from `page`, in pieces; the whole page where this reading is in doubt."""
    lowered = page.lower()
    if _BODY not in lowered or b"<html" not in lowered:
        return [page]
    try:
        heads = [*_elements(page, lowered, b"<html", None), *_elements(page, lowered, b"<title", b"</title")]
        read, lowered = _read(page, lowered)
        _check(lowered)
        outermost = list(_marked(lowered))
        first_body = _first_body(lowered, outermost)
        return [*heads, *_elements(read, lowered, b"<h1", b"</h1"), *_images(read, lowered),
                *(read[start:end] for start, end, _body in outermost),
                _ancestor_text(read, lowered, first_body, outermost)]
    except _Unfollowed:
        return [page]


def _check(lowered: bytes) -> None:
    """Raise `_Unfollowed` for a `<` inside a tag (from the first marked one on, where elements are matched
    with their end tags) or an element that Pagefind excludes with everything in it."""
    if _STRAY.search(lowered, lowered.rfind(b"<", 0, lowered.find(_MARK))):
        raise _Unfollowed
    if any(b"".join(value) not in _IGNORED_TEXT for value in _IGNORE.findall(lowered)):
        raise _Unfollowed


def _find_tag(lowered: bytes, opener: bytes, start: int, end: int | None = None) -> int:
    """Where the next tag that begins with `opener` (`<h1`, `</p`, `<!--`) is, or -1."""
    at = lowered.find(opener, start, end)
    while at >= 0 and opener[-1:] != b"-" and lowered[at + len(opener):at + len(opener) + 1] not in _ENDS:
        at = lowered.find(opener, at + 1, end)
    return at


def _elements(page: bytes, lowered: bytes, opener: bytes, closer: bytes | None) -> Iterator[bytes]:
    """Each element that `opener` begins, to its first `closer` (its start tag alone without one)."""
    at = _find_tag(lowered, opener, 0)
    while at >= 0:
        until = _find_tag(lowered, closer, at) if closer else at
        end = lowered.find(b">", until) + 1 if until >= 0 else 0
        if end <= 0:
            raise _Unfollowed
        yield page[at:end]
        at = _find_tag(lowered, opener, end)


def _read(page: bytes, lowered: bytes) -> tuple[bytes, bytes]:
    """The page and its lowered form without what is never read: comments, and the text of scripts and
    styles (their tags stay). Whichever begins first hides the others, as in a tokenizer."""
    kept: list[tuple[int, int]] = []
    at = 0
    next_at = {opener: _find_tag(lowered, opener, 0) for opener in _UNREAD}
    while starts := [(start, opener) for opener, start in next_at.items() if start >= 0]:
        start, opener = min(starts)
        close = lowered.find(_UNREAD[opener], start)
        if close < 0:
            raise _Unfollowed
        kept.append((at, start if opener == b"<!--" else lowered.index(b">", start) + 1))
        at = close + 3 if opener == b"<!--" else close
        next_at = {o: s if s >= at else _find_tag(lowered, o, at) for o, s in next_at.items() if s >= 0}
    if not kept:
        return page, lowered
    kept.append((at, len(page)))
    return b"".join(page[a:b] for a, b in kept), b"".join(lowered[a:b] for a, b in kept)


def _images(page: bytes, lowered: bytes) -> Iterator[bytes]:
    """Every `<img>` from where Pagefind can first know a title (an `<h1>`, or a title in the metadata)."""
    titled = [at for at in (_find_tag(lowered, b"<h1", 0), lowered.find(b"data-pagefind-meta")) if at >= 0]
    at = _find_tag(lowered, b"<img", min(titled)) if titled else -1
    while at >= 0:
        tag = _TAG.match(lowered, at)
        end = tag.end() if tag else len(page)
        yield page[at:end]
        at = _find_tag(lowered, b"<img", end)


def _marked(lowered: bytes) -> Iterator[Span]:
    """Every element with a `data-pagefind-*` attribute that is not inside another, in page order."""
    at = lowered.find(_MARK)
    while at >= 0:
        start = lowered.rfind(b"<", 0, at)
        tag = _TAG.match(lowered, start) if start >= 0 else None
        if tag is None or tag.end() <= at:  # words in text
            at = lowered.find(_MARK, at + 1)
            continue
        name = tag.group(1)
        if name in (b"script", b"style", b"title", b"textarea"):
            raise _Unfollowed
        end = _element_end(lowered, tag)
        yield start, end, _BODY in tag.group()
        at = lowered.find(_MARK, end)


def _first_body(lowered: bytes, outermost: list[Span]) -> int:
    """Where the first body ends: a marked element, or the first inside one."""
    for start, end, body in outermost:
        if body:
            return end
        at = lowered.find(_BODY, start, end)
        while at >= 0:
            tag = _TAG.match(lowered, lowered.rfind(b"<", start, at))
            if tag is not None and tag.end() > at:
                return _element_end(lowered, tag)
            at = lowered.find(_BODY, at + 1, end)
    raise _Unfollowed


def _element_end(lowered: bytes, tag: re.Match[bytes]) -> int:
    """Where the element whose start tag is `tag` ends."""
    if tag.group(1) in _VOID or tag.group().endswith(b"/>"):
        return tag.end()
    return _end(lowered, tag.group(1), tag.end())


def _end(lowered: bytes, name: bytes, after: int) -> int:
    """Where the element `name` whose start tag ends at `after` ends: after its matching end tag."""
    opener, closer = b"<" + name, b"</" + name
    depth, at = 1, after
    while depth:
        close = _find_tag(lowered, closer, at)
        if close < 0:
            raise _Unfollowed
        inner = _find_tag(lowered, opener, at, close)
        depth, at = (depth + 1, inner + 1) if inner >= 0 else (depth - 1, close + 1)
    return lowered.index(b">", at) + 1


def _ancestor_text(page: bytes, lowered: bytes, after: int, outermost: list[Span]) -> bytes:
    """From the first body's end: the text directly in its ancestors, their end tags, and holes for the
    marked elements. An element there is passed over whole, unless a marked one is inside it: then its
    start tag is kept and its inside read the same way (it holds a body, or is in doubt)."""
    holes = [(start, end) for start, end, _body in outermost if start >= after]
    pieces: list[bytes] = []
    at = after
    while (tag := lowered.find(b"<", at)) >= 0:
        pieces.append(page[at:tag])
        if holes and holes[0][0] == tag:
            pieces.append(_HOLE)
            at = holes.pop(0)[1]
            continue
        start = _TAG.match(lowered, tag)
        if start is None:
            at = lowered.find(b">", tag) + 1 or len(page)
            pieces.append(page[tag:at])
            continue
        name = start.group(1)
        at = start.end()
        if name == b"br":
            pieces.append(b" ")
        elif name not in _VOID and not start.group().endswith(b"/>"):
            end = _end(lowered, name, at)
            if holes and holes[0][0] < end:
                pieces.append(page[tag:at])
            else:
                at = end
    pieces.append(page[at:])
    return b" ".join(b"".join(pieces).split())
