"""site.yaml → a frozen, validated SiteConfig.

Typos in site.yaml are errors with a suggestion (exit code 2), never silently ignored:
an unread `per_pgae: 5` would otherwise publish a site that differs from what was asked.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from pathlib import Path as FsPath
from urllib.parse import urlsplit

from beatgen.diagnostics import ConfigError, error
from beatgen.fields import Reader, describe, name
from beatgen.yamlsource import Path, load_yaml

SENTIMENT_KEYS = ("very-negative", "negative", "neutral", "positive", "very-positive")
DEFAULT_SENTIMENTS = {
    "very-negative": ("Very negative", "A serious setback: escalation, losses, collapse of an agreement."),
    "negative": ("Negative", "Adds risk or cost for the actors involved."),
    "neutral": ("Neutral", "Informational: neither raises nor lowers the risk picture."),
    "positive": ("Positive", "Lowers risk or adds capability for the actors involved."),
    "very-positive": ("Very positive", "A clear breakthrough: de-escalation, a signed deal, a successful first."),
}
DEFAULT_IMPACT = (
    (1, 2, "Marginal", "Worth knowing; changes no decision."),
    (3, 4, "Minor", "Touches one programme or actor at the edges."),
    (5, 6, "Moderate", "Shifts plans, budgets or operations of one actor."),
    (7, 7, "Significant", "Shifts plans across several actors or a whole market."),
    (8, 9, "High", "An action item for operators: regulatory, financial or operational consequences now."),
    (10, 10, "Critical", "Changes the regional or industry picture outright."),
)
DEFAULT_PERMALINKS = {
    "story": "/stories/{year}/{month}/{slug}/",
    "topic": "/topics/{slug}/",
    "entity": "/affected/{slug}/",
    "author": "/authors/{slug}/",
}
DEFAULT_CORRECTIONS_POLICY = "/corrections/#corrections-policy"
"""The section of the corrections page that every build writes, so the default policy link always resolves."""
TOP_KEYS = ("title", "tagline", "description", "base_url", "language", "timezone", "permalinks", "per_page",
            "feed_entries", "publisher", "author", "max_file_size", "rubric", "corrections_policy",
            "action_window_days", "search", "image")
SEARCH_SHARD_SIZE = 1000
"""Stories per search shard, on average: Pagefind re-indexes 1,000 story pages in about 1.7 s on 2 cores, and
the first search over the ten shards of 10,000 stories fetches about 1.15x the bytes of one index."""


@dataclass(frozen=True)
class ImpactBand:
    low: int
    high: int
    label: str
    description: str


@dataclass(frozen=True)
class Sentiment:
    key: str
    label: str
    description: str


@dataclass(frozen=True)
class Rubric:
    verification_floor: int
    action_threshold: int
    impact: tuple[ImpactBand, ...]
    sentiments: tuple[Sentiment, ...]
    require_reasons: bool = False
    """Stories at or above the action threshold should say why (`impact_reason`, `sentiment_reason`)."""

    def impact_band(self, score: int) -> ImpactBand:
        return next(band for band in self.impact if band.low <= score <= band.high)

    def sentiment(self, key: str) -> Sentiment:
        return next(s for s in self.sentiments if s.key == key)


@dataclass(frozen=True)
class ImageRef:
    """An image named by site.yaml or a data file (a file under static/), with where it is named, so that a
    missing file is reported at that line once the site's images are known."""

    file: str
    alt: str
    origin: str
    line: int
    column: int


@dataclass(frozen=True)
class Topic:
    """A declared topic (content/topics.py reads them from data/topics.yaml)."""

    slug: str
    name: str
    description: str = ""
    image: ImageRef | None = None
    """The picture shared for a story of this topic that has none of its own."""


@dataclass(frozen=True)
class Author:
    """A member of the desk (content/authors.py reads them from data/authors.yaml)."""

    id: str
    name: str
    role: str
    bio: str = ""
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntityNote:
    """A description of an affected party (data/entities.yaml), with where it is written."""

    name: str
    description: str
    line: int
    column: int


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str
    logo: ImageRef | None = None


