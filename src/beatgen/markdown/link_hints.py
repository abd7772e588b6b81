""""Did you mean" for a broken internal link: the nearest file or URL among its neighbours.

A link usually breaks in its last part (a misspelt slug) or in its folder (the wrong month), so the
candidates are the targets in the same folder and those with the same last part: a few dozen, where a
search of every target of a large site would take seconds per broken link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

from beatgen.spelling import nearest


def _parts(target: str) -> tuple[str, str]:
    folder, _, last = target.rstrip("/").rpartition("/")
    return f"in:{folder}", f"as:{last}"


def neighbourhoods(targets: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Every target under its folder and under its last part."""
    groups: dict[str, list[str]] = defaultdict(list)
    for target in targets:
        for key in _parts(target):
            groups[key].append(target)
    return {key: tuple(sorted(members)) for key, members in groups.items()}


class Neighbourhoods(Mapping[str, tuple[str, ...]]):
    """`neighbourhoods` of the targets `targets()` gives, worked out when first asked: only a broken link asks,
    and at 100,000 stories the grouping takes 1.8 s that a build without one would spend for nothing."""

    def __init__(self, targets: Callable[[], Iterable[str]]) -> None:
        self._targets = targets
        self._groups: dict[str, tuple[str, ...]] | None = None

    def _all(self) -> dict[str, tuple[str, ...]]:
        if self._groups is None:
            self._groups = neighbourhoods(self._targets())
        return self._groups

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def nearest_target(wanted: str, nearby: Mapping[str, tuple[str, ...]]) -> str | None:
    folder, last = _parts(wanted)
    return nearest(wanted, (*nearby.get(folder, ()), *nearby.get(last, ())))
