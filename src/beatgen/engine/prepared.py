"""What `prepare` makes of a site's inputs for the pages to be rendered from, and the options it reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from beatgen.config import SiteConfig
from beatgen.content.publication import Due
from beatgen.diagnostics import Diagnostic
from beatgen.engine.images import Needed
from beatgen.markdown.fragments import DocumentHtml, StoryHtml
from beatgen.markdown.renderer import LinkTargets
from beatgen.routes import Route
from beatgen.site.index import Site

T = TypeVar("T")


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    output_dir: Path
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    now: str | None = None
    jobs: int = 0
    embargoed: bool = False
    search: bool = True
    preview: bool = False  # `serve`: banners on stories a published build leaves out (draft, scheduled)
    shared: bool = False  # `build --preview`: noindex and a Preview bar on every page; no feeds or sitemaps
    cache: bool = True  # load and save the persistent cache (`build` without an in-memory state)
    cache_dir: Path | None = None  # default: BEATGEN_CACHE_DIR, else SITE/.beatgen-cache
    replace_output: bool = False  # build into a folder that holds files beatgen did not write, replacing them



@dataclass
class Prepared:
    config: SiteConfig
    site: Site
    routes: list[Route]
    html: Mapping[str, StoryHtml | DocumentHtml]
    assets: dict[str, tuple[str, bytes]]
    now: datetime
    clock: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    next_due: Due | None = None
    config_token: str = ""
    valid_until: datetime | None = None
    structure: str = ""
    clock_token: str = ""
    news_token: str = ""
    """The stories of the news sitemap's window, which the build's clock moves (not a part of the structure:
    only that sitemap shows it, and its data is looked at on every build)."""
    images: Needed = field(default_factory=dict)
    """The pictures pages use, with the variants to write."""
    pictures_token: str = ""
    """The pictures every page may share (site, topics, logo): part of every page's key."""
    targets: LinkTargets | None = None
    """What Markdown links were resolved against: a story edited in place renders against the same."""
    parse_keys: dict[str, str] = field(default_factory=dict)
    """Each content file's parse key, and each document's fragment key (`fragment_keys`), in the state."""
    fragment_keys: dict[str, str] = field(default_factory=dict)
    fragment_token: str = ""
    """What every fragment's key shares (the config and the glossary)."""
    made_with: tuple[object, ...] = ()
    """The options this was prepared with (`prepared_with`)."""
    shape: dict[str, Any] = field(default_factory=dict)
    """Values that follow from the site's shape alone (its page plan, story order and static files), made on
    first use (`of_shape`). An edit of text only shares them with the build before (`engine/text_edits.py`)."""

    def of_shape(self, name: str, compute: Callable[[], T]) -> T:
        if name not in self.shape:
            self.shape[name] = compute()
        return cast(T, self.shape[name])

    @property
    def manifest(self) -> dict[str, str]:
        """Each static file's name → its content-hashed output name."""
        return {name: hashed for name, (hashed, _) in self.assets.items()}


def prepared_with(options: BuildOptions) -> tuple[object, ...]:
    """The options that `prepare` reads (not the output, the workers or the search index)."""
    return (options.site_dir, options.drafts, options.future, options.embargoed, options.base_url, options.now,
            options.preview, options.shared)


def options_token(options: BuildOptions) -> str:
    """The options that change what pages hold (the search index is beside the pages, not in them)."""
    return repr((str(options.output_dir.resolve()), options.drafts, options.future, options.embargoed,
                 options.preview, options.shared))
