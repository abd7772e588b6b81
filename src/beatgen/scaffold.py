"""`beatgen new`: start a story, glossary term or page from a skeleton with every field explained,
or declare a topic.

A new story is a draft, so a half-written file can be committed without going out; its placeholders
are marked TKTK, which `check` refuses once it is not. An existing file is never replaced (the file is
created with O_EXCL, so not even a race can overwrite one); a topic is appended to data/topics.yaml,
whose every other line stays as written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from beatgen.config import SiteConfig
from beatgen.content.load import parse_file
from beatgen.content.topics import TOPICS_FILE, declaration, parse_topics
from beatgen.content.validate import to_datetime, undeclared
from beatgen.skeletons import fill
from beatgen.urls import is_slug, plain_slug, slugify

TOPICS_HEADER = """\
# The topics stories may name in `topics:`, by slug or by name: each slug with the name pages show.
# A value may also be a mapping with `name:` and a `description:` for the topic's page.
"""


class ScaffoldError(Exception):
    """The file cannot be created: the message says why and what to do."""


@dataclass(frozen=True)
class Scaffold:
    rel: str
    text: str


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text.strip(), ensure_ascii=False)


def story_date(text: str | None, config: SiteConfig, now: datetime | None = None) -> datetime:
    """`--date` (a date or date-time; no zone: the site's) or now in the site's timezone."""
    zone = ZoneInfo(config.timezone)
    if not text:
        return (now or datetime.now(zone)).astimezone(zone).replace(microsecond=0)
    when = to_datetime(text, zone)
    if when is None:
        raise ScaffoldError(f"--date must be a date such as 2026-03-14 or 2026-03-14T09:30:00Z, got {text!r}")
    return when


def story(title: str, topics: list[str], when: datetime, config: SiteConfig, slug: str = "",
          site_dir: Path | None = None) -> Scaffold:
    """A draft story; each `--topic` must be declared (by slug or name), and is written as its slug."""
    slug = _slug_of(title, "story title", slug)
    rel = f"content/stories/{when:%Y}/{when:%m}/{slug}.md"
    values = {"title": _quoted(title), "date": when.isoformat().replace("+00:00", "Z"), "day": f"{when:%Y-%m-%d}",
              "slug": slug, "topics": json.dumps(_declared(topics, config), ensure_ascii=False)}
    return Scaffold(rel, fill(site_dir, "story", rel, config, values))


def _declared(topics: list[str], config: SiteConfig) -> list[str]:
    vocabulary = config.topic_index()
    slugs = [slugify(topic) for topic in topics if topic.strip()]
    for topic, slug in zip((t for t in topics if t.strip()), slugs, strict=True):
        if slug not in vocabulary:
            raise ScaffoldError(undeclared(topic.strip(), slug, vocabulary))
    return list(dict.fromkeys(slugs))


def term(name: str, config: SiteConfig, slug: str = "", site_dir: Path | None = None) -> Scaffold:
    slug = _slug_of(name, "term", slug)
    rel = f"content/glossary/{slug}.md"
    return Scaffold(rel, fill(site_dir, "term", rel, config, {"term": _quoted(name), "plain": name.strip(),
                                                              "slug": slug}))


def page(title: str, config: SiteConfig, slug: str = "", site_dir: Path | None = None) -> Scaffold:
    slug = _slug_of(title, "page title", slug)
    rel = f"content/pages/{slug}.md"
    return Scaffold(rel, fill(site_dir, "page", rel, config, {"title": _quoted(title), "slug": slug}))


def _slug_of(text: str, what: str, given: str) -> str:
    """`--slug` as given, else the text's words in ASCII (any script); never a made-up name for a title
    with no letters or digits, which would become a URL no reader could make sense of."""
    if not text.strip():
        raise ScaffoldError(f"the {what} must not be empty")
    if given:
        if not is_slug(given):
            raise ScaffoldError(f"--slug may use only a-z, 0-9 and single '-' (at most 100 characters), got "
                                f"{given!r}" + (f"; did you mean '{plain_slug(given)}'?" if plain_slug(given) else ""))
        return given
    slug = plain_slug(text)
    if not slug:
        raise ScaffoldError(f"the {what} {_quoted(text)} has no letters or digits to make a file name and URL "
                            "from; give the slug with --slug (a-z, 0-9 and '-', e.g. --slug launch-video)")
    return slug


def add_topic(site_dir: Path, name: str, config: SiteConfig) -> str:
    """Append the declaration of a topic to data/topics.yaml (created if missing), leaving every line already
    there as written; returns its slug. A topic whose slug or name is taken is refused."""
    slug = _slug_of(name, "topic name", "")
    for topic in config.topics:
        if slug == topic.slug or name.strip().casefold() == topic.name.casefold():
            raise ScaffoldError(f"the topic '{topic.slug}' ({topic.name}) is already declared in {TOPICS_FILE}")
    path = site_dir / TOPICS_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else TOPICS_HEADER
    edited = text + ("" if text.endswith("\n") or not text else "\n") + declaration(slug, name.strip())
    topics, problems = parse_topics(edited)
    if problems or slug not in {topic.slug for topic in topics}:
        raise ScaffoldError(f"{TOPICS_FILE} is not written one topic per line, so a line added at its end would "
                            f"not declare '{slug}'; add it by hand")
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, edited)
    return slug


def same_slug(site_dir: Path, scaffold: Scaffold) -> Path | None:
    """Another story with this slug, in any month: two stories may not share one."""
    if not scaffold.rel.startswith("content/stories/"):
        return None
    name = Path(scaffold.rel).name
    return next(iter(sorted((site_dir / "content" / "stories").rglob(name))), None)


def write(site_dir: Path, scaffold: Scaffold) -> Path:
    """Create the file, or raise ScaffoldError if it (or a story with its slug) exists."""
    target = site_dir / scaffold.rel
    clash = same_slug(site_dir, scaffold)
    if clash is not None and clash != target:
        raise ScaffoldError(f"a story with the slug '{target.stem}' already exists: "
                            f"{clash.relative_to(site_dir).as_posix()}; choose another title")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise ScaffoldError(f"{scaffold.rel} already exists; it was left as it is "
                            f"(edit it, or choose another title)") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(scaffold.text)
    return target


def find_story(site_dir: Path, reference: str) -> Path:
    """A story by its file path (`content/stories/.../x.md`) or by its slug (the file name)."""
    direct = site_dir / reference
    if reference.endswith(".md") and direct.is_file():
        return direct
    matches = sorted((site_dir / "content" / "stories").rglob(f"{slugify(reference)}.md"))
    if len(matches) != 1:
        found = "no story" if not matches else f"{len(matches)} stories"
        raise ScaffoldError(f"{found} named '{reference}' under content/stories/; give the story's slug or its path")
    return matches[0]


def add_correction(site_dir: Path, reference: str, text: str, when: datetime, config: SiteConfig) -> Path:
    """Append a dated correction to a story's `corrections:` list, keeping the rest of the file as written.

    The edited file is validated before it replaces the story: a correction that would break the story
    (dated before it, say) is refused with the checker's message and the file is left as it was.
    """
    if not text.strip():
        raise ScaffoldError("the correction text must not be empty")
    path = find_story(site_dir, reference)
    lines = path.read_text(encoding="utf-8").split("\n")
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if lines[0].rstrip() != "---" or closing is None:
        raise ScaffoldError(f"{path.relative_to(site_dir).as_posix()} has no front matter between '---' lines")
    item = [f"  - date: {when.isoformat().replace('+00:00', 'Z')}", f"    text: {_quoted(text)}"]
    start = next((i for i in range(1, closing) if lines[i].startswith("corrections:")), None)
    if start is None:
        lines[closing:closing] = ["corrections:", *item]
    elif lines[start].split(":", 1)[1].strip() in ("", "[]"):
        lines[start] = "corrections:"
        end = next((i for i in range(start + 1, closing) if lines[i][:1] not in (" ", "-", "", "#")), closing)
        lines[end:end] = item
    else:
        raise ScaffoldError("the story's corrections are written inline; write them as a list, one '- date:' "
                            "item per correction, then run this again")
    edited = "\n".join(lines)
    rel = path.relative_to(site_dir).as_posix()
    _, problems = parse_file("story", rel, edited.encode("utf-8"), config)
    errors = [problem.text() for problem in problems if problem.severity == "error"]
    if errors:
        raise ScaffoldError("the correction was not added, the story would not pass `beatgen check`:\n"
                            + "\n".join(errors))
    _replace(path, edited)
    return path


def _replace(path: Path, text: str) -> None:
    """Write a whole file as a transaction: a temporary file beside it, then a rename."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
