"""Pillow at work: probe an image file, and encode a picture's variants from it.

Every variant is decoded from the source once per picture, turned upright by its EXIF orientation, and
saved with no metadata but its colour profile: no camera, no date, no GPS position reaches a reader.
Encoders run single-threaded (workers run in parallel instead), so the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError, features

from beatgen.content.pictures import QUALITY, Picture, Variant

ROTATED = (5, 6, 7, 8)
"""EXIF orientations that swap width and height."""
READ_ERRORS = (OSError, SyntaxError, ValueError, Image.DecompressionBombError)


def modern_formats() -> tuple[str, ...]:
    return ("avif", "webp") if features.check("avif") else ("webp",)


def encoder_token() -> str:
    libraries = ("jpg", "zlib", "webp", "avif")
    return f"Pillow {PIL.__version__}; " + "; ".join(f"{name} {features.version(name)}" for name in libraries)


def probe(data: bytes, rel: str, encoder: str) -> Picture | str:
    """The picture a file holds, or why it holds none (a reason for a message)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            turned = image.getexif().get(0x0112, 1) in ROTATED
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            fallback = "png" if image.format in ("PNG", "GIF") or alpha else "jpeg"
    except UnidentifiedImageError:
        return "not an image beatgen can read (its bytes are in no picture format)"
    except READ_ERRORS as exc:
        return f"not an image beatgen can read ({exc or type(exc).__name__})"
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    size = (height, width) if turned else (width, height)
    return Picture(rel, digest, *size, fallback, modern_formats(), encoder)


def encode(path: str, variants: tuple[Variant, ...]) -> dict[str, bytes]:
    """Each variant's bytes by key."""
    with Image.open(path) as source:
        upright = ImageOps.exif_transpose(source)
        icc = None if source.mode == "CMYK" else source.info.get("icc_profile")
        image = upright.convert("RGBA" if _has_alpha(upright) else "RGB")
    image.info = {}
    return {variant.key: _save(_frame(image, variant), variant.format, icc) for variant in variants}


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _frame(image: Image.Image, variant: Variant) -> Image.Image:
    part = image if variant.box == (0, 0, *image.size) else image.crop(variant.box)
    if part.size == (variant.width, variant.height):
        return part
    return part.resize((variant.width, variant.height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _save(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    profile = {"icc_profile": icc} if icc else {}
    if fmt == "jpeg":
        if image.mode == "RGBA":
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.save(out, "JPEG", quality=QUALITY["jpeg"], optimize=True, progressive=True, **profile)
    elif fmt == "png":
        image.save(out, "PNG", **profile)
    elif fmt == "webp":
        image.save(out, "WEBP", quality=QUALITY["webp"], method=4, **profile)
    else:
        image.save(out, "AVIF", quality=QUALITY["avif"], speed=8, max_threads=1, **profile)
    return out.getvalue()
