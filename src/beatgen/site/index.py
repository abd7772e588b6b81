"""Indexes over the published stories: every listing of the site is a slice of these."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from beatgen.config import SiteConfig
from beatgen.content.model import Page, Story, Term
from beatgen.site.related import related_stories
from beatgen.site.signals import Signals, signals_by_slug
from beatgen.urls import slugify, term_path


@dataclass(frozen=True)
class Taxon:
    """A topic or an entity: its name, its page, and its stories newest first."""

    slug: str
    name: str
    path: str
    stories: tuple[Story, ...]

    @property
    def count(self) -> int:
        """Layouts show a taxon's size through this, so a page that shows only the size does not
        depend on every story of the taxon (see build/fingerprint.py)."""
        return len(self.stories)


@dataclass
class Site:
    config: SiteConfig
    stories: tuple[Story, ...]
    terms: tuple[Term, ...]
    pages: tuple[Page, ...]
    by_slug: dict[str, Story] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    topics: dict[str, Taxon] = field(default_factory=dict)
    entities: dict[str, Taxon] = field(default_factory=dict)
    archive: dict[str, dict[str, tuple[Story, ...]]] = field(default_factory=dict)
    related: dict[str, tuple[Story, ...]] = field(default_factory=dict)
    signals: dict[str, Signals] = field(default_factory=dict)
    """Each story's signals by slug: the one reading of the rubric that every page shows."""

    def older(self, story: Story) -> Story | None:
        index = self.position[story.slug] + 1
        return self.stories[index] if index < len(self.stories) else None

    def newer(self, story: Story) -> Story | None:
        index = self.position[story.slug] - 1
        return self.stories[index] if index >= 0 else None

    def topic_of(self, name: str) -> Taxon:
        return self.topics[slugify(name)]

    def entity_of(self, name: str) -> Taxon:
        return self.entities[slugify(name)]


def build_site(config: SiteConfig, stories: list[Story], terms: list[Term], pages: list[Page],
               related: dict[str, tuple[str, ...]] | None = None) -> Site:
    """The indexes; `related` (slug → related slugs) is a ranking already made for these same stories."""
    ordered = tuple(sorted(stories, key=lambda s: (s.date, s.slug), reverse=True))
    site = Site(config, ordered, tuple(sorted(terms, key=lambda t: t.term.casefold())),
                tuple(sorted(pages, key=lambda p: p.slug)))
    site.by_slug = {story.slug: story for story in ordered}
    site.position = {story.slug: index for index, story in enumerate(ordered)}
    site.topics = _taxonomy(ordered, lambda s: s.topics, config.permalink("topic"), _topic_name)
    site.entities = _taxonomy(ordered, lambda s: s.affected, config.permalink("entity"), lambda name: name)
    site.archive = _archive(ordered)
    site.signals = signals_by_slug(ordered, config.rubric)
    if related is None:
        site.related = related_stories(ordered)
    else:
        site.related = {slug: tuple(site.by_slug[other] for other in others) for slug, others in related.items()}
    return site


def _topic_name(name: str) -> str:
    """Topics written as slugs (`air-defense`) read as words (`Air defense`)."""
    if name == slugify(name):
        words = name.replace("-", " ")
        return words[:1].upper() + words[1:]
    return name


def _taxonomy(stories, names_of, pattern: str, display) -> dict[str, Taxon]:
    members: dict[str, list[Story]] = defaultdict(list)
    spellings: dict[str, str] = {}
    for story in stories:
        for name in names_of(story):
            slug = slugify(name)
            members[slug].append(story)
            spellings.setdefault(slug, display(name))
    return {slug: Taxon(slug, spellings[slug], term_path(pattern, slug), tuple(members[slug]))
            for slug in sorted(members)}


def _archive(stories: tuple[Story, ...]) -> dict[str, dict[str, tuple[Story, ...]]]:
    months: dict[str, dict[str, list[Story]]] = defaultdict(lambda: defaultdict(list))
    for story in stories:
        months[f"{story.date:%Y}"][f"{story.date:%m}"].append(story)
    return {year: {month: tuple(items) for month, items in sorted(by_month.items(), reverse=True)}
            for year, by_month in sorted(months.items(), reverse=True)}
