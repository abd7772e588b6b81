"""The longitudinal figures of the beat: pure numbers for the trends page and the sparklines.

Every window is anchored on the newest story's date, never the wall clock, so a build of the same
content gives the same figures on any day. One pass over the stories per figure: O(n) after sorting.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from beatgen.config import SENTIMENT_KEYS
from beatgen.content.model import Story
from beatgen.urls import slugify

WEEKS_SHOWN = 52
MONTHS_SHOWN = 12
SPARK_WEEKS = 26
MOVER_WINDOWS = (30, 90)
MOVERS_SHOWN = 8
HEAT_ROWS = 12
HEAT_LEVELS = 5


@dataclass(frozen=True)
class Week:
    """One calendar week (Monday first) with its story count and impact spread."""

    start: date
    count: int
    mean_impact: float | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class MonthMix:
    month: date
    counts: tuple[int, ...]
    total: int
    single: int

    @property
    def single_share(self) -> float | None:
        return self.single / self.total if self.total else None


@dataclass(frozen=True)
class Mover:
    slug: str
    name: str
    recent: int
    before: int

    @property
    def change(self) -> int:
        return self.recent - self.before


@dataclass(frozen=True)
class Movers:
    """Taxa whose story count rose or fell in the last `days` against the `days` before; `more_rising` and
    `more_falling` count those left out that tie with the last one shown, so a cut is never silent."""

    days: int
    rising: tuple[Mover, ...]
    falling: tuple[Mover, ...]
    more_rising: int = 0
    more_falling: int = 0


@dataclass(frozen=True)
class HeatRow:
    slug: str
    name: str
    counts: tuple[int, ...]
    levels: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class Trends:
    newest: date | None
    weeks: tuple[Week, ...]
    months: tuple[MonthMix, ...]
    topic_movers: tuple[Movers, ...]
    entity_movers: tuple[Movers, ...]
    heat_rows: tuple[HeatRow, ...]


def local_day(story: Story, zone: ZoneInfo) -> date:
    """The calendar day of a story in the site's time zone."""
    return story.date.astimezone(zone).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def _month_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def weekly(stories: Iterable[Story], zone: ZoneInfo, newest: date, weeks: int) -> tuple[Week, ...]:
    """`weeks` consecutive weeks ending with the newest story's week, empty weeks included."""
    last = week_start(newest)
    first = last - timedelta(weeks=weeks - 1)
    impacts: dict[date, list[int]] = defaultdict(list)
    for story in stories:
        start = week_start(local_day(story, zone))
        if first <= start <= last:
            impacts[start].append(story.impact)
    return tuple(_week(first + timedelta(weeks=i), impacts.get(first + timedelta(weeks=i), []))
                 for i in range(weeks))


def _week(start: date, impacts: list[int]) -> Week:
    if not impacts:
        return Week(start, 0, None, None, None)
    return Week(start, len(impacts), sum(impacts) / len(impacts), min(impacts), max(impacts))


def busiest_taxon_week(stories: Sequence[Story], zone: ZoneInfo, weeks: int) -> int:
    """The most stories any one topic or affected party had in a week, over the `weeks` weeks ending with the
    newest story's: the common scale of every sparkline, so that two taxon pages can be compared by eye.

    `stories` come newest first (the site's order); only those inside the window are read.
    """
    if not stories:
        return 0
    first = week_start(local_day(stories[0], zone)) - timedelta(weeks=weeks - 1)
    counts: Counter[tuple[str, date]] = Counter()
    for story in stories:
        start = week_start(local_day(story, zone))
        if start < first:
            break
        counts.update((key, start) for key in {f"t:{slugify(n)}" for n in story.topics}
                      | {f"e:{slugify(n)}" for n in story.affected})
    return max(counts.values(), default=0)


def monthly(stories: Iterable[Story], zone: ZoneInfo, newest: date, months: int,
            single: Callable[[Story], bool]) -> tuple[MonthMix, ...]:
    """Sentiment mix and single-source count (`single`: the story's signals say so) for `months` months
    ending with the newest story's month."""
    last = month_start(newest)
    first = _month_back(last, months - 1)
    mix: dict[date, Counter[str]] = defaultdict(Counter)
    single_count: Counter[date] = Counter()
    for story in stories:
        month = month_start(local_day(story, zone))
        if first <= month <= last:
            mix[month][story.sentiment] += 1
            single_count[month] += single(story)
    return tuple(_mix(_month_back(last, months - 1 - i), mix[_month_back(last, months - 1 - i)], single_count)
                 for i in range(months))


def _mix(month: date, counts: Counter[str], single: Counter[date]) -> MonthMix:
    values = tuple(counts[key] for key in SENTIMENT_KEYS)
    return MonthMix(month, values, sum(values), single[month])


