"""Smaller word chunks in a Pagefind bundle, so that searching many shards costs about what one index does.

A reader's browser fetches, for each word typed, the one chunk of each shard whose word range holds it.
Pagefind closes a chunk only once it holds 20,000 word positions, so a rare word costs a ~30 KB chunk
in every shard, and a word beside a very common one (every story says "said") over 100 KB. Regrouping
the same words into chunks of about `CHUNK_SIZE` positions (a word that is larger on its own gets a
chunk of its own) makes a search over ten shards fetch about what it fetches from a single index; the
metadata grows by one short range per chunk. Words are only regrouped, never changed: each keeps its own
page numbers and the very bytes Pagefind encoded it in (a chunk is a CBOR array of words, so a new chunk
is a new array head before its words' bytes: nothing is encoded again), and the ranges are drawn exactly
as Pagefind draws them (the shortest prefixes that tell neighbouring chunks apart).

Pagefind finds a term's longer forms ("sea" finds "sead") only in the one chunk it loads for the term, so
a chunk does not end between a word and the words that begin with it: searching a word finds its longer
forms in every shard, wherever the shard's chunks end, as it does in one index over every story. Words
on a quarter of the pages or more ("and", whose longer forms include "anduril") are let alone, or every
search for one of their longer forms would fetch the common word's chunk; and a group stops at
`GROUP_LIMIT` chunks or a `GROUP_SHARE` of the index, whichever is larger (a share, so that a shard and
one index over every story keep the same words together).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import cbor2

from beatgen.engine.search_order import read_cbor, rewrite_meta, write_cbor

CHUNK_SIZE = 2000
"""Word positions per chunk, counted as Pagefind counts them (one per position, and one per page). Measured
on the 10,000-story bench corpus over ten shards: the first search fetches 1.1-1.2x what one Pagefind
index does at about 4 KB a chunk, 1.2-1.3x at 16 KB (larger chunks), 1.15-1.25x at 2 KB (more ranges)."""
GROUP_LIMIT = 8
"""How many chunks' worth of words may stay together because they begin with one word (of three letters
or more: "a" begins a quarter of the vocabulary)..."""
GROUP_SHARE = 64
"""...or, in a large index, what share of its positions (1/64)."""
SHORTEST_STEM = 3
COMMON = 4
"""A word on one page in `COMMON` or more keeps no longer forms with it."""
OPEN_START = 1
"""The version of the ranges' layout (in `search_bundle.bundle_token`, so that shards drawn before it are
indexed again). A filter-only search asks Pagefind for the chunks of the empty word; Pagefind 1.5.2 looks
for a range that holds it and, finding none, fetches every chunk of every shard (megabytes, and at twenty
shards of 500 stories so many requests at once that Chromium fails some, the filter files among them,
and the shards they belong to silently find nothing). A first range that starts at the empty word holds
it: one chunk a shard. A term that sorts before every word now finds that first chunk at once, where the
words that begin with it would be."""
META_PAGES, META_CHUNKS = 1, 2
"""The positions of the page list and the chunk list (`[from, to, file]` each) in a Pagefind 1.5 metadata file."""

Word = list[Any]
"""One word of a chunk as Pagefind encodes it: `[word, pages, variants]`."""


def positions(word: Word) -> int:
    """A word's size as Pagefind measures chunks: its positions in text and metadata, and one per page."""
    return sum(len(page[1]) + len(page[2]) + 1 for page in word[1])