@dataclass(frozen=True)
class SiteConfig:
    title: str
    tagline: str
    description: str
    base_url: str
    language: str
    timezone: str
    permalinks: tuple[tuple[str, str], ...]
    per_page: int
    feed_entries: int
    publisher: Publisher
    author: str
    max_file_size: int
    rubric: Rubric
    corrections_policy: str
    action_window_days: int
    """The home page's action items are the highest-impact stories of this many days up to the newest story."""
    topics: tuple[Topic, ...] = ()
    """The declared topic vocabulary (data/topics.yaml), in the file's order."""
    search_shard_size: int = SEARCH_SHARD_SIZE
    image: ImageRef | None = None
    """The picture shared for a page that has no better one."""
    authors: tuple[Author, ...] = ()
    """The desk (data/authors.yaml), in the file's order."""
    entity_notes: tuple[EntityNote, ...] = ()
    """Descriptions of affected parties (data/entities.yaml)."""

    def topic_index(self) -> dict[str, Topic]:
        """The declared topics by slug."""
        return {topic.slug: topic for topic in self.topics}

    def author_index(self) -> dict[str, Author]:
        return {author.id: author for author in self.authors}

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: `/` or, for `https://x.github.io/beat/`, `/beat/`."""
        return urlsplit(self.base_url).path

    def permalink(self, kind: str) -> str:
        return dict(self.permalinks)[kind]


def load_config(site_dir: FsPath, name: str = "site.yaml", base_url: str | None = None) -> SiteConfig:
    if not site_dir.is_dir():
        message = f"--source {site_dir} is not a folder; name the site's folder, the one that holds {name}"
        raise ConfigError([error("(command line)", 1, 1, "no-config", message)])
    path = site_dir / name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        message = f"{name} not found in {site_dir}; is --source right?"
        raise ConfigError([error(name, 1, 1, "no-config", message)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([error(name, 1, 1, "bad-config", f"cannot read {name}: {exc}")]) from None
    return parse_config(text, name, base_url)


def parse_config(text: str, name: str = "site.yaml", base_url: str | None = None) -> SiteConfig:
    """Validate site.yaml; `base_url` (from --base-url) replaces the file's before defaults derive from it."""
    doc, problems = load_yaml(text, name)
    if doc is None or problems:
        raise ConfigError(problems)
    if not isinstance(doc.data, dict):
        message = f"{name} must be a mapping of keys, got {describe(doc.data)}"
        raise ConfigError([error(name, 1, 1, "bad-config", message)])
    reader = Reader(doc, name)
    config = _read(reader, base_url)
    if reader.problems:
        raise ConfigError(reader.problems)
    return config


def _read(r: Reader, base_url_override: str | None) -> SiteConfig:
    r.unknown_keys((), TOP_KEYS, as_error=True, what="site.yaml")
    title = r.text(("title",), required=True)
    base_url = _base_url(r, base_url_override)
    tagline = r.text(("tagline",))
    publisher_name = r.text(("publisher", "name"), default=title)
    r.unknown_keys(("publisher",), ("name", "url", "logo"), as_error=True, what="publisher")
    logo = r.text(("publisher", "logo"))
    logo_ref = ImageRef(logo, publisher_name, r.file, *r.doc.where(("publisher", "logo"))) if logo else None
    return SiteConfig(
        title=title,
        tagline=tagline,
        description=r.text(("description",), default=tagline or title),
        base_url=base_url,
        language=r.text(("language",), default="en"),
        timezone=_timezone(r),
        permalinks=_permalinks(r),
        per_page=r.integer(("per_page",), 1, 200, default=10) or 10,
        feed_entries=r.integer(("feed_entries",), 1, 1000, default=20) or 20,
        publisher=Publisher(publisher_name, r.text(("publisher", "url"), default=base_url),
                            logo_ref),
        author=r.text(("author",), default=publisher_name),
        max_file_size=r.integer(("max_file_size",), 1024, 1 << 30, default=4 << 20) or 4 << 20,
        rubric=_rubric(r),
        corrections_policy=r.text(("corrections_policy",), default=DEFAULT_CORRECTIONS_POLICY),
        action_window_days=r.integer(("action_window_days",), 1, 3660, default=30) or 30,
        search_shard_size=_search_shard_size(r),
        image=image_ref(r, ("image",)),
    )


def _search_shard_size(r: Reader) -> int:
    r.unknown_keys(("search",), ("shard_size",), as_error=True, what="search")
    return r.integer(("search", "shard_size"), 2, 1_000_000, default=SEARCH_SHARD_SIZE) or SEARCH_SHARD_SIZE


