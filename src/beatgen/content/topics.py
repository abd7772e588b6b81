"""The topic vocabulary: `data/topics.yaml` in the site folder declares each topic's slug and display name.

Topics are declared so that a misspelt one (`air-defence` beside `air-defense`) is an error rather than a
new topic page and feed, and so that every page, card, feed and search filter shows one name per topic
("Middle East", never "Middle east"). Each slug maps to its name, or to a mapping with `name` and an
optional `description` (shown on the topic's page) and `image` (the picture shared for its stories that have
none of their own):

    middle-east: Middle East
    air-defense:
      name: Air defense
      description: Interceptors, radars and the networks that join them.
"""

from __future__ import annotations

import json

from beatgen.config import Topic, image_ref
from beatgen.diagnostics import Diagnostic, error
from beatgen.fields import Reader, describe
from beatgen.urls import is_slug, slugify
from beatgen.yamlsource import load_yaml

TOPICS_FILE = "data/topics.yaml"
TOPIC_KEYS = ("name", "description", "image")


def parse_topics(text: str) -> tuple[tuple[Topic, ...], list[Diagnostic]]:
    doc, problems = load_yaml(text, TOPICS_FILE)
    if doc is None or problems or doc.data is None:
        return (), problems
    if not isinstance(doc.data, dict):
        return (), [error(TOPICS_FILE, 1, 1, "bad-config", f"{TOPICS_FILE} must map each topic's slug to its "
                                                            f"name, e.g. 'middle-east: Middle East', got "
                                                            f"{describe(doc.data)}")]
    r = Reader(doc, TOPICS_FILE)
    topics = [topic for slug in doc.data if (topic := _topic(r, str(slug)))]
    _distinct_names(r, topics)
    return tuple(topics), r.problems


def _topic(r: Reader, slug: str) -> Topic | None:
    if not is_slug(slug):
        r.fail((slug,), "bad-slug", f"a topic's slug may use only a-z, 0-9 and single '-', got {describe(slug)}; "
                                    f"did you mean '{slugify(slug)}'?", key=True)
    value = r.get((slug,))
    if isinstance(value, dict):
        r.unknown_keys((slug,), TOPIC_KEYS, as_error=True, what="topic")
        name = r.text((slug, "name"), required=True, max_len=80)
        description = r.text((slug, "description"), max_len=300)
        image = image_ref(r, (slug, "image"))
    elif value is None or value == "":
        r.fail((slug,), "missing-field", f"the topic '{slug}' has no display name; write it after the colon, "
                                         f"e.g. '{slug}: {words(slug)}'", key=True)
        return None
    else:
        name, description, image = r.text((slug,), max_len=80), "", None
    return Topic(slug, name, description, image) if name and is_slug(slug) else None


def _distinct_names(r: Reader, topics: list[Topic]) -> None:
    """Two topics may not share a display name: pages and search filters would show them as one."""
    first: dict[str, Topic] = {}
    for topic in topics:
        other = first.setdefault(topic.name.casefold(), topic)
        if other is not topic:
            r.fail((topic.slug,), "duplicate-topic", f"the topic '{topic.slug}' has the name '{topic.name}', like "
                                                     f"'{other.slug}'; give each topic its own name", key=True)


def words(slug: str) -> str:
    """A slug read as words, as a first guess at a display name: `air-defense` → `Air defense`."""
    text = slug.replace("-", " ")
    return text[:1].upper() + text[1:]


def declaration(slug: str, name: str) -> str:
    """The line `beatgen new topic` appends (a JSON string is a YAML double-quoted scalar)."""
    return f"{slug}: {json.dumps(name, ensure_ascii=False)}\n"
