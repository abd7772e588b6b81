"""Helpers shared by the tests: copy a real site, parse its output."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PICTURES_VAR = "BEATGEN_TEST_SAMPLE_PICTURES"
"""Set by conftest.py for the session: the folder of the sample's encoded pictures that seeds each copy."""


def copy_site(name: str, dest: Path) -> Path:
    """A fixture site (content + site.yaml) with the project's real layouts and static files."""
    if name == "sample":
        _copy_sample(dest)
        seed_pictures(dest)
        return dest
    shutil.copytree(FIXTURES / "sites" / name, dest, dirs_exist_ok=True)
    for part in ("layouts", "static"):
        if not (dest / part).exists():
            shutil.copytree(REPO / part, dest / part)
    return dest


def _copy_sample(dest: Path) -> None:
    for part in ("content", "data", "layouts", "static"):
        shutil.copytree(REPO / part, dest / part)
    shutil.copy(REPO / "site.yaml", dest / "site.yaml")


def seed_pictures(site: Path) -> None:
    """Give a copy of the sample the encoded pictures a previous build would have left in its cache.

    Encoding the sample's pictures with Pillow is most of a cold build's time, and many tests build the
    sample. The image cache names each variant by the digest of its source and its encoding settings and
    checks its bytes, so a build reads exactly what it would have encoded; a picture a test changes is
    encoded anew. Builds with `--no-cache` or another cache folder do not read these files.
    """
    folder = os.environ.get(PICTURES_VAR)
    if not folder:
        return
    shared = Path(folder)
    if not shared.is_dir():
        _encode_sample_pictures(shared)
    shutil.copytree(shared, site / ".beatgen-cache" / "images")


def _encode_sample_pictures(dest: Path) -> None:
    """One real build of the sample (drafts and future stories too), whose image cache becomes `dest`."""
    site = dest.with_name(dest.name + "-site")
    _copy_sample(site)
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--drafts", "--future", "--no-search",
               "--now", "2026-12-01T00:00:00Z", "--quiet"]
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    images = site / ".beatgen-cache" / "images"
    assert images.is_dir(), "the build left no .beatgen-cache/images: update sitekit.seed_pictures to the cache's place"
    images.rename(dest)
    shutil.rmtree(site)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Run:
    """The result of one in-process `beatgen` call."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


def declare_topics(site: Path, *topics: str) -> None:
    """Declare topics (slugs) in the site's data/topics.yaml, as `beatgen new topic` would; known ones are left."""
    path = site / "data" / "topics.yaml"
    path.parent.mkdir(exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    known = {line.split(":", 1)[0] for line in text.splitlines() if line[:1].isalnum()}
    added = "".join(f"{slug}: {slug.replace('-', ' ').capitalize()}\n" for slug in dict.fromkeys(topics)
                    if slug not in known)
    if added:
        path.write_text(text + added, encoding="utf-8")


def write_story(site: Path, slug: str, day: str, *, impact: int = 5, sentiment: str = "neutral",
                topics: list[str] | tuple[str, ...] = (), affected: list[str] | tuple[str, ...] = (),
                outlets: int = 2, body: str = "Body text.") -> Path:
    """A minimal valid story file at content/stories/YYYY/MM/<slug>.md; `outlets` distinct sources."""
    sources = "".join(f"  - outlet: outlet{n}.example\n    title: \"Report {n}\"\n    url: https://outlet{n}.example/{slug}\n"
                      for n in range(outlets))
    text = (f"---\ntitle: \"Story {slug}\"\ndate: {day}\ntakeaways:\n  - \"Takeaway of {slug}.\"\nimpact: {impact}\n"
            f"sentiment: {sentiment}\ntopics: [{', '.join(topics)}]\naffected: [{', '.join(affected)}]\n"
            f"sources:\n{sources}---\n\n{body}\n")
    path = site / "content" / "stories" / day[:4] / day[5:7] / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    declare_topics(site, *topics)
    return path


def output_texts(root: Path) -> dict[str, str]:
    """Every output file as text; gzip'd search index chunks are opened first."""
    texts = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        texts[path.relative_to(root).as_posix()] = data.decode("utf-8", errors="replace").lower()
    return texts
