"""Dates named in a story's "What to watch" text, so the desk can list the ones that have passed.

Recognised, as newsrooms write them: ISO dates (`2026-05-12`), and a month's name (full, or abbreviated
with or without a dot: `Sept.`) with a day, either order, with or without a year: `May 12`, `May 12, 2026`,
`12 May 2026`, `May 12th`. A date without a year is the first such day on or after the story's own date,
since what to watch lies ahead of the story. Months without a day ("by June", "mid-May") and relative
dates ("next week") name no day to pass, and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (r"(?P<{0}>January|February|March|April|May|June|July|August|September|October|November|December"
          r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)")
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<{0}>\d{{4}}))?"
DATES = re.compile(
    r"\b(?:(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))"
    rf"|{_MONTH.format('m1')}\s+{_DAY.format('d1')}{_YEAR.format('y1')}"
    rf"|{_DAY.format('d2')}\s+{_MONTH.format('m2')}{_YEAR.format('y2')})(?![\w-])"
)


@dataclass(frozen=True)
class NamedDate:
    day: date
    text: str
    offset: int
    """Where the date is written in the text (a character index)."""


def named_dates(text: str, since: date) -> Iterator[NamedDate]:
    """Every real date the text names, in order; `since` gives a date without a year its year."""
    for found in DATES.finditer(text):
        day = _day(found, since)
        if day is not None:
            yield NamedDate(day, found.group().strip(), found.start())


def _day(found: re.Match[str], since: date) -> date | None:
    if found.group("iso"):
        return _real(int(found.group("iy")), int(found.group("im")), int(found.group("id")))
    month_name, day, year = (found.group("m1"), found.group("d1"), found.group("y1")) if found.group("m1") \
        else (found.group("m2"), found.group("d2"), found.group("y2"))
    month = MONTHS.index(month_name[:3].lower()) + 1
    if year:
        return _real(int(year), month, int(day))
    this_year = _real(since.year, month, int(day))
    if this_year is not None and this_year >= since:
        return this_year
    return _real(since.year + 1, month, int(day))


def _real(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
