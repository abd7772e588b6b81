"""The Jinja environment of a build: autoescaping, strict undefined, and the site's URL helpers.

Templates build every URL through `url()`, `absolute()` and `asset()`, so a site under a path
prefix (`https://example.github.io/beat/`) and content-hashed assets work everywhere at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.runtime import Macro
from jinja2.utils import missing
from markupsafe import Markup

from beatgen.config import SiteConfig
from beatgen.fields import suggest

SUGGESTION_LIMIT = 1000
"""Names beyond which no "did you mean" is looked for (a mapping of every story by slug, say)."""
FRAGMENT_LIMIT = 50_000
"""Pieces rendered once (`once`) that a process keeps, about 30 MB: four per story of a 10,000-story site; a
larger site starts afresh when it is reached, trading some renders for bounded memory."""


class HintingUndefined(StrictUndefined):
    """Strict undefined values whose message names the nearest attribute or key the object has:
    `'Story' object has no attribute 'titel'; did you mean 'title'?`."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint or obj is missing or not isinstance(name, str):
            return super()._undefined_message
        names = known_names(obj)
        hint = suggest(name, names) if len(names) <= SUGGESTION_LIMIT else ""
        return f"'{type(obj).__name__}' object has no attribute '{name}'{hint}"


def known_names(obj: Any) -> list[str]:
    """What a layout may read of an object: a mapping's keys, else its fields and public attributes."""
    if isinstance(obj, dict):
        return [key for key in obj if isinstance(key, str)]
    fields = [f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj) else []
    return fields + [name for name in dir(obj) if not name.startswith("_") and name not in fields]


class SiteUrls:
    """URL helpers bound to one config and one asset manifest."""

    def __init__(self, config: SiteConfig, assets: dict[str, str]) -> None:
        self.base_path = config.base_path
        self.base_url = config.base_url
        self.assets = assets

    def url(self, path: str) -> str:
        return self.base_path + path.lstrip("/")

    def absolute(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def href(self, target: str) -> str:
        """A link to a site path (`/methodology/#x`) or, as it is, to an address elsewhere (from site.yaml)."""
        return target if urlsplit(target).scheme else self.url(target)

    def asset(self, name: str) -> str:
        """The URL of a static file under its content-hashed name; an unknown name is a template error."""
        if name not in self.assets:
            raise KeyError(f"no static file '{name}' in static/")
        return self.url(self.assets[name])


MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def long_date(value: date) -> str:
    """`Mar 14, 2026` (of a day or a moment), without strftime (tens of thousands of calls per build)."""
    return f"{MONTH_ABBREVIATIONS[value.month - 1]} {value.day}, {value.year:04d}"


def iso_date(value: date) -> str:
    return value.isoformat()


class LayoutEnvironment(Environment):
    """A Jinja environment that keeps the pieces its layouts render once per site (`once`)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.fragments: dict[Hashable, Markup] = {}
        self.site: object = None
        self.globals["once"] = self.once

    def use_site(self, site: object) -> None:
        """Render the pages of `site` from now on: a new site (a rebuild) starts without pieces, and holding
        it keeps its identity from being reused meanwhile."""
        if site is not self.site:
            self.fragments, self.site = {}, site

    def once(self, *key: Hashable, caller: Macro) -> Markup:
        """`{% call once("card", story.path) %}...{% endcall %}`: the body rendered the first time its key is
        met and placed as the same text every other time (a story's card on each listing that shows it, the
        header of every page of a section). The key names the piece, then everything the body reads that can
        differ between the places it is used; the site's data is covered by the site being the same."""
        return self.fragment(key, caller)

    def fragment(self, key: Hashable, render: Callable[[], str]) -> Markup:
        known = self.fragments.get(key)
        if known is None:
            if len(self.fragments) >= FRAGMENT_LIMIT:
                self.fragments = {}
            known = self.fragments[key] = Markup(render())
        return known


def make_environment(layouts: Path, config: SiteConfig, assets: dict[str, str],
                     kind: type[LayoutEnvironment] = LayoutEnvironment) -> LayoutEnvironment:
    """`kind`: the build passes a subclass that records what templates read, for incremental rebuilds. A
    template is not checked for changes each time a page uses it (five stats a page), and the compiled ones are
    kept in a plain dict rather than Jinja's locked LRU: an environment is made anew whenever a file under
    layouts/ changes, and a site has a few dozen layouts."""
    env = kind(
        loader=FileSystemLoader(str(layouts)),
        auto_reload=False,
        cache_size=-1,
        autoescape=select_autoescape(("html", "xml", "svg"), default_for_string=True),
        undefined=HintingUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    urls = SiteUrls(config, assets)
    env.globals.update(url=urls.url, absolute=urls.absolute, href=urls.href, asset=urls.asset, config=config)
    env.filters.update(long_date=long_date, iso=iso_date)
    return env
