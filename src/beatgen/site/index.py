"""Indexes over the published stories: every listing of the site is a slice of these."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from beatgen.config import SiteConfig
from beatgen.content.model import Page, Story, Term
from beatgen.content.pictures import SitePictures
from beatgen.content.references import StoryRefs
from beatgen.site.related import related_stories
from beatgen.site.signals import Signals, signals_by_path
from beatgen.site.timeline import timeline_backlinks
from beatgen.site.trends import SPARK_WEEKS, busiest_taxon_week
from beatgen.urls import slugify, term_path


@dataclass(frozen=True)
class Taxon:
    """A topic or an entity: its name, its page, and its stories newest first."""

    slug: str
    name: str
    path: str
    stories: tuple[Story, ...]
    description: str = ""

    @property
    def count(self) -> int:
        """Layouts show a taxon's size through this, so a page that shows only the size does not
        depend on every story of the taxon (see engine/fingerprint.py)."""
        return len(self.stories)


@dataclass
class Site:
    config: SiteConfig
    stories: tuple[Story, ...]
    terms: tuple[Term, ...]
    pages: tuple[Page, ...]
    by_path: dict[str, Story] = field(default_factory=dict)
    """Stories by URL path: two stories of different months may share a slug, never a path."""
    position: dict[str, int] = field(default_factory=dict)
    topics: dict[str, Taxon] = field(default_factory=dict)
    entities: dict[str, Taxon] = field(default_factory=dict)
    authors: dict[str, Taxon] = field(default_factory=dict)
    """Every declared author by id (data/authors.yaml order), with their stories: each has a page and feeds."""
    archive: dict[str, dict[str, tuple[Story, ...]]] = field(default_factory=dict)
    related: dict[str, tuple[Story, ...]] = field(default_factory=dict)
    named_by: dict[str, tuple[Story, ...]] = field(default_factory=dict)
    """Story path → the stories whose timeline names it: the back-links of its own timeline."""
    spark_top: int = 0
    """The busiest week of any topic or entity in the sparklines' window: their common scale."""
    refs: StoryRefs = field(default_factory=lambda: StoryRefs(()))
    signals: dict[str, Signals] = field(default_factory=dict)
    """Each story's signals by URL path: the one reading of the rubric that every page shows."""
    pictures: SitePictures = field(default_factory=SitePictures)
    """The pictures of stories and of the config, checked (engine/images.py)."""

    def older(self, story: Story) -> Story | None:
        index = self.position[story.path] + 1
        return self.stories[index] if index < len(self.stories) else None

    def newer(self, story: Story) -> Story | None:
        index = self.position[story.path] - 1
        return self.stories[index] if index >= 0 else None

    def story_named(self, reference: str) -> Story | None:
        """The published story a timeline names (`content/checks.py` has refused every other reference)."""
        return self.refs.one(reference)

    def topic_of(self, name: str) -> Taxon:
        return self.topics[slugify(name)]

    def entity_of(self, name: str) -> Taxon:
        return self.entities[slugify(name)]


def build_site(config: SiteConfig, stories: list[Story], terms: list[Term], pages: list[Page],
               related: dict[str, tuple[str, ...]] | None = None) -> Site:
    """The indexes; `related` (path → related paths) is a ranking already made for these same stories."""
    ordered = tuple(sorted(stories, key=lambda s: (s.date, s.slug, s.path), reverse=True))
    site = Site(config, ordered, tuple(sorted(terms, key=lambda t: t.term.casefold())),
                tuple(sorted(pages, key=lambda p: p.slug)))
    site.by_path = {story.path: story for story in ordered}
    site.position = {story.path: index for index, story in enumerate(ordered)}
    site.refs = StoryRefs(ordered)
    declared = config.topic_index()
    site.topics = _taxonomy(ordered, lambda s: s.topics, config.permalink("topic"),
                            lambda slug, _: declared[slug].name, lambda slug: declared[slug].description)
    notes = {slugify(note.name): note.description for note in reversed(config.entity_notes)}
    site.entities = _taxonomy(ordered, lambda s: s.affected, config.permalink("entity"), _most_written,
                              lambda slug: notes.get(slug, ""))
    site.authors = _authors(config, ordered)
    site.archive = _archive(ordered)
    site.named_by = timeline_backlinks(ordered, site.story_named)
    site.spark_top = busiest_taxon_week(ordered, ZoneInfo(config.timezone), SPARK_WEEKS)
    site.signals = signals_by_path(ordered, config.rubric)
    if related is None:
        site.related = related_stories(ordered)
    else:
        story_at = site.by_path.__getitem__
        site.related = {path: tuple(map(story_at, others)) for path, others in related.items()}
    return site


