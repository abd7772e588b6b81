"""Front matter → models, enforcing the writers' contract (CONTENT-FORMAT.md) field by field."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from beatgen.config import SENTIMENT_KEYS, Author, Rubric, SiteConfig, Topic
from beatgen.content.authors import AUTHORS_FILE
from beatgen.content.model import Alias, Correction, Page, Source, Story, StoryImage, Term, TimelineEntry
from beatgen.content.placeholders import placeholders
from beatgen.content.topics import TOPICS_FILE, words
from beatgen.content.weburl import url_problem
from beatgen.fields import Reader, closest, describe, near_miss, suggest
from beatgen.spelling import did_you_mean
from beatgen.urls import alias_path, is_slug, plain_slug, slugify, story_path
from beatgen.yamlsource import Path

STORY_KEYS = ("title", "date", "updated", "slug", "summary", "takeaways", "key_facts", "impact", "sentiment",
              "affected", "topics", "region", "pullquote", "sources", "timeline", "watch", "draft",
              "corrections", "embargo", "aliases", "authors", "image", "impact_reason", "sentiment_reason")
IMAGE_KEYS = ("file", "alt", "credit", "caption", "decorative")
REASON_LENGTH = 200
"""A reason is one sentence beside a score, not a paragraph."""
SOURCE_KEYS = ("outlet", "title", "url", "date")
TIMELINE_KEYS = ("date", "event", "story")
CORRECTION_KEYS = ("date", "text")
PUBLICATION_KEYS = {
    "draft": "holds the story back", "embargo": "holds the story back until its time",
    "date": "sets when the story goes out, and its URL", "slug": "sets the story's URL",
    "sources": "decides whether the story may go out", "corrections": "tells readers what was corrected",
}
"""Keys whose misspelling would publish a story, or publish it wrongly: always an error, with the reason."""
HOLD_BACK_KEYS = ("published", "publish", "unpublished", "status", "hidden", "private")
"""What other generators read to keep a page unpublished; beatgen does not, so such a story would go out."""
YEARS = (1000, 9998)  # every zone offset and calendar computation stays inside datetime's range


def to_datetime(value: object, zone: ZoneInfo) -> datetime | None:
    """A YAML date, datetime or ISO string as an aware datetime; naive values take the site's zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), zone)
    return None


class StoryReader(Reader):
    """Reads one story's front matter; every problem becomes a positioned diagnostic."""

    ITEMS = {"sources": "source", "timeline": "timeline entry", "corrections": "correction"}

    def misspelling(self, key: str, known: list[str], what: str) -> tuple[str, str] | None:
        """A typo of a key that decides publication is an error even when it is far from the key
        (`embargo_until`); so is a key that other generators read to hold a page back."""
        if key.casefold() in HOLD_BACK_KEYS:
            return "hold-back-key", (f"'{key}' is not a beatgen key, so it would not keep this story unpublished: "
                                     "write 'draft: true' to hold the story back, or delete the line")
        meant = near_miss(key, known) or closest(key, known)
        if meant not in PUBLICATION_KEYS:
            return super().misspelling(key, known, what)
        return "misspelt-key", (f"unknown {what} key '{key}'; did you mean '{meant}'? '{meant}' "
                                f"{PUBLICATION_KEYS[meant]}, and as written the key is ignored: fix the spelling")

    def when(self, path: Path, zone: ZoneInfo, *, required: bool = False) -> datetime | None:
        if self._already_reported(path):
            return None
        if not self.present(path) or self.get(path) is None:
            if required:
                self.require(path, f"'{path[-1]}'")
            return None
        value = self.get(path)
        result = to_datetime(value, zone)
        if result is None:
            self.fail(path, "bad-date", f"{path[-1]} must be a date such as 2026-03-14 or 2026-03-14T09:30:00Z, "
                                        f"got {describe(value)}")
        elif not YEARS[0] <= result.year <= YEARS[1]:
            self.fail(path, "bad-date", f"{path[-1]} must fall between the years {YEARS[0]} and {YEARS[1]}, "
                                        f"got {result.year:04d}-{result.month:02d}-{result.day:02d}; check the year")
            return None
        return result

    def _already_reported(self, path: Path) -> bool:
        if path not in self.doc.value_at:
            return False
        line, column = self.doc.value_at[path]
        return any((p.line, p.column) == (line, column) for p in self.problems)

    def choice(self, path: Path, choices: tuple[str, ...]) -> str:
        value = self.text(path, required=True)
        if value and value not in choices:
            self.fail(path, "bad-choice", f"{path[-1]} must be one of {', '.join(choices)}, "
                                          f"got {describe(value)}{suggest(value, choices)}")
        return value

    def flag(self, path: Path) -> bool:
        value = self.get(path)
        if self.present(path) and not isinstance(value, bool):
            self.fail(path, "wrong-type", f"{path[-1]} must be true or false, got {describe(value)}")
            return False
        return bool(value)

    def link(self, path: Path, *, required: bool) -> str:
        """A source's URL; a malformed one is reported at its first bad character (`weburl.py`)."""
        url = self.text(path, required=required)
        problem = url_problem(url) if url else None
        if problem is None:
            return url
        raw = self.doc.raw.get(path, url)
        at = self.doc.position_in(path, problem.index + len(raw) - len(raw.lstrip()))
        self.fail(path, "bad-url", problem.message, at=at)
        return ""

    def mappings(self, path: Path, keys: tuple[str, ...], what: str) -> list[Path]:
        """Paths of the items of a list of mappings, reporting items that are not mappings."""
        result = []
        for index, item in enumerate(self.items(path, what=what)):
            if not isinstance(item, dict):
                self.fail((*path, index), "wrong-type", f"each {what[:-1]} must be a mapping with "
                                                        f"{', '.join(keys)}, got {describe(item)}")
                continue
            self.unknown_keys((*path, index), keys, as_error=True, what=what[:-1])
            result.append((*path, index))
        return result


