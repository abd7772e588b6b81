"""What a page's layout depends on: the template files it extends, includes and imports (recursively),
and which parts of the site it reads beyond its context (recorded while it renders)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateNotFound, meta
from markupsafe import Markup

from beatgen.content.model import Story
from beatgen.engine.fingerprint import digest
from beatgen.render.env import LayoutEnvironment
from beatgen.site.index import Site, Taxon

SITE_CHROME = frozenset({"config", "pages", "terms"})
"""Attributes of `site` that every page may read; they are part of every page's key."""
PER_STORY = frozenset({"signals"})
"""Attributes of `site` that layouts read by a story the page already holds: a function of that story and
the config, which the page's key covers."""
OWN_KEY = SITE_CHROME | PER_STORY
RAW_TEXT = frozenset({"body", "body_line", "digest"})
"""Attributes of a story that hold its Markdown source, which a page's key does not cover (it covers the
rendered fragment): a layout that reads one is keyed on the whole site."""


def _own_body(story: Story) -> str:
    return story.body


class RecordingEnvironment(LayoutEnvironment):
    """A Jinja environment that notes when a template reaches into the site's story lists
    (`site.stories`, `taxon.stories`, ...) or into a story's Markdown source (`RAW_TEXT`), which a page's
    context key does not cover."""

    reached_site = False

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.body_of: Callable[[Story], str] = _own_body
        """A story's Markdown body, which its model goes without in a build that keeps it in the store."""
        self.reaching: set[Hashable] = set()
        """The pieces rendered once (`fragment`) whose rendering reached the site: placing one again reaches it too."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = obj.__class__
        if ((kind is Site and attribute not in OWN_KEY) or (kind is Taxon and attribute == "stories")
                or (kind is Story and attribute in RAW_TEXT)):
            self.reached_site = True
            if attribute == "body" and kind is Story:
                return self.body_of(obj)
        # Environment.getattr inlined: layouts read half a million attributes in a build of 1,000 stories.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        kind = obj.__class__
        if ((kind is Site and argument not in OWN_KEY) or (kind is Taxon and argument == "stories")
                or (kind is Story and argument in RAW_TEXT)):
            self.reached_site = True
            if argument == "body" and kind is Story:
                return self.body_of(obj)
        return Environment.getitem(self, obj, argument)

    def use_site(self, site: object) -> None:
        if site is not self.site:
            self.reaching = set()
        super().use_site(site)

    def fragment(self, key: Hashable, render: Callable[[], str]) -> Markup:
        reached, self.reached_site = self.reached_site, False
        text = super().fragment(key, render)
        if self.reached_site:
            self.reaching.add(key)
        self.reached_site = reached or key in self.reaching
        return text


def layouts_token(layouts: Path) -> str:
    """A digest of every file under layouts/: equal tokens, equal templates."""
    files = sorted(p for p in layouts.rglob("*") if p.is_file()) if layouts.is_dir() else []
    return digest("all-layouts", *(part for p in files for part in (p.relative_to(layouts).as_posix(), p.read_bytes())))


class TemplateTokens:
    """Template name → a digest of its source and of every template it uses, computed once per build."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.tokens: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.tokens:
            self.tokens[name] = digest("layouts", *(f"{n}\x1e{s}" for n, s in sorted(self.sources(name).items())))
        return self.tokens[name]

    def sources(self, name: str) -> dict[str, str]:
        """The source of a template and of every template it extends, includes or imports, by name."""
        sources: dict[str, str] = {}
        pending = [name]
        while pending:
            current = pending.pop()
            if current in sources:
                continue
            sources[current] = self._source(current)
            references: list[str | None]
            try:
                references = list(meta.find_referenced_templates(self.env.parse(sources[current])))
            except Exception:  # noqa: BLE001 - a template that does not parse fails its render, with a message
                references = []
            if None in references:
                references = list(self.env.list_templates())
            pending.extend(ref for ref in references if ref is not None)
        return sources

    def _source(self, name: str) -> str:
        try:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            return "\x00missing"
        return source