Holders = dict[str, tuple[tuple[str, str], ...]]
"""Story file → the lists of `Site.related` and `Site.named_by` that hold it, as (index, key)."""


def holders(site: Site) -> Holders:
    """Where each story sits in the lists keyed by another story: a function of the site's shape alone."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for index, lists in (("related", site.related), ("named_by", site.named_by)):
        for key, stories in lists.items():
            for story in stories:
                found[story.file].append((index, key))
    return {file: tuple(places) for file, places in found.items()}


def with_texts(site: Site, edited: Iterable[Story], held: Holders) -> Site:
    """The same site with stories replaced by new models of the same signature (`engine/structure.py`):
    their place in every index is the same, only their text changed, so each index is patched where the story
    sits (`held`: the site's `holders`) instead of being built again. Each story must be one the site holds."""
    swap = {story.file: story for story in edited}
    new = copy(site)
    new.by_path = {**site.by_path, **{story.path: story for story in swap.values()}}
    stories = list(site.stories)
    for story in swap.values():
        stories[site.position[story.path]] = story
    new.stories = tuple(stories)
    new.refs = site.refs.replaced(swap)
    new.topics = _swapped_taxa(site.topics, {slugify(name) for s in swap.values() for name in s.topics}, swap)
    new.entities = _swapped_taxa(site.entities, {slugify(name) for s in swap.values() for name in s.affected}, swap)
    new.authors = _swapped_taxa(site.authors, {author for s in swap.values() for author in s.authors}, swap)
    new.archive = {year: dict(months) for year, months in site.archive.items()}
    for story in swap.values():
        year, month = f"{story.date:%Y}", f"{story.date:%m}"
        new.archive[year][month] = _swapped(site.archive[year][month], swap)
    new.related, new.named_by = dict(site.related), dict(site.named_by)
    for file in swap:
        for index, key in held.get(file, ()):
            lists = new.related if index == "related" else new.named_by
            lists[key] = _swapped(lists[key], swap)
    return new


def with_placed(site: Site, moved: Iterable[Story], held: Holders) -> Site:
    """A provisional site for `serve`'s first look at a save that moves stories (a new date, topics,
    sources...): each new model stands where the site held the old one, with its own signals. Only the
    moved stories' own pages are rendered from it; the whole preparation follows and puts every list right."""
    moved = tuple(moved)
    new = with_texts(site, moved, held)
    new.signals = {**site.signals, **signals_by_path(moved, site.config.rubric)}
    return new


def _swapped(stories: tuple[Story, ...], swap: dict[str, Story]) -> tuple[Story, ...]:
    return tuple(swap.get(story.file, story) for story in stories)


def _swapped_taxa(taxa: dict[str, Taxon], slugs: set[str], swap: dict[str, Story]) -> dict[str, Taxon]:
    return {**taxa, **{slug: replace(taxa[slug], stories=_swapped(taxa[slug].stories, swap))
                       for slug in slugs if slug in taxa}}


def _most_written(slug: str, spellings: Counter[str]) -> str:
    """One name for the names that share a slug ("Türkiye", "TÜRKIYE", "Turkiye"): the one most stories use,
    on a tie the one of the newest story."""
    return spellings.most_common(1)[0][0]


def _taxonomy(stories: Iterable[Story], names_of: Callable[[Story], Iterable[str]], pattern: str,
              display: Callable[[str, Counter[str]], str],
              describe: Callable[[str], str] = lambda slug: "") -> dict[str, Taxon]:
    members: dict[str, list[Story]] = defaultdict(list)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for story in stories:
        for name in names_of(story):
            slug = slugify(name)
            members[slug].append(story)
            spellings[slug][name] += 1
    return {slug: Taxon(slug, display(slug, spellings[slug]), term_path(pattern, slug), tuple(members[slug]),
                        describe(slug))
            for slug in sorted(members)}


def _authors(config: SiteConfig, stories: tuple[Story, ...]) -> dict[str, Taxon]:
    """Every declared author, even one with no story yet: the desk's page lists them all."""
    members: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        for author in story.authors:
            members[author].append(story)
    pattern = config.permalink("author")
    return {author.id: Taxon(author.id, author.name, term_path(pattern, author.id), tuple(members[author.id]),
                             author.bio)
            for author in config.authors}


def _archive(stories: tuple[Story, ...]) -> dict[str, dict[str, tuple[Story, ...]]]:
    months: dict[str, dict[str, list[Story]]] = defaultdict(lambda: defaultdict(list))
    for story in stories:
        months[f"{story.date:%Y}"][f"{story.date:%m}"].append(story)
    return {year: {month: tuple(items) for month, items in sorted(by_month.items(), reverse=True)}
            for year, by_month in sorted(months.items(), reverse=True)}