def read_story(r: StoryReader, config: SiteConfig, body: str, body_line: int, file_stem: str,
               digest: str, front: str = "") -> Story | None:
    zone = ZoneInfo(config.timezone)
    if not isinstance(r.doc.data, dict):
        r.fail((), "no-front-matter", f"front matter must be a mapping of keys, got {describe(r.doc.data)}")
        return None
    r.unknown_keys((), STORY_KEYS, as_error=False, what="front matter")
    title = r.text(("title",), required=True, max_len=200)
    published = r.when(("date",), zone, required=True)
    updated = r.when(("updated",), zone)
    if published and updated and updated < published:
        r.fail(("updated",), "bad-date", f"updated ({updated:%Y-%m-%d}) must not be before date ({published:%Y-%m-%d})")
    slug = _slug(r, file_stem)
    takeaways = r.texts(("takeaways",), what="takeaways", low=1, high=5)
    if not r.present(("takeaways",)):
        r.require(("takeaways",), "'takeaways' (1 to 5 short points)")
    impact = r.integer(("impact",), 1, 10)
    sentiment = r.choice(("sentiment",), SENTIMENT_KEYS)
    sources = _sources(r, zone)
    timeline = _timeline(r, zone)
    corrections = _corrections(r, zone, published)
    story = Story(
        file=r.file, slug=slug, path="", title=title, date=published or datetime.min.replace(tzinfo=zone),
        updated=updated, summary=r.text(("summary",), max_len=400), takeaways=takeaways,
        key_facts=r.texts(("key_facts",), what="key facts"), impact=impact or 1, sentiment=sentiment,
        affected=_names(r, "affected"), topics=_topics(r, config.topic_index()), region=r.text(("region",)),
        pullquote=r.text(("pullquote",)), sources=sources, timeline=timeline, watch=r.text(("watch",)),
        draft=r.flag(("draft",)), embargo=r.when(("embargo",), zone), corrections=corrections,
        body=body, body_line=body_line, digest=digest, aliases=old_paths(r), authors=_authors(r, config.author_index()),
        image=_image(r), impact_reason=r.text(("impact_reason",), max_len=REASON_LENGTH),
        sentiment_reason=r.text(("sentiment_reason",), max_len=REASON_LENGTH), untimed=_untimed(r), front=front,
    )
    if impact:
        _reasons_wanted(r, config.rubric, impact)
    if not story.draft:
        r.problems += placeholders(r, body, body_line, "the analysis", ", or keep 'draft: true' until the story "
                                                                       "is ready")
    if r.problems and any(p.severity == "error" for p in r.problems):
        return None
    return _with_path(story, config)


def _with_path(story: Story, config: SiteConfig) -> Story:
    return replace(story, path=story_path(config.permalink("story"), story.date, story.slug))


def _slug(r: StoryReader, file_stem: str) -> str:
    if not r.present(("slug",)):
        return file_slug(r, file_stem)
    slug = r.text(("slug",), required=True)
    if slug and not is_slug(slug):
        hint = f"did you mean '{plain_slug(slug)}'?" if plain_slug(slug) else "write it with letters or digits"
        r.fail(("slug",), "bad-slug", f"slug may use only a-z, 0-9 and single '-' (at most 100 characters), "
                                      f"got {describe(slug)}; {hint}")
    return slug


def file_slug(r: Reader, file_stem: str) -> str:
    """The slug a file name gives: its words in ASCII, whatever the script; a name with no letters or digits
    at all (emoji, punctuation) gives none, and the writer is asked for one."""
    slug = plain_slug(file_stem)
    if not slug:
        r.fail((), "empty-slug", f"the file name '{file_stem}.md' has no letters or digits to make a URL from; "
                                 "add a 'slug:' line (a-z, 0-9 and '-', e.g. slug: launch-video) or rename the file")
    return slug


