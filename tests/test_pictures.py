"""Pictures: a large JPEG from a camera (EXIF orientation, a GPS position) as a story's picture and in its
body, built for real; the sizes and formats written, the `<picture>` markup, the sharing tags and JSON-LD,
metadata stripped, and a rebuild that encodes nothing. The broken references are fixtures/bad/image-*."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image, features
from sitekit import Run, copy_site, soup, tree_bytes

from beatgen.cli import main

NOW = "2026-06-01T00:00:00Z"
ALPHA = Path("content/stories/2026/03/alpha.md")
ATOM = "{http://www.w3.org/2005/Atom}"
MODERN = ("avif", "webp") if features.check("avif") else ("webp",)


def camera_jpeg(path: Path, size: tuple[int, int] = (2400, 1600)) -> None:
    """A landscape-stored JPEG that a camera marks as rotated (EXIF orientation 6) and geotagged."""
    image = Image.new("RGB", size, (30, 60, 90))
    image.paste((220, 120, 40), (0, 0, size[0] // 3, size[1] // 2))  # top-left: ends up top-right once upright
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "ExampleCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 13.0, 7.0), 3: "E", 4: (21.0, 0.0, 3.0)})
    image.save(path, quality=92, exif=exif)


@pytest.fixture(scope="module")
def pictured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini site with a picture on alpha (and in its body), a site card, a logo and a topic picture."""
    site = copy_site("mini", tmp_path_factory.mktemp("pictures") / "site")
    camera_jpeg(site / ALPHA.parent / "launcher.jpg")
    Image.new("RGB", (1600, 900), (90, 90, 90)).save(site / "static" / "card.png")
    Image.new("RGB", (800, 800), (200, 40, 40)).save(site / "static" / "air-defense.png")
    text = (site / ALPHA).read_text()
    text = text.replace("impact: 8\n", 'impact: 8\nimage:\n  file: launcher.jpg\n  alt: "A launcher on its truck"\n'
                                      '  credit: "Photo: Mini desk"\n  caption: "The first battery."\n', 1)
    text = text.replace("## What it changes", "![The launcher from the side](launcher.jpg)\n\n## What it changes")
    (site / ALPHA).write_text(text)
    config = (site / "site.yaml").read_text().replace("  name: Mini Beat Media\n",
                                                       "  name: Mini Beat Media\n  logo: img/logo.png\n")
    (site / "site.yaml").write_text(config + 'image:\n  file: card.png\n  alt: "The Mini Beat card"\n')
    topics = site / "data" / "topics.yaml"
    topics.write_text(topics.read_text().replace("air-defense: Air defense\n", "air-defense:\n  name: Air defense\n"
                                                 '  image: {file: air-defense.png, alt: "A red square"}\n'))
    assert main(["build", "--source", str(site), "--now", NOW]) == 0
    return site


def test_every_width_in_every_format_never_enlarged(pictured: Path) -> None:
    images = pictured / "public" / "static" / "images"
    made = {}
    for path in images.glob("launcher-*"):
        with Image.open(path) as image:
            made[path.name.split(".")[0], path.suffix] = image.size
    for width in (480, 800, 1200):
        for suffix in (*(f".{fmt}" for fmt in MODERN), ".jpg"):
            assert made[f"launcher-{width}", suffix] == (width, width * 3 // 2)  # upright: 1600 x 2400
    assert made["launcher-1600", ".jpg"] == (1600, 2400)
    assert not any(name.startswith("launcher-2400") for name, _ in made)
    assert made["launcher-16x9", ".jpg"] == (1200, 675)
    assert made["launcher-4x3", ".jpg"] == (1200, 900)
    assert made["launcher-1x1", ".jpg"] == (1200, 1200)


def test_orientation_applied_and_metadata_stripped(pictured: Path) -> None:
    for path in (pictured / "public" / "static" / "images").glob("launcher-*"):
        data = path.read_bytes()
        assert b"ExampleCam" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()
            upright = image.convert("RGB")
            assert upright.getpixel((upright.width - 5, 5))[0] > 150  # the orange corner is top-right now
            assert upright.getpixel((5, 5))[2] > 60


def test_story_picture_markup(pictured: Path) -> None:
    page = soup(pictured / "public" / "stories" / "2026" / "03" / "alpha" / "index.html")
    figure = page.select_one("header figure.story-image")
    sources = figure.select("picture > source")
    assert [s["type"] for s in sources] == [f"image/{fmt}" for fmt in MODERN]
    img = figure.select_one("picture > img")
    assert (img["width"], img["height"], img["alt"]) == ("1600", "2400", "A launcher on its truck")
    assert img["fetchpriority"] == "high" and not img.has_attr("loading")
    assert img["src"].endswith(".jpg") and "launcher-800." in img["src"]
    assert [c.split()[1] for c in img["srcset"].split(", ")] == ["480w", "800w", "1200w", "1600w"]
    assert img["sizes"] == sources[0]["sizes"] == "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
    for url in [img["src"], *(c.split()[0] for s in [*sources, img] for c in s["srcset"].split(", "))]:
        assert (pictured / "public" / url.lstrip("/")).is_file(), url
    assert figure.figcaption.get_text(" ", strip=True) == "The first battery. Photo: Mini desk"
    body = page.select_one("#analysis picture > img")
    assert body["loading"] == "lazy" and body["alt"] == "The launcher from the side"


def test_sharing_tags_and_json_ld(pictured: Path) -> None:
    page = soup(pictured / "public" / "stories" / "2026" / "03" / "alpha" / "index.html")
    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in page.select("meta[content]")}
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"].startswith("https://example.org/static/images/launcher-16x9.")
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:alt"]) == ("1200", "675",
                                                                                       "A launcher on its truck")
    article = json.loads(page.select_one('script[type="application/ld+json"]').string)["@graph"][0]
    ratios = []
    for image in article["image"]:
        assert image["url"].startswith("https://example.org/static/images/launcher-")
        assert (pictured / "public" / image["url"].removeprefix("https://example.org/")).is_file()
        ratios.append(round(image["width"] / image["height"], 2))
        assert image["width"] >= 1200
    assert ratios == [1.78, 1.33, 1.0]
    logo = article["publisher"]["logo"]
    assert logo["url"].startswith("https://example.org/static/img/logo.") and logo["width"] == 512