def image_ref(r: Reader, path: Path) -> ImageRef | None:
    """`image: {file: img/card.png, alt: "..."}`: a picture under static/ and its alt text (required)."""
    if not r.present(path):
        return None
    if not isinstance(r.get(path), dict):
        r.fail(path, "wrong-type", f"{name(path)} must be a mapping with 'file' (a file under static/) and 'alt', "
                                   f"got {describe(r.get(path))}")
        return None
    r.unknown_keys(path, ("file", "alt"), as_error=True, what="image")
    file = r.text((*path, "file"), required=True)
    alt = r.text((*path, "alt"), required=True, max_len=300)
    return ImageRef(file, alt, r.file, *r.doc.where((*path, "file"))) if file and alt else None


def _base_url(r: Reader, override: str | None) -> str:
    """site.yaml's base_url, or --base-url's, whose mistake is the command line's (not site.yaml's)."""
    url = r.text(("base_url",), required=True) if override is None else override
    if (url or override is not None) and not _is_absolute_http(url):
        what = "base_url" if override is None else "--base-url"
        message = (f"{what} must be an absolute http(s) URL such as https://example.org/ or "
                   f"https://example.github.io/beat/, got {url!r}")
        if override is None:
            r.fail(("base_url",), "bad-url", message)
        else:
            r.problems.append(error("(command line)", 1, 1, "bad-url", message))
    return url if url.endswith("/") else url + "/"


def _is_absolute_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # urlsplit refuses some malformed hosts, such as an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _timezone(r: Reader) -> str:
    name = r.text(("timezone",), default="UTC")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        r.fail(("timezone",), "bad-timezone",
               f"timezone must be an IANA name such as UTC or Europe/Paris, got {name!r}")
        return "UTC"
    return name


def _permalinks(r: Reader) -> tuple[tuple[str, str], ...]:
    r.unknown_keys(("permalinks",), DEFAULT_PERMALINKS, as_error=True, what="permalinks")
    result = {}
    for kind, default in DEFAULT_PERMALINKS.items():
        pattern = r.text(("permalinks", kind), default=default)
        if not (pattern.startswith("/") and pattern.endswith("/") and "{slug}" in pattern and ".." not in pattern):
            r.fail(("permalinks", kind), "bad-permalink",
                   f"permalink '{kind}' must start and end with '/' and contain {{slug}}, got {pattern!r}")
            pattern = default
        result[kind] = pattern
    return tuple(result.items())


def _rubric(r: Reader) -> Rubric:
    r.unknown_keys(("rubric",), ("verification_floor", "action_threshold", "impact", "sentiment", "require_reasons"),
                   as_error=True, what="rubric")
    return Rubric(
        verification_floor=r.integer(("rubric", "verification_floor"), 2, 10, default=2) or 2,
        action_threshold=r.integer(("rubric", "action_threshold"), 1, 10, default=8) or 8,
        impact=_impact_bands(r),
        sentiments=_sentiments(r),
        require_reasons=_switch(r, ("rubric", "require_reasons")),
    )


def _switch(r: Reader, path: Path) -> bool:
    value = r.get(path)
    if r.present(path) and not isinstance(value, bool):
        r.fail(path, "wrong-type", f"{path[-1]} must be true or false, got {describe(value)}")
        return False
    return bool(value)


def _impact_bands(r: Reader) -> tuple[ImpactBand, ...]:
    path = ("rubric", "impact")
    if not r.present(path):
        return tuple(ImpactBand(*band) for band in DEFAULT_IMPACT)
    bands = []
    for index, _ in enumerate(r.items(path, what="impact bands")):
        item = (*path, index)
        r.unknown_keys(item, ("min", "max", "label", "description"), as_error=True, what="impact band")
        low = r.integer((*item, "min"), 1, 10) or 1
        high = r.integer((*item, "max"), 1, 10) or 10
        bands.append(ImpactBand(low, high, r.text((*item, "label"), required=True), r.text((*item, "description"))))
    covered = sorted(score for band in bands for score in range(band.low, band.high + 1))
    if covered != list(range(1, 11)):
        r.fail(path, "bad-rubric", "impact bands must cover every score from 1 to 10 exactly once")
    return tuple(sorted(bands, key=lambda band: band.low))


def _sentiments(r: Reader) -> tuple[Sentiment, ...]:
    path = ("rubric", "sentiment")
    r.unknown_keys(path, SENTIMENT_KEYS, as_error=True, what="sentiment tier")
    tiers = []
    for key in SENTIMENT_KEYS:
        label, description = DEFAULT_SENTIMENTS[key]
        tiers.append(Sentiment(key, r.text((*path, key, "label"), default=label),
                               r.text((*path, key, "description"), default=description)))
    return tuple(tiers)