def _names(r: StoryReader, key: str) -> tuple[str, ...]:
    """Free-text names, in NFC: `Türkiye` typed with a combining accent is the same text as with a precomposed one."""
    names = r.texts((key,), what="names")
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(slugify(name), unicodedata.normalize("NFC", name))
    return tuple(seen.values())


def _topics(r: StoryReader, vocabulary: dict[str, Topic]) -> tuple[str, ...]:
    """The declared slugs of the story's topics, each written as its slug or its name ('Middle East')."""
    path = ("topics",)
    slugs = tuple(dict.fromkeys(slugify(name) for name in r.texts(path, what="topics")))
    if any(slug not in vocabulary for slug in slugs):
        for index in range(len(r.items(path, what="topics"))):  # where each undeclared one is written
            written = r.text((*path, index))
            if written and slugify(written) not in vocabulary:
                r.fail((*path, index), "unknown-topic", undeclared(written, slugify(written), vocabulary))
    return slugs


def undeclared(written: str, slug: str, vocabulary: dict[str, Topic]) -> str:
    """Why a topic is refused, and how to declare it (also `beatgen new story --topic`'s message)."""
    declare = f'declare it with: beatgen new topic "{written if written != slug else words(slug)}"'
    if not vocabulary:
        return f"topic '{written}' is not declared: the site has no {TOPICS_FILE}; {declare}"
    hint = did_you_mean(slug, vocabulary)
    return f"topic '{written}' is not declared in {TOPICS_FILE}" + (f"{hint} Or {declare}" if hint else f"; {declare}")


def _authors(r: StoryReader, declared: dict[str, Author]) -> tuple[str, ...]:
    """The ids of the story's authors, each declared in data/authors.yaml."""
    path = ("authors",)
    ids = tuple(dict.fromkeys(r.texts(path, what="authors")))
    if all(author in declared for author in ids):
        return ids
    for index in range(len(r.items(path, what="authors"))):
        written = r.text((*path, index))
        if written and written not in declared:
            r.fail((*path, index), "unknown-author", _undeclared_author(written, declared))
    return ids


def _undeclared_author(written: str, declared: dict[str, Author]) -> str:
    if not declared:
        return (f"author '{written}' is not declared: the site has no {AUTHORS_FILE}; declare the author there "
                f"(id, then 'name:' and 'role:'), or leave 'authors:' out for the desk's byline")
    by_name = {author.name.casefold(): author.id for author in declared.values()}
    meant = by_name.get(written.casefold())
    hint = f"; write the author's id, '{meant}'" if meant else did_you_mean(written, declared)
    return f"author '{written}' is not declared in {AUTHORS_FILE}{hint or '; declare the author there'}"


def _reasons_wanted(r: StoryReader, rubric: Rubric, impact: int) -> None:
    """With `require_reasons`, an action item says why it scores as it does (a warning: --strict stops on it)."""
    if not rubric.require_reasons or impact < rubric.action_threshold:
        return
    for key, score in (("impact_reason", "impact"), ("sentiment_reason", "sentiment")):
        if not r.get((key,)):
            r.warn((score,), "missing-reason", f"an action item (impact {impact}, threshold "
                                               f"{rubric.action_threshold}) needs '{key}:', one sentence on why "
                                               f"this {score} and for whom (rubric.require_reasons in site.yaml)")


def _image(r: StoryReader) -> StoryImage | None:
    """The story's picture: a file, and alt text unless it is declared decorative."""
    path = ("image",)
    value = r.get(path)
    if value is None:
        return None
    if not isinstance(value, dict):
        r.fail(path, "wrong-type", f"'image' must be a mapping with 'file', 'alt', 'credit' and 'caption' (each on "
                                   f"its own line under 'image:'), got {describe(value)}")
        return None
    r.unknown_keys(path, IMAGE_KEYS, as_error=True, what="image")
    file = r.text((*path, "file"), required=True)
    alt = r.text((*path, "alt"), max_len=300)
    decorative = r.flag((*path, "decorative"))
    if decorative and alt:
        r.fail((*path, "decorative"), "bad-alt", "an image is either described ('alt:') or decorative "
                                                 "('decorative: true'), not both; keep one", key=True)
    elif not decorative and not alt:
        where = (*path, "alt") if r.present((*path, "alt")) else path
        r.fail(where, "missing-alt", "the image has no 'alt': describe what it shows for readers who cannot see "
                                     "it (alt: \"...\"), or write 'decorative: true' if it shows nothing the text "
                                     "needs", key=where == path)
    line, column = r.doc.where((*path, "file"))
    return StoryImage(file, alt, r.text((*path, "credit"), max_len=200), r.text((*path, "caption"), max_len=400),
                      decorative, line, column) if file else None


