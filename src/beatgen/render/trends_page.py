"""The trends page and the taxon sparklines: figures from site/trends.py drawn by render/charts.py.

Titles, descriptions and axis labels are written here, so every chart says in words what it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from beatgen.config import SiteConfig
from beatgen.content.model import Story
from beatgen.render.charts import band_chart, column_chart, legend_swatch, sparkline, stacked_chart
from beatgen.site.index import Site, Taxon
from beatgen.site.trends import SPARK_WEEKS, MonthMix, Trends, Week, compute_trends, local_day, weekly


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    svg: Markup
    legend: tuple[Markup, ...] = ()


def day(value: date) -> str:
    return f"{value:%b} {value.day}, {value:%Y}"


def week_labels(weeks: Sequence[Week]) -> list[tuple[int, str]]:
    """A label under the first week of each month; the year on the first label and on January."""
    labels = []
    for index, week in enumerate(weeks):
        if week.start.day <= 7 or index == 0:
            text = f"{week.start:%b}" + (f" {week.start:%Y}" if not labels or week.start.month == 1 else "")
            labels.append((index, text))
    return labels


def month_labels(months: Sequence[MonthMix]) -> list[tuple[int, str]]:
    return [(i, f"{m.month:%b}" + (f" {m.month:%Y}" if i == 0 or m.month.month == 1 else ""))
            for i, m in enumerate(months)]


def weekly_chart(weeks: Sequence[Week]) -> Chart:
    total = sum(w.count for w in weeks)
    busiest = max(weeks, key=lambda w: (w.count, w.start))
    desc = (f"Stories published per week in the {len(weeks)} weeks from {day(weeks[0].start)} to the week of "
            f"{day(weeks[-1].start)}: {total} stories in all; the busiest week, from {day(busiest.start)}, "
            f"had {busiest.count}.")
    title = "Stories per week"
    return Chart("chart-weekly", title, desc,
                 column_chart("chart-weekly", title, desc, [w.count for w in weeks], week_labels(weeks)))


def impact_chart(weeks: Sequence[Week]) -> Chart:
    scored = [w for w in weeks if w.mean_impact is not None]
    overall = sum((w.mean_impact or 0) * w.count for w in scored) / max(sum(w.count for w in scored), 1)
    desc = (f"Mean impact score (1 to 10) of each week's stories, drawn as a line with a dot per week; the "
            f"shaded band runs from the week's lowest to its highest score. Weeks without stories are gaps. "
            f"Mean over the period: {overall:.1f}.")
    title = "Mean impact per week, with the spread"
    svg = band_chart("chart-impact", title, desc, [w.mean_impact for w in weeks], [w.low for w in weeks],
                     [w.high for w in weeks], week_labels(weeks))
    return Chart("chart-impact", title, desc, svg)


def sentiment_chart(months: Sequence[MonthMix], config: SiteConfig) -> Chart:
    series = [(tier.key, tier.label) for tier in config.rubric.sentiments]
    latest = months[-1]
    parts = ", ".join(f"{n} {label.lower()}" for (_k, label), n in zip(series, latest.counts, strict=True) if n)
    desc = (f"Stories per month stacked by sentiment, from {series[0][1].lower()} at the bottom to "
            f"{series[-1][1].lower()} at the top; each tier has its own hatching. In {latest.month:%B %Y}: "
            f"{parts or 'no stories'}.")
    title = "Sentiment mix per month"
    svg = stacked_chart("chart-sentiment", title, desc, [m.counts for m in months], series, month_labels(months))
    legend = tuple(legend_swatch("chart-sentiment", key, label) for key, label in series)
    return Chart("chart-sentiment", title, desc, svg, legend)


def single_source_chart(months: Sequence[MonthMix]) -> Chart:
    latest = months[-1]
    share = f"{latest.single_share:.0%}" if latest.single_share is not None else "no stories"
    desc = (f"Share of each month's stories that rest on a single independent source, in percent. "
            f"In {latest.month:%B %Y}: {latest.single} of {latest.total} ({share}).")
    title = "Single-source stories per month"
    values = [m.single_share or 0.0 for m in months]
    svg = column_chart("chart-single", title, desc, values, month_labels(months), unit="%", scale=100)
    return Chart("chart-single", title, desc, svg)


def trend_charts(trends: Trends, config: SiteConfig) -> tuple[Chart, ...]:
    if not trends.weeks:
        return ()
    return (weekly_chart(trends.weeks), impact_chart(trends.weeks), sentiment_chart(trends.months, config),
            single_source_chart(trends.months))


def taxon_sparkline(slug: str, name: str, stories: Sequence[Story], newest: Story | None,
                    zone: ZoneInfo) -> Chart | None:
    """Weekly story count and mean impact of one topic or entity over the site's last SPARK_WEEKS weeks."""
    if newest is None:
        return None
    weeks = weekly(stories, zone, local_day(newest, zone), SPARK_WEEKS)
    total = sum(w.count for w in weeks)
    impact = sum((w.mean_impact or 0) * w.count for w in weeks)
    mean = f", mean impact {impact / total:.1f}" if total else ""
    title = f"{name}: stories and impact per week"
    desc = (f"Bars: stories per week about {name} in the {SPARK_WEEKS} weeks to {day(weeks[-1].start)}, "
            f"{total} in all{mean}. Line: mean impact score (0 to 10) of each week.")
    chart_id = f"spark-{slug}"
    return Chart(chart_id, title, desc, sparkline(chart_id, title, desc, [w.count for w in weeks],
                                                 [w.mean_impact for w in weeks]))


def trends_view(site: Site) -> dict[str, Any]:
    """What layouts/trends.html lays out: the figures, their charts, and the pages of topics and entities."""
    zone = ZoneInfo(site.config.timezone)
    trends = compute_trends(site.stories, zone, lambda name: site.topic_of(name).name,
                            lambda story: site.signals[story.slug].single_source)
    return {"trends": trends, "charts": trend_charts(trends, site.config),
            "topic_paths": {slug: taxon.path for slug, taxon in site.topics.items()},
            "entity_paths": {slug: taxon.path for slug, taxon in site.entities.items()}}


def taxon_trend(site: Site, taxon: Taxon) -> Chart | None:
    newest = site.stories[0] if site.stories else None
    return taxon_sparkline(taxon.slug, taxon.name, taxon.stories, newest, ZoneInfo(site.config.timezone))