def test_defaults_shared_by_topic_then_site(pictured: Path) -> None:
    public = pictured / "public"
    beta = soup(public / "stories" / "2026" / "02" / "beta" / "index.html")
    topic = beta.select_one('meta[property="og:image"]')["content"]
    assert "/static/images/air-defense-16x9." in topic, "beta has no picture; its topic has one"
    assert beta.select_one('meta[property="og:image:alt"]')["content"] == "A red square"
    assert not beta.select("figure.story-image")
    home = soup(public / "index.html")
    assert "/static/images/card-16x9." in home.select_one('meta[property="og:image"]')["content"]


def test_feed_picture_sources_are_absolute(pictured: Path) -> None:
    entries = ElementTree.parse(pictured / "public" / "feed.xml").getroot().iter(f"{ATOM}entry")
    content = next(e for e in entries if e.findtext(f"{ATOM}title").startswith("Alpha")).findtext(f"{ATOM}content")
    assert 'srcset="https://example.org/static/images/launcher-480.' in content
    assert 'srcset="/' not in content and 'src="/' not in content


def test_rebuild_encodes_nothing_and_cold_builds_agree(pictured: Path, tmp_path: Path,
                                                       beatgen: Callable[..., Run]) -> None:
    site = Path(shutil.copytree(pictured, tmp_path / "site", symlinks=True))
    cached = {p: p.stat().st_mtime_ns for p in (site / ".beatgen-cache" / "images").iterdir()}
    assert len(cached) == len(list((site / "public" / "static" / "images").iterdir()))
    before = tree_bytes(site / "public" / "static")
    (site / "content/stories/2026/02/beta.md").write_text((site / "content/stories/2026/02/beta.md").read_text() + "\n")
    result = beatgen("build", "--source", site, "--now", NOW, "--verbose")
    assert result.code == 0, result.err
    assert {p: p.stat().st_mtime_ns for p in (site / ".beatgen-cache" / "images").iterdir()} == cached
    assert tree_bytes(site / "public" / "static") == before
    shutil.rmtree(site / ".beatgen-cache")
    assert beatgen("build", "--source", site, "--output", tmp_path / "cold", "--now", NOW, "--no-cache").code == 0
    assert tree_bytes(tmp_path / "cold" / "static") == before


def test_a_file_that_is_no_picture(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    (mini_site / ALPHA.parent / "notes.jpg").write_text("not a picture")
    alpha = mini_site / ALPHA
    alpha.write_text(alpha.read_text().replace("impact: 8\n", "impact: 8\nimage:\n  file: notes.jpg\n  alt: x\n", 1))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert ("content/stories/2026/03/alpha.md:15:9: error: 'notes.jpg' (content/stories/2026/03/notes.jpg) is not an "
            "image beatgen can read (its bytes are in no picture format); save it again as JPEG, PNG or WebP "
            "[bad-image]") in result.err.splitlines()


def test_a_missing_logo_names_site_yaml(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    config = mini_site / "site.yaml"
    config.write_text(config.read_text().replace("Mini Beat Media\n", "Mini Beat Media\n  logo: lgo.png\n"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert ("site.yaml:9:9: error: no image file 'lgo.png': looked for static/lgo.png; check the name, or put the "
            "file under static/ [missing-image]") in result.err.splitlines()
