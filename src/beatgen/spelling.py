"""Nearest spellings by edit distance, for "did you mean" suggestions and for telling a typo from a new word.

Edit distance counts the single-character insertions, deletions, substitutions and swaps of neighbours
that turn one word into another (`darft` → `draft` is one swap). It is bounded: a suggestion farther
than a few edits is no help, and the bound keeps a search over 100,000 slugs fast.
"""

from __future__ import annotations

from collections.abc import Iterable


def allowed_edits(word: str) -> int:
    """How far a misspelling of a word of this length may stray: one edit in short words, more in long ones."""
    return 1 if len(word) <= 4 else 2 if len(word) <= 10 else 3


def distance(a: str, b: str, limit: int) -> int:
    """The edit distance of `a` and `b` (swaps of neighbours count once), or `limit + 1` once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def nearest(word: str, choices: Iterable[str], limit: int | None = None) -> str | None:
    """The choice fewest edits from `word` (ties: the first in sorted order), if any is within `limit`
    (default: `allowed_edits(word)`)."""
    bound = allowed_edits(word) if limit is None else limit
    best: tuple[int, str] | None = None
    for choice in choices:
        found = distance(word, choice, bound if best is None else min(bound, best[0]))
        if found <= bound and (best is None or (found, choice) < best):
            best = (found, choice)
    return best[1] if best else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the nearest choice, or nothing."""
    match = nearest(word, choices)
    return f"; did you mean '{match}'?" if match else ""
