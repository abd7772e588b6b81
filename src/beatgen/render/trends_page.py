"""The trends page and the taxon sparklines: figures from site/trends.py drawn by render/charts.py.

Titles, descriptions and axis labels are written here, so every chart says in words what it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from markupsafe import Markup

from beatgen.config import SiteConfig
from beatgen.content.model import Story
from beatgen.render.charts import (
    LAYOUTS,
    Layout,
    Spec,
    band_chart,
    column_chart,
    legend_swatch,
    sparkline,
    stacked_chart,
)
from beatgen.site.index import Site, Taxon
from beatgen.site.trends import SPARK_WEEKS, MonthMix, Trends, Week, compute_trends, local_day, weekly


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    svg: Markup
    """The chart drawn in every layout (render/charts.py LAYOUTS); site.css shows the one that fits."""
    legend: tuple[Markup, ...] = ()


def day(value: date) -> str:
    return f"{value:%b} {value.day}, {value:%Y}"


def days_in_words(days: Sequence[date]) -> str:
    """Days in words, the year once when all share it: "Mar 9 and Nov 9, 2026", "Dec 29, 2025 and Jan 5, 2026"."""
    if len({d.year for d in days}) == 1:
        names = [f"{d:%b} {d.day}" for d in days]
        names[-1] += f", {days[-1]:%Y}"
    else:
        names = [day(d) for d in days]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def n_stories(n: int) -> str:
    return f"{n} story" if n == 1 else f"{n} stories"


def rate(part: int, whole: int) -> str:
    """A share with the counts it comes from: "67% (2 of 3)"."""
    return f"{part / whole:.0%} ({part} of {whole})" if whole else "no stories"


def week_dates(weeks: Sequence[Week]) -> tuple[tuple[int, date], ...]:
    """The weeks that may carry a month label: the first one shown, and the first of each month."""
    return tuple((index, week.start) for index, week in enumerate(weeks) if index == 0 or week.start.day <= 7)


def month_dates(months: Sequence[MonthMix]) -> tuple[tuple[int, date], ...]:
    return tuple((index, m.month) for index, m in enumerate(months))


def drawn(spec: Spec, draw: Callable[[Layout], Markup], legend: tuple[Markup, ...] = ()) -> Chart:
    return Chart(spec.id, spec.title, spec.desc, Markup("").join(draw(layout) for layout in LAYOUTS), legend)


def busiest_weeks(weeks: Sequence[Week]) -> str:
    """The busiest week, or every week tied for it: one of several equal weeks is never singled out."""
    peak = max(w.count for w in weeks)
    tied = [w.start for w in weeks if w.count == peak]
    if len(tied) == 1:
        return f"the busiest week, from {day(tied[0])}, had {n_stories(peak)}"
    return f"the busiest weeks, tied at {n_stories(peak)} each, began {days_in_words(tied)}"


def weekly_chart(weeks: Sequence[Week]) -> Chart:
    total = sum(w.count for w in weeks)
    desc = (f"Stories published per week in the {len(weeks)} weeks from {day(weeks[0].start)} to the week of "
            f"{day(weeks[-1].start)}: {n_stories(total)} in all; {busiest_weeks(weeks)}.")
    spec = Spec("chart-weekly", "Stories per week", desc, "Stories", "Week (starting Monday)",
                week_dates(weeks))
    return drawn(spec, lambda layout: column_chart(spec, [w.count for w in weeks], layout))


def impact_chart(weeks: Sequence[Week]) -> Chart:
    scored = [w for w in weeks if w.mean_impact is not None]
    stories = sum(w.count for w in scored)
    overall = sum((w.mean_impact or 0) * w.count for w in scored) / max(stories, 1)
    desc = (f"Mean impact score (1 to 10) of each week's stories, drawn as a line with a dot per week; the "
            f"shaded band runs from the week's lowest to its highest score. Weeks without stories are gaps. "
            f"Mean over the period: {overall:.1f}, from {n_stories(stories)}.")
    spec = Spec("chart-impact", "Mean impact per week, with the spread", desc, "Impact score (1–10)",
                "Week (starting Monday)", week_dates(weeks))
    return drawn(spec, lambda layout: band_chart(spec, [w.mean_impact for w in weeks], [w.low for w in weeks],
                                                 [w.high for w in weeks], layout))


def sentiment_chart(months: Sequence[MonthMix], config: SiteConfig) -> Chart:
    series = [(tier.key, tier.label) for tier in config.rubric.sentiments]
    latest = months[-1]
    parts = ", ".join(f"{n} {label.lower()}" for (_k, label), n in zip(series, latest.counts, strict=True) if n)
    desc = (f"Stories per month stacked by sentiment, from {series[0][1].lower()} at the bottom to "
            f"{series[-1][1].lower()} at the top; each tier has its own hatching. In {latest.month:%B %Y}: "
            f"{parts or 'no stories'}.")
    spec = Spec("chart-sentiment", "Sentiment mix per month", desc, "Stories", "Month",
                month_dates(months))
    legend = tuple(legend_swatch(spec.id, index, key, label) for index, (key, label) in enumerate(series))
    return drawn(spec, lambda layout: stacked_chart(spec, [m.counts for m in months], series, layout), legend)


def single_source_chart(months: Sequence[MonthMix]) -> Chart:
    latest = months[-1]
    desc = (f"Share of each month's stories that rest on a single independent source, in percent, with the "
            f"counts over each bar where there is room. "
            f"In {latest.month:%B %Y}: {rate(latest.single, latest.total)}.")
    spec = Spec("chart-single", "Single-source stories per month", desc, "Single-source share (%)", "Month",
                month_dates(months))
    values = [m.single_share or 0.0 for m in months]
    notes = [f"{m.single} of {m.total}" if m.total else "" for m in months]
    return drawn(spec, lambda layout: column_chart(spec, values, layout, unit="%", scale=100, notes=notes))


def trend_charts(trends: Trends, config: SiteConfig) -> tuple[Chart, ...]:
    if not trends.weeks:
        return ()
    return (weekly_chart(trends.weeks), impact_chart(trends.weeks), sentiment_chart(trends.months, config),
            single_source_chart(trends.months))


def taxon_sparkline(slug: str, name: str, stories: Sequence[Story], newest: Story | None,
                    zone: ZoneInfo, top: int) -> Chart | None:
    """Weekly story count and mean impact of one topic or entity over the site's last SPARK_WEEKS weeks, the
    bars on the common scale `top` (the busiest week of any topic or entity), stated in the caption."""
    if newest is None:
        return None
    weeks = weekly(stories, zone, local_day(newest, zone), SPARK_WEEKS)
    total = sum(w.count for w in weeks)
    impact = sum((w.mean_impact or 0) * w.count for w in weeks)
    scale = max(top, 1)
    title = f"{name}: stories and impact per week"
    desc = (f"Bars: stories per week about {name} in the {SPARK_WEEKS} weeks to the week of "
            f"{day(weeks[-1].start)}, {total} in all, on a scale of 0 to {scale} "
            f"{'story' if scale == 1 else 'stories'} (the busiest week of any topic or affected party, "
            f"marked by the line at the top). Dots: the mean impact score of each week with stories, on a scale "
            f"of 0 to 10, joined by a line across consecutive weeks"
            + (f"; {impact / total:.1f} over the period." if total else "."))
    chart_id = f"spark-{slug}"
    return Chart(chart_id, title, desc, sparkline(chart_id, title, desc, [w.count for w in weeks],
                                                 [w.mean_impact for w in weeks], scale))


def beat_trends(site: Site) -> Trends:
    """The figures of the trends page, with the topics' display names and the stories' signals."""
    return compute_trends(site.stories, ZoneInfo(site.config.timezone), lambda name: site.topic_of(name).name,
                          lambda story: site.signals[story.path].single_source)


def taxon_trend(site: Site, taxon: Taxon) -> Chart | None:
    newest = site.stories[0] if site.stories else None
    return taxon_sparkline(taxon.slug, taxon.name, taxon.stories, newest, ZoneInfo(site.config.timezone),
                           site.spark_top)
