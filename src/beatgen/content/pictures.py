"""Pictures: an image file of the site, the responsive variants and social crops planned from it, and the
`<picture>` element that offers them.

Everything here is a function of the source file's digest, its displayed size and the encoder settings, so
every output name (content-addressed, safe to cache forever) and every `srcset` is known before a single
pixel is encoded: Markdown renders its `<picture>` in parallel with the rest, and the build encodes only
the variants it has never made (engine/images.py).
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import escape

from beatgen.urls import slugify

WIDTHS = (480, 800, 1200, 1600)
"""Responsive widths in CSS pixels at 1x and 2x of a phone and a desktop column; never above the source's."""
CROPS = ((16, 9), (4, 3), (1, 1))
"""The aspect ratios Google's article guidelines ask for, centre crops of the picture."""
CROP_WIDTH = 1200
QUALITY = {"avif": 60, "webp": 80, "jpeg": 82, "png": 0}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg", "png": "png"}
MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
SETTINGS = "pictures-1"
"""Part of every variant's key: change it when the encoding settings change, so no old file is reused."""
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".tif", ".tiff", ".bmp")
"""Files that may be pictures: each one under content/ and static/ is probed (engine/images.py)."""
OUTPUT_FOLDER = "static/images"
STORY_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
"""The story column: 44rem wide on a wide screen, the viewport less its margins on a phone."""


@dataclass(frozen=True)
class Picture:
    """An image file as probed: what its variants are planned from."""

    rel: str
    """Its path in the site folder: `content/stories/2026/05/launcher.jpg` or `static/img/card.png`."""
    digest: str
    width: int
    height: int
    """As displayed: EXIF orientation applied."""
    fallback: str
    """The format every browser reads, after the source's: `png` for PNG and GIF sources, else `jpeg`."""
    formats: tuple[str, ...]
    """The smaller formats offered first (`avif` where the encoder has it, `webp`)."""
    encoder: str
    """The encoding libraries' versions: a new encoder makes new files."""


@dataclass(frozen=True)
class Variant:
    """One encoded file of a picture: a size and format, or a crop."""

    source: str
    path: str
    key: str
    format: str
    width: int
    height: int
    box: tuple[int, int, int, int]
    """The part of the displayed picture it shows (left, top, right, bottom)."""


@dataclass(frozen=True)
class SitePictures:
    """The pictures pages show or share, found and checked before any page renders."""

    stories: dict[str, Picture] = field(default_factory=dict)
    """Each story's own picture, by story file."""
    topics: dict[str, Picture] = field(default_factory=dict)
    """The picture shared for a topic's stories that have none, by topic slug."""
    default: Picture | None = None
    logo: Picture | None = None
    logo_path: str = ""
    """The logo's content-hashed path among the static files."""


Problem = tuple[str, str]
"""(code, message) of a picture reference that finds no picture."""


def find(written: str, from_file: str, catalogue: Mapping[str, Picture | str]) -> Picture | Problem:
    """The picture a file names (beside it, else under static/), or why there is none."""
    if "://" in written or written.startswith("//"):
        return "remote-image", (f"image '{written}' is not a file of the site: a picture from another site tells "
                                "that site who reads the page; save it (with the right to publish it) next to this "
                                "file and name it")
    if not written.lower().endswith(SUFFIXES):
        return "bad-image", (f"'{written}' is not a picture format beatgen resizes (JPEG, PNG, WebP, GIF or AVIF); "
                             "export it as PNG or JPEG")
    places = candidates(written, from_file)
    for rel in places:
        found = catalogue.get(rel)
        if isinstance(found, Picture):
            return found
        if found is not None:
            return "bad-image", f"'{written}' ({rel}) is {found}; save it again as JPEG, PNG or WebP"
    return "missing-image", (f"no image file '{written}': looked for {' and '.join(places)}; check the name, or "
                             f"put the file {'next to this file or ' if len(places) > 1 else ''}under static/")


def candidates(written: str, from_file: str) -> tuple[str, ...]:
    """Where a picture named in a file may be: beside that file, else under static/ (`/img/x.png` and
    `static/img/x.png` are under static/ only)."""
    clean = written.strip()
    in_static = posixpath.normpath("static/" + clean.lstrip("/").removeprefix("static/"))
    if clean.startswith("/") or clean.startswith("static/") or not from_file:
        return (in_static,)
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_file), clean)), in_static


def widths(picture: Picture) -> tuple[int, ...]:
    return tuple(sorted({width for width in WIDTHS if width < picture.width} | {min(picture.width, WIDTHS[-1])}))


def responsive(picture: Picture) -> tuple[Variant, ...]:
    """Every width in every format: the modern ones first, then the fallback."""
    full = (0, 0, picture.width, picture.height)
    return tuple(_variant(picture, fmt, full, width, max(1, round(picture.height * width / picture.width)),
                          str(width))
                 for fmt in (*picture.formats, picture.fallback) for width in widths(picture))


def crops(picture: Picture) -> tuple[Variant, ...]:
    """The 16:9, 4:3 and 1:1 centre crops, JPEG (what every social network and search engine reads), 1200 px
    wide where the picture allows: never enlarged."""
    found = []
    for across, down in CROPS:
        box_width = min(picture.width, picture.height * across // down)
        box_height = box_width * down // across
        left, top = (picture.width - box_width) // 2, (picture.height - box_height) // 2
        width = min(CROP_WIDTH, box_width)
        found.append(_variant(picture, "jpeg", (left, top, left + box_width, top + box_height), width,
                              width * down // across, f"{across}x{down}"))
    return tuple(found)


def _variant(picture: Picture, fmt: str, box: tuple[int, int, int, int], width: int, height: int,
             label: str) -> Variant:
    key = hashlib.blake2b("\x1f".join((SETTINGS, picture.encoder, picture.digest, fmt, str(QUALITY[fmt]), repr(box),
                                      f"{width}x{height}")).encode(), digest_size=16).hexdigest()
    stem = slugify(posixpath.splitext(posixpath.basename(picture.rel))[0])
    return Variant(picture.rel, f"{OUTPUT_FOLDER}/{stem}-{label}.{key[:10]}.{EXTENSIONS[fmt]}", key, fmt, width,
                   height, box)


def picture_html(picture: Picture, alt: str, base_path: str, *, sizes: str = STORY_SIZES, lead: bool = False) -> str:
    """A `<picture>`: AVIF and WebP sources, then an `<img>` in the fallback format with its width and height
    (so the page does not move as it loads). The lead picture loads at once and first; others lazily."""
    variants = responsive(picture)
    sources = "".join(f'<source type="{MIME[fmt]}" srcset="{_srcset(variants, fmt, base_path)}" sizes="{sizes}">'
                      for fmt in picture.formats)
    fallback = [v for v in variants if v.format == picture.fallback]
    src = next((v for v in reversed(fallback) if v.width <= WIDTHS[1]), fallback[0])
    loading = 'fetchpriority="high"' if lead else 'loading="lazy"'
    return (f'<picture>{sources}<img src="{escape(base_path + src.path)}" '
            f'srcset="{_srcset(variants, picture.fallback, base_path)}" sizes="{sizes}" width="{fallback[-1].width}" '
            f'height="{fallback[-1].height}" alt="{escape(alt)}" decoding="async" {loading}></picture>')


def _srcset(variants: tuple[Variant, ...], fmt: str, base_path: str) -> str:
    return ", ".join(f"{escape(base_path + v.path)} {v.width}w" for v in variants if v.format == fmt)
