"""Notices shown above a story in preview builds (`serve`): why this page is not yet public (draft, embargo, schedule).

A preview shows stories that a published build leaves out; a banner on each says so, so a writer
never mistakes a draft or a scheduled story for a live one. Published builds carry no banners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from beatgen.content.model import Story


@dataclass(frozen=True)
class Banner:
    kind: str
    label: str
    text: str


def story_banners(story: Story, now: datetime | None, preview: bool) -> tuple[Banner, ...]:
    """The banners of one story page; empty unless this build is a preview."""
    if not preview:
        return ()
    banners = []
    if story.draft:
        banners.append(Banner("draft", "Draft", "Not published: remove 'draft: true' from the front matter "
                                                "to publish this story."))
    if now is not None and story.embargo is not None and story.embargo > now:
        banners.append(Banner("embargoed", "Embargoed",
                              f"Embargoed until {story.embargo.isoformat()}: no published build shows this story, "
                              "its title or its URL before then."))
    if now is not None and story.date > now:
        banners.append(Banner("scheduled", "Scheduled",
                              f"Not published yet: goes out with the first build after {story.date.isoformat()}."))
    return tuple(banners)
