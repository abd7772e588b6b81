"""Pictures as pages show and share them: a story's own figure, and the picture a page offers to social
networks and search engines (the story's, else its topic's, else the site's)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from beatgen.content.model import Story
from beatgen.content.pictures import Picture, Variant, crops, picture_html
from beatgen.site.index import Site


@dataclass(frozen=True)
class Figure:
    """A story's own picture: its `<picture>` (loaded first: it is above the fold), caption and credit."""

    picture: Picture
    html: Markup
    caption: str
    credit: str


@dataclass(frozen=True)
class Shared:
    """The picture a page shares: its crops (16:9 first, the one OpenGraph shows) and alt text."""

    crops: tuple[Variant, ...]
    alt: str


def story_figure(site: Site, story: Story) -> Figure | None:
    picture = site.pictures.stories.get(story.file)
    if picture is None or story.image is None:
        return None
    alt = "" if story.image.decorative else story.image.alt
    html = Markup(picture_html(picture, alt, site.config.base_path, lead=True))
    return Figure(picture, html, story.image.caption, story.image.credit)


def shared_picture(site: Site, story: Story | None = None, topic: str = "") -> Shared | None:
    """The story's own picture, else the first of its topics' pictures, else the site's."""
    pictures = site.pictures
    if story is not None and story.image is not None and story.file in pictures.stories:
        return Shared(crops(pictures.stories[story.file]), story.image.alt)
    topics = {t.slug: t for t in site.config.topics}
    for slug in (*(story.topics if story else ()), topic):
        image = topics[slug].image if slug in pictures.topics else None
        if image is not None:
            return Shared(crops(pictures.topics[slug]), image.alt)
    if pictures.default is not None and site.config.image is not None:
        return Shared(crops(pictures.default), site.config.image.alt)
    return None