def _untimed(r: StoryReader) -> tuple[str, ...]:
    """The date fields written as a day alone (`2026-03-14`): a page shows no invented midnight for them."""
    return tuple(key for key in ("date", "updated") if _day_only(r.get((key,))))


def _day_only(value: object) -> bool:
    if isinstance(value, str):
        return len(value.strip()) == len("2026-03-14")
    return isinstance(value, date) and not isinstance(value, datetime)


def _sources(r: StoryReader, zone: ZoneInfo) -> tuple[Source, ...]:
    path = ("sources",)
    if not r.present(path) or not r.get(path):
        r.fail(path, "no-sources", "a story needs at least one source (outlet, title, url); "
                                   "unsourced stories are not published", key=True)
        return ()
    result = []
    for item in r.mappings(path, SOURCE_KEYS, "sources"):
        when = r.when((*item, "date"), zone)
        result.append(Source(outlet=r.text((*item, "outlet"), required=True),
                             title=r.text((*item, "title"), required=True),
                             url=r.link((*item, "url"), required=True),
                             date=when.date() if when else None))
    return tuple(result)


def _timeline(r: StoryReader, zone: ZoneInfo) -> tuple[TimelineEntry, ...]:
    result = []
    for item in r.mappings(("timeline",), TIMELINE_KEYS, "timeline entries"):
        when = r.when((*item, "date"), zone, required=True)
        event = r.text((*item, "event"), required=True)
        story = r.text((*item, "story")) or None
        line, column = r.doc.where((*item, "story") if story else item)
        if when and event:
            result.append(TimelineEntry(when, event, story, line, column))
    return tuple(sorted(result, key=lambda e: (e.date, e.event)))


def _corrections(r: StoryReader, zone: ZoneInfo, published: datetime | None) -> tuple[Correction, ...]:
    result = []
    for item in r.mappings(("corrections",), CORRECTION_KEYS, "corrections"):
        when = r.when((*item, "date"), zone, required=True)
        text = r.text((*item, "text"), required=True)
        if when and published and when.date() < published.date():
            r.fail((*item, "date"), "bad-date", f"a correction cannot precede the story: {when:%Y-%m-%d} is before "
                                                f"the story's date {published:%Y-%m-%d}")
        if when and text:
            result.append(Correction(when, text, r.doc.where(item)[0]))
    return tuple(sorted(result, key=lambda c: c.date))


def old_paths(r: Reader) -> tuple[Alias, ...]:
    """`aliases:`, the old paths that redirect to this story or page, each one a redirect page can be written at."""
    result = []
    for index, text in enumerate(r.items(("aliases",), what="old paths")):
        where = ("aliases", index)
        if not isinstance(text, str):
            r.fail(where, "wrong-type", f"each alias must be a path such as '/stories/2026/05/old-slug/', "
                                        f"got {describe(text)}")
            continue
        path, problem = alias_path(text.strip())
        if problem:
            r.fail(where, "bad-alias", f"alias {problem}")
        else:
            result.append(Alias(path, *r.doc.where(where)))
    return tuple(result)


def read_term(r: Reader, body: str, body_line: int, file_stem: str, digest: str) -> Term | None:
    if not isinstance(r.doc.data, dict):
        r.fail((), "no-front-matter", f"front matter must be a mapping with 'term', got {describe(r.doc.data)}")
        return None
    r.unknown_keys((), ("term", "aliases", "slug"), as_error=False, what="glossary")
    term = r.text(("term",), required=True, max_len=120)
    aliases = r.texts(("aliases",), what="aliases")
    slug = r.text(("slug",)) or file_slug(r, file_stem)
    if not body.strip():
        r.fail((), "empty-definition", f"the glossary entry '{term}' has no definition; write it below the '---'")
    r.problems += placeholders(r, body, body_line, "the definition", " (a glossary entry goes out as soon as it "
                                                                     "is committed)")
    return Term(r.file, slugify(slug), term, aliases, body, body_line, digest) if term else None


def read_page(r: Reader, body: str, body_line: int, file_stem: str, digest: str) -> Page | None:
    if not isinstance(r.doc.data, dict):
        r.fail((), "no-front-matter", f"front matter must be a mapping with 'title', got {describe(r.doc.data)}")
        return None
    r.unknown_keys((), ("title", "description", "slug", "aliases"), as_error=False, what="page")
    title = r.text(("title",), required=True, max_len=200)
    r.problems += placeholders(r, body, body_line, "the page", " (a page goes out as soon as it is committed)")
    slug = r.text(("slug",)) or file_slug(r, file_stem)
    return Page(r.file, slugify(slug), title, r.text(("description",)), body, body_line, digest,
                old_paths(r)) if title else None
