"""What a redirect page and the `_redirects` file show: the old path, the URL it moved to, and its title."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from beatgen.routes import redirects

if TYPE_CHECKING:
    from beatgen.render.context import Context


@dataclass(frozen=True)
class Redirect:
    path: str
    target: str
    title: str


def redirect_context(c: Context) -> dict[str, Any]:
    """The page at an old path: its route's key is the URL of the story or page it moved to."""
    target = c.route.key
    story = c.site.by_path.get(target)
    title = story.title if story else next(page.title for page in c.site.pages if f"/{page.slug}/" == target)
    return {"redirect": Redirect(c.route.path, target, title)}


def redirects_file_context(c: Context) -> dict[str, Any]:
    return {"redirects": [Redirect(old, new, "") for old, new in redirects(c.site)]}