def regroup(words: Sequence[Word], target: int, pages: int) -> Iterator[list[Word]]:
    """Consecutive runs of words (in Pagefind's order) of about `target` positions, each word whole, and
    each word of the run (but the common ones, of `pages`) with the words that begin with it."""
    lengths = list(map(positions, words))
    group = max(target * GROUP_LIMIT, sum(lengths) // GROUP_SHARE)
    run: list[Word] = []
    size = 0
    stems: list[str] = []
    """The words of the run that the current word begins with, shortest first."""
    for word, length in zip(words, lengths, strict=True):
        while stems and not word[0].startswith(stems[-1]):
            stems.pop()
        if run and size + length > (group if stems else target):
            yield run
            run, size, stems = [], 0, []
        run.append(word)
        size += length
        if len(word[0]) >= SHORTEST_STEM and len(word[1]) * COMMON < pages:
            stems.append(word[0])
    if run:
        yield run


def prefixes(last: str, first: str) -> tuple[str, str]:
    """The shortest prefixes of two neighbouring words that still tell them apart (Pagefind's own rule)."""
    common = 0
    for a, b in zip(last, first, strict=False):
        if a != b:
            break
        common += 1
    return last[:common + 1], first[:common + 1]


def ranges(runs: Sequence[list[Word]]) -> list[list[str]]:
    """Each run's `[from, to]` word range as Pagefind's metadata gives it; a chunk's end is trimmed only
    where the trimmed end does not fall before its start. The first range starts at the empty word
    (`OPEN_START`)."""
    bounds = [[run[0][0], run[-1][0]] for run in runs]
    for current, following in zip(bounds, bounds[1:], strict=False):
        end, start = prefixes(current[1], following[0])
        if end >= current[0]:
            current[1] = end
        following[0] = start
    if bounds:
        bounds[0][0] = ""
    return bounds


def rechunk(index: Path, target: int = CHUNK_SIZE) -> None:
    """Regroup every language's word chunks of a bundle into chunks of about `target` bytes."""
    def regrouped(language: str, meta: list[Any]) -> None:
        words: list[Word] = []
        encoded: dict[int, bytes] = {}
        for _start, _end, name in meta[META_CHUNKS]:
            path = index / "index" / f"{name}.pf_index"
            for word, data in chunk_words(read_cbor(path)):
                words.append(word)
                encoded[id(word)] = data
            path.unlink()
        runs = list(regroup(words, target, len(meta[META_PAGES])))
        names = [write_cbor(index / "index", language, chunk_bytes([encoded[id(word)] for word in run]),
                            "{}.pf_index", 10) for run in runs]
        meta[META_CHUNKS] = [[*bounds, name] for bounds, name in zip(ranges(runs), names, strict=True)]

    rewrite_meta(index, regrouped)


_ARRAY = 0x80
"""CBOR's major type 4 (an array), in a head's top three bits."""


def chunk_words(cbor: bytes) -> Iterator[tuple[Word, bytes]]:
    """Each word of a Pagefind chunk (`[[word, ...]]`), decoded and as the bytes it was encoded in."""
    outer, start = _array_head(cbor, 0)
    count, start = _array_head(cbor, start)
    if outer != 1:
        raise ValueError("a Pagefind chunk holds one list of words")
    stream = io.BytesIO(cbor)
    stream.seek(start)
    decoder = cbor2.CBORDecoder(stream)
    for _ in range(count):
        word = decoder.decode()
        end = stream.tell()
        yield word, cbor[start:end]
        start = end
    if start != len(cbor):
        raise ValueError("a Pagefind chunk ends after its words")


def chunk_bytes(words: Sequence[bytes]) -> bytes:
    """The CBOR of a chunk of these encoded words, as Pagefind lays one out (`[[word, ...]]`)."""
    return _head(1) + _head(len(words)) + b"".join(words)


def _array_head(cbor: bytes, at: int) -> tuple[int, int]:
    """The length of the array whose head starts at `at`, and where its first item starts."""
    first = cbor[at] if at < len(cbor) else 0
    extra = first & 0x1F
    if first & 0xE0 != _ARRAY or extra > 27:
        raise ValueError("a Pagefind chunk is made of arrays of known length")
    if extra < 24:
        return extra, at + 1
    width = 1 << (extra - 24)
    return int.from_bytes(cbor[at + 1:at + 1 + width], "big"), at + 1 + width


def _head(length: int) -> bytes:
    """An array's head, in the fewest bytes (as CBOR encoders write it)."""
    if length < 24:
        return bytes([_ARRAY | length])
    width = next(width for width in (1, 2, 4, 8) if length < 1 << (8 * width))
    return bytes([_ARRAY | (24 + width.bit_length() - 1)]) + length.to_bytes(width, "big")
