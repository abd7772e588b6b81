"""A story's signals (source confidence, impact, sentiment), computed once from the story and the rubric.

Every page, card, feed, chart, JSON-LD block and search filter that shows a signal reads this value
(`Site.signals`), so no two of them can apply the rubric differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from beatgen.config import Rubric
from beatgen.content.model import Story

VERIFIED, UNVERIFIED, SINGLE = "verified", "unverified", "single"


@dataclass(frozen=True)
class Signals:
    """`status` is `verified` (N at or above the floor), `single` (N = 1) or `unverified` (in between)."""

    verification: int
    floor: int
    status: str
    sources_label: str
    impact: int
    impact_label: str
    action_item: bool
    sentiment: str
    sentiment_label: str

    @property
    def verified(self) -> bool:
        return self.status == VERIFIED

    @property
    def single_source(self) -> bool:
        return self.status == SINGLE

    @property
    def sources_note(self) -> str:
        """What the story page says beside a badge that is not "Verified"."""
        if self.status == SINGLE:
            return "Not yet independently corroborated"
        if self.status == UNVERIFIED:
            return f"Below our verification floor of {self.floor} independent outlets"
        return ""

    @property
    def summary(self) -> str:
        """The three signals in one line, for feed readers and JSON-LD, which show no badges."""
        action = ", an action item" if self.action_item else ""
        return (f"{self.sources_label}. Impact {self.impact}/10 ({self.impact_label}{action}). "
                f"Sentiment: {self.sentiment_label}.")


def signals_by_path(stories: Iterable[Story], rubric: Rubric) -> dict[str, Signals]:
    """Every story's signals; the rubric's labels are looked up by score and tier, not searched per story."""
    impact = {score: band.label for band in rubric.impact for score in range(band.low, band.high + 1)}
    sentiment = {tier.key: tier.label for tier in rubric.sentiments}
    floor = rubric.verification_floor
    return {story.path: Signals(story.verification, floor, *_sources(story.verification, floor), story.impact,
                                impact[story.impact], story.impact >= rubric.action_threshold, story.sentiment,
                                sentiment[story.sentiment])
            for story in stories}


def _sources(count: int, floor: int) -> tuple[str, str]:
    """The verification status and its badge for `count` independent outlets."""
    if count >= floor:
        return VERIFIED, f"Verified by {count} sources"
    if count == 1:
        return SINGLE, "Single source"
    return UNVERIFIED, f"Unverified: {count} of {floor} sources"
