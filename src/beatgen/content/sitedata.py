"""site.yaml with the site's data files: the topic vocabulary, the desk's authors and the descriptions of
affected parties. They are part of the config, so every cache key follows them; the problems of all the
files are reported at once (exit code 2), each at its line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from beatgen.config import SiteConfig, load_config
from beatgen.content.authors import AUTHORS_FILE, parse_authors
from beatgen.content.entities import ENTITIES_FILE, parse_entities
from beatgen.content.topics import TOPICS_FILE, parse_topics
from beatgen.diagnostics import ConfigError, Diagnostic, error

T = TypeVar("T")


def load_site_config(site_dir: Path, base_url: str | None = None) -> SiteConfig:
    topics, problems = read_data(site_dir, TOPICS_FILE, parse_topics)
    authors, found = read_data(site_dir, AUTHORS_FILE, parse_authors)
    notes, more = read_data(site_dir, ENTITIES_FILE, parse_entities)
    problems += found + more
    try:
        config = load_config(site_dir, base_url=base_url)
    except ConfigError as exc:
        raise ConfigError(exc.diagnostics + problems) from None
    if problems:
        raise ConfigError(problems)
    return replace(config, topics=topics, authors=authors, entity_notes=notes)


def read_data(site_dir: Path, name: str, parse: Callable[[str], tuple[tuple[T, ...], list[Diagnostic]]]
              ) -> tuple[tuple[T, ...], list[Diagnostic]]:
    """A data file's entries (none when the file does not exist) and its problems."""
    try:
        text = (site_dir / name).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return (), []
    except (OSError, UnicodeDecodeError) as exc:
        return (), [error(name, 1, 1, "bad-config", f"cannot read {name}: {exc}")]
    return parse(text)
