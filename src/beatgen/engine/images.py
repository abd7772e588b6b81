"""The site's pictures through a build: find every image file, check what stories and the config name,
plan the variants the pages use, and encode only those the image cache does not hold.

Image files under content/ and static/ are probed once per change of their size, time or inode (the probe
reads the whole file, for its digest), so a rebuild with unchanged pictures neither reads nor encodes them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from beatgen.config import ImageRef, SiteConfig
from beatgen.content.model import Story
from beatgen.content.pictures import SUFFIXES, Picture, SitePictures, Variant, crops, find, responsive
from beatgen.diagnostics import Diagnostic, error
from beatgen.engine.encode import READ_ERRORS, encode, encoder_token, probe
from beatgen.engine.imagecache import ImageCache
from beatgen.engine.memo import Answer
from beatgen.engine.parallel import fork_map
from beatgen.engine.state import BuildState
from beatgen.markdown.fragments import DocumentHtml, StoryHtml

FOLDERS = ("content", "static")
Needed = dict[str, tuple[Picture, tuple[Variant, ...]]]
"""Source file → its picture and the variants the site uses."""


def scan(site_dir: Path, state: BuildState) -> dict[str, Picture | str]:
    """Every image file under content/ and static/: its picture, or why it holds none (recalled from the
    pictures' memo while the file keeps its stat and the encoder is the same)."""
    encoder = encoder_token()
    found: dict[str, Picture | str] = {}
    for path, rel in _image_files(site_dir):
        try:
            stat = os.stat(path)
        except OSError as exc:
            found[rel] = f"unreadable ({exc.strerror})"
            continue
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        known = state.pictures.recall(rel, _answers(stamp, encoder))
        found[rel] = (known or state.pictures.keep(rel, (stamp, _probe(path, rel, encoder))))[1]
    state.pictures.forget_unused()
    return found


def _answers(stamp: tuple[int, int, int], encoder: str) -> Answer:
    """How a build answers a probe's reads: the image's stat as just taken, and this encoder."""
    return lambda source, _rel: stamp if source == "image" else encoder


def _probe(path: str, rel: str, encoder: str) -> Picture | str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    return probe(data, rel, encoder)


def _image_files(site_dir: Path) -> Iterator[tuple[str, str]]:
    for folder in FOLDERS:
        top = str(site_dir / folder)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            inner = dirpath[len(top):].strip(os.sep).replace(os.sep, "/")
            for name in sorted(filenames):
                if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                    yield os.path.join(dirpath, name), "/".join(part for part in (folder, inner, name) if part)


def site_pictures(stories: Iterable[Story], config: SiteConfig, catalogue: Mapping[str, Picture | str],
                  manifest: Mapping[str, str]) -> tuple[SitePictures, list[Diagnostic]]:
    """The pictures of every story's front matter and of the config, each checked where it is named."""
    problems: list[Diagnostic] = []

    def look(written: str, origin: str, line: int, column: int, from_file: str) -> Picture | None:
        found = find(written, from_file, catalogue)
        if isinstance(found, Picture):
            return found
        problems.append(error(origin, line, column, *found))
        return None

    def named(ref: ImageRef | None) -> Picture | None:
        return look(ref.file, ref.origin, ref.line, ref.column, "") if ref else None

    own = {story.file: look(story.image.file, story.file, story.image.line, story.image.column, story.file)
           for story in stories if story.image}
    topics = {topic.slug: named(topic.image) for topic in config.topics}
    logo = named(config.publisher.logo)
    logo_path = manifest.get(logo.rel.removeprefix("static/"), "") if logo else ""
    pictures = SitePictures({file: p for file, p in own.items() if p}, {slug: p for slug, p in topics.items() if p},
                            named(config.image), logo, logo_path)
    return pictures, problems


def needed(pictures: SitePictures, published: Iterable[Story], html: Mapping[str, StoryHtml | DocumentHtml],
           catalogue: Mapping[str, Picture | str]) -> Needed:
    """The variants pages use: each published story's picture in every size and its crops, the pictures of
    bodies in every size, and the crops of the pictures shared for topics and the site."""
    wanted: dict[str, set[Variant]] = {}
    pictures_of: dict[str, Picture] = {}

    def want(picture: Picture, variants: tuple[Variant, ...]) -> None:
        pictures_of[picture.rel] = picture
        wanted.setdefault(picture.rel, set()).update(variants)

    for story in published:
        if story.file in pictures.stories:
            picture = pictures.stories[story.file]
            want(picture, responsive(picture) + crops(picture))
    for fragment in html.values():
        for rel in fragment.pictures:
            found = catalogue.get(rel)
            if isinstance(found, Picture):
                want(found, responsive(found))
    for shared in (*pictures.topics.values(), pictures.default):
        if shared is not None:
            want(shared, crops(shared))
    return {rel: (pictures_of[rel], tuple(sorted(variants, key=lambda v: v.path)))
            for rel, variants in sorted(wanted.items())}


def encode_needed(site_dir: Path, wanted: Needed, cache: ImageCache, jobs: int) -> tuple[dict[str, bytes],
                                                                                          list[Diagnostic]]:
    """Every variant's bytes by output path: from the cache, else encoded in worker processes."""
    files: dict[str, bytes] = {}
    todo: list[tuple[str, tuple[Variant, ...]]] = []
    for rel, (_, variants) in wanted.items():
        missing = []
        for variant in variants:
            data = cache.get(variant)
            if data is None:
                missing.append(variant)
            else:
                files[variant.path] = data
        if missing:
            todo.append((rel, tuple(missing)))
    problems = []
    for (rel, variants), made in zip(todo, fork_map(lambda job: _encode(site_dir, job), todo, jobs, 1), strict=True):
        if isinstance(made, str):
            problems.append(error(rel, 1, 1, "bad-image", f"this image cannot be decoded ({made}); save it again "
                                                           "as JPEG, PNG or WebP"))
            continue
        for variant in variants:
            files[variant.path] = made[variant.key]
            cache.put(variant, made[variant.key])
    cache.keep_only({variant.key for _, variants in wanted.values() for variant in variants})
    return files, problems


def _encode(site_dir: Path, job: tuple[str, tuple[Variant, ...]]) -> dict[str, bytes] | str:
    rel, variants = job
    try:
        return encode(str(site_dir / rel), variants)
    except READ_ERRORS as exc:
        return str(exc) or type(exc).__name__
