"""What a redirect page and the `_redirects` file show: the old path, the URL it moved to, and its title."""

from __future__ import annotations

from dataclasses import dataclass

from beatgen.routes import Route, redirects
from beatgen.site.index import Site


@dataclass(frozen=True)
class Redirect:
    path: str
    target: str
    title: str


def moved(site: Site, route: Route) -> Redirect:
    """The page at an old path: its route's key is the URL of the story or page it moved to."""
    target = route.key
    story = site.by_path.get(target)
    title = story.title if story else next(page.title for page in site.pages if f"/{page.slug}/" == target)
    return Redirect(route.path, target, title)


def every_redirect(site: Site) -> tuple[Redirect, ...]:
    return tuple(Redirect(old, new, "") for old, new in redirects(site))