def movers(stories: Sequence[Story], zone: ZoneInfo, newest: date, days: int,
           names_of: Callable[[Story], Iterable[str]], display: Callable[[str], str]) -> Movers:
    """Counts per taxon in (newest − days, newest] against the `days` before that."""
    recent: Counter[str] = Counter()
    before: Counter[str] = Counter()
    names: dict[str, str] = {}
    for story in stories:
        age = (newest - local_day(story, zone)).days
        if 0 <= age < 2 * days:
            bucket = recent if age < days else before
            for name in names_of(story):
                slug = slugify(name)
                bucket[slug] += 1
                names.setdefault(slug, display(name))
    everyone = [Mover(slug, names[slug], recent[slug], before[slug]) for slug in sorted(names)]
    rising = sorted((m for m in everyone if m.change > 0), key=lambda m: (-m.change, -m.recent, m.slug))
    falling = sorted((m for m in everyone if m.change < 0), key=lambda m: (m.change, -m.before, m.slug))
    return Movers(days, tuple(rising[:MOVERS_SHOWN]), tuple(falling[:MOVERS_SHOWN]),
                  _tied_beyond(rising), _tied_beyond(falling))


def _tied_beyond(movers: list[Mover]) -> int:
    """How many movers past the cut have the same change as the last one shown."""
    if len(movers) <= MOVERS_SHOWN:
        return 0
    return sum(m.change == movers[MOVERS_SHOWN - 1].change for m in movers[MOVERS_SHOWN:])


def heat_rows(stories: Iterable[Story], zone: ZoneInfo, months: Sequence[date],
              names_of: Callable[[Story], Iterable[str]], display: Callable[[str], str]) -> tuple[HeatRow, ...]:
    """Story counts per taxon and month for the HEAT_ROWS busiest taxa (more when taxa tie at the cut), with a
    shading level 0–HEAT_LEVELS per cell."""
    column = {month: index for index, month in enumerate(months)}
    cells: dict[str, list[int]] = defaultdict(lambda: [0] * len(months))
    names: dict[str, str] = {}
    for story in stories:
        index = column.get(month_start(local_day(story, zone)))
        if index is None:
            continue
        for name in names_of(story):
            slug = slugify(name)
            cells[slug][index] += 1
            names.setdefault(slug, display(name))
    ranked = sorted(cells, key=lambda slug: (-sum(cells[slug]), slug))
    cut = sum(cells[ranked[HEAT_ROWS - 1]]) if len(ranked) > HEAT_ROWS else 0
    top = [slug for index, slug in enumerate(ranked) if index < HEAT_ROWS or sum(cells[slug]) == cut]
    peak = max((max(cells[slug]) for slug in top), default=0)
    return tuple(HeatRow(slug, names[slug], tuple(cells[slug]), tuple(_level(n, peak) for n in cells[slug]),
                         sum(cells[slug])) for slug in top)


def _level(count: int, peak: int) -> int:
    return 0 if not count or not peak else max(1, round(HEAT_LEVELS * count / peak))


def compute_trends(stories: Sequence[Story], zone: ZoneInfo, display_topic: Callable[[str], str],
                   single: Callable[[Story], bool]) -> Trends:
    """Every figure of the trends page, from the published stories alone (and their signals, for `single`)."""
    if not stories:
        return Trends(None, (), (), (), (), ())
    newest = max(local_day(story, zone) for story in stories)
    months = monthly(stories, zone, newest, _span_months(stories, zone, newest), single)
    return Trends(
        newest=newest,
        weeks=weekly(stories, zone, newest, _span_weeks(stories, zone, newest)),
        months=months,
        topic_movers=tuple(movers(stories, zone, newest, days, lambda s: s.topics, display_topic)
                           for days in MOVER_WINDOWS),
        entity_movers=tuple(movers(stories, zone, newest, days, lambda s: s.affected, str)
                            for days in MOVER_WINDOWS),
        heat_rows=heat_rows(stories, zone, [m.month for m in months], lambda s: s.topics, display_topic),
    )


def _span_weeks(stories: Sequence[Story], zone: ZoneInfo, newest: date) -> int:
    """Weeks from the oldest story to the newest, at most WEEKS_SHOWN."""
    oldest = min(local_day(story, zone) for story in stories)
    return min(WEEKS_SHOWN, (week_start(newest) - week_start(oldest)).days // 7 + 1)


def _span_months(stories: Sequence[Story], zone: ZoneInfo, newest: date) -> int:
    oldest = min(local_day(story, zone) for story in stories)
    return min(MONTHS_SHOWN, (newest.year - oldest.year) * 12 + newest.month - oldest.month + 1)
