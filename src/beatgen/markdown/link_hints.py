""""Did you mean" for a broken internal link: the nearest file or URL among its neighbours.

A link usually breaks in its last part (a misspelt slug) or in its folder (the wrong month), so the
candidates are the targets in the same folder and those with the same last part: a few dozen, where a
search of every target of a large site would take seconds per broken link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

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


def nearest_target(wanted: str, nearby: Mapping[str, tuple[str, ...]]) -> str | None:
    folder, last = _parts(wanted)
    return nearest(wanted, (*nearby.get(folder, ()), *nearby.get(last, ())))
