"""Draw the sample newsroom's pictures: one flat illustration per story (by its first topic), one per topic
(shared for a story without its own), the site's sharing card and the publisher's logo.

Every picture is drawn here with Pillow from shapes and a seed (the story's slug), so the repository holds
no photograph it could not publish, and running this again gives the same files. Pictures are 1200 x 675
(16:9, wide enough for Google's 1200 px crops) and saved as 32-colour PNGs, a few kilobytes each.

    .venv/bin/python tools/make_pictures.py          # writes the files beside the stories and under static/img/
"""

from __future__ import annotations

import math
import random
import re
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1200, 675)
W, H = SIZE
SKIPPED = 4
"""Every SKIPPED-th story has no picture of its own: its topic's picture is shared for it."""
INK = (24, 30, 38)


def sky(draw: ImageDraw.ImageDraw, top: tuple[int, int, int], bottom: tuple[int, int, int], until: int = H) -> None:
    """A sky in a few flat bands (flat colours keep the PNG small)."""
    bands = 6
    for band in range(bands):
        mix = band / (bands - 1)
        colour = tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        draw.rectangle((0, until * band // bands, W, until * (band + 1) // bands), fill=colour)


def stars(draw: ImageDraw.ImageDraw, rng: random.Random, count: int, below: int) -> None:
    for _ in range(count):
        x, y = rng.randrange(W), rng.randrange(below)
        draw.ellipse((x, y, x + 3, y + 3), fill=(235, 235, 210))


def launch(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (18, 24, 56), (214, 120, 80))
    stars(draw, rng, 40, 250)
    x = rng.randrange(420, 780)
    draw.rectangle((0, 560, W, H), fill=(40, 42, 50))
    draw.rectangle((x + 70, 250, x + 95, 560), fill=(70, 74, 84))
    for y in range(260, 560, 40):
        draw.line((x + 70, y, x + 95, y + 40), fill=(110, 114, 124), width=3)
    lift = rng.randrange(0, 120)
    draw.polygon([(x, 330 - lift), (x + 20, 270 - lift), (x + 40, 330 - lift)], fill=(235, 235, 235))
    draw.rectangle((x, 330 - lift, x + 40, 520 - lift), fill=(235, 235, 235))
    draw.polygon([(x - 5, 520 - lift), (x + 45, 520 - lift), (x + 20, 620 - lift // 2)], fill=(250, 190, 60))


def orbit(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (6, 10, 30), (20, 30, 70))
    stars(draw, rng, 70, H)
    draw.ellipse((-300, 470, W + 300, 1500), fill=(40, 110, 170))
    draw.ellipse((-300, 470, W + 300, 1500), outline=(140, 200, 240), width=6)
    cx, cy = rng.randrange(300, 900), rng.randrange(150, 300)
    draw.ellipse((cx - 420, cy - 90, cx + 420, cy + 90), outline=(120, 130, 160), width=2)
    draw.rectangle((cx - 18, cy - 18, cx + 18, cy + 18), fill=(220, 190, 90))
    for left in (cx - 130, cx + 30):
        draw.rectangle((left, cy - 12, left + 100, cy + 12), fill=(60, 90, 200))


def interceptors(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (120, 160, 200), (220, 225, 230))
    draw.polygon([(0, 520), (300, 470), (700, 510), (W, 460), (W, H), (0, H)], fill=(90, 110, 80))
    x = rng.randrange(150, 700)
    draw.rectangle((x, 480, x + 240, 540), fill=INK)
    draw.polygon([(x + 40, 480), (x + 200, 400), (x + 220, 420), (x + 70, 480)], fill=(60, 66, 70))
    for wheel in range(4):
        draw.ellipse((x + 20 + wheel * 55, 525, x + 60 + wheel * 55, 565), fill=(30, 30, 30))
    for _ in range(rng.randrange(2, 4)):
        reach, top = rng.randrange(300, 700), rng.randrange(60, 200)
        draw.arc((x + 200, top, x + 200 + 2 * reach, 900), 200, 270, fill=(250, 250, 250), width=5)


def ship(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (200, 170, 120), (240, 215, 170), 420)
    draw.rectangle((0, 420, W, H), fill=(30, 80, 120))
    for y in range(450, H, 35):
        draw.line((0, y, W, y), fill=(50, 100, 140), width=2)
    x = rng.randrange(150, 600)
    draw.polygon([(x, 400), (x + 520, 400), (x + 480, 460), (x + 30, 460)], fill=INK)
    for box in range(rng.randrange(4, 8)):
        draw.rectangle((x + 60 + box * 55, 355, x + 105 + box * 55, 400),
                       fill=rng.choice([(190, 60, 50), (40, 120, 160), (230, 170, 40)]))
    draw.rectangle((x + 440, 320, x + 480, 400), fill=(230, 230, 230))


def swarm(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (150, 175, 200), (235, 230, 215))
    draw.rectangle((0, 590, W, H), fill=(100, 95, 80))
    for _ in range(rng.randrange(5, 9)):
        x, y, s = rng.randrange(80, 1100), rng.randrange(60, 500), rng.randrange(18, 40)
        draw.polygon([(x, y), (x + s * 2, y + s // 2), (x, y + s), (x + s // 2, y + s // 2)], fill=INK)


def glide(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (4, 6, 20), (30, 20, 60))
    stars(draw, rng, 50, 400)
    draw.ellipse((-400, 380, W + 400, 2000), fill=(40, 80, 140))
    start = rng.randrange(0, 300)
    for offset in range(0, 900, 6):
        y = 250 + int(120 * math.sin((offset + start) / 300))
        draw.ellipse((offset + 100, y, offset + 112, y + 12), fill=(255, 150 + offset // 10 % 100, 60))


def islands(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, W, H), fill=(60, 130, 170))
    for _ in range(rng.randrange(4, 7)):
        cx, cy, r = rng.randrange(100, 1100), rng.randrange(80, 600), rng.randrange(40, 120)
        points = [(cx + r * math.cos(a / 5) * rng.uniform(0.6, 1.2), cy + r * math.sin(a / 5) * rng.uniform(0.6, 1.2))
                  for a in range(32)]
        draw.polygon(points, fill=(200, 190, 140))
    route = [(rng.randrange(W), rng.randrange(H)) for _ in range(4)]
    for a, b in zip(route, route[1:], strict=False):
        draw.line((a, b), fill=(250, 250, 250), width=4)
    for x, y in route:
        draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=(220, 60, 50))


def arctic(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (10, 30, 50), (40, 90, 110), 380)
    for band in range(3):
        draw.arc((100 + band * 60, 40 + band * 30, 1100 - band * 60, 500), 190, 350, fill=(80, 220, 160), width=10)
    draw.rectangle((0, 380, W, H), fill=(30, 60, 90))
    for _ in range(12):
        x, y = rng.randrange(W), rng.randrange(400, H)
        draw.polygon([(x, y), (x + 90, y + 10), (x + 60, y + 40), (x - 20, y + 30)], fill=(225, 235, 240))
    x = rng.randrange(200, 900)
    draw.pieslice((x, 300, x + 140, 440), 180, 360, fill=(240, 240, 240))
    draw.rectangle((x + 20, 370, x + 120, 400), fill=(200, 200, 200))


def budget(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, W, H), fill=(240, 236, 226))
    for index in range(8):
        height = rng.randrange(120, 460)
        draw.rectangle((140 + index * 120, 580 - height, 220 + index * 120, 580), fill=(40, 90, 140))
    draw.line((100, 580, 1120, 580), fill=INK, width=4)
    draw.line((100, 80, 100, 580), fill=INK, width=4)


def factory(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, W, H), fill=(190, 195, 200))
    draw.rectangle((0, 520, W, H), fill=(90, 95, 100))
    for row in range(2):
        for index in range(rng.randrange(6, 10)):
            x, y = 80 + index * 120, 200 + row * 170
            draw.rectangle((x, y, x + 90, y + 140), fill=(70, 90, 60))
            draw.ellipse((x + 20, y + 20, x + 70, y + 70), fill=(40, 50, 40))


def fields(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    sky(draw, (70, 110, 170), (170, 190, 215), 380)
    draw.rectangle((0, 380, W, H), fill=(210, 180, 60))
    for index in range(5):
        x = 100 + index * 240 + rng.randrange(-30, 30)
        draw.line((x, 180, x - 40, 420), fill=INK, width=6)
        draw.line((x, 180, x + 40, 420), fill=INK, width=6)
        draw.line((x - 50, 220, x + 50, 220), fill=INK, width=6)
    for _ in range(3):
        x, y = rng.randrange(100, 1100), rng.randrange(40, 160)
        draw.polygon([(x, y), (x + 50, y + 12), (x, y + 24)], fill=INK)


SCENES = {"space-launch": launch, "satellites": orbit, "air-defense": interceptors, "naval": ship,
          "middle-east": ship, "drones": swarm, "hypersonics": glide, "indo-pacific": islands, "arctic": arctic,
          "budgets": budget, "procurement": factory, "ukraine-war": fields}
SCENE_WORDS = {launch: "a rocket lifting off beside its launch tower", orbit: "a satellite in orbit above the Earth",
               interceptors: "a launcher truck with interceptor trails in the sky",
               ship: "a container ship at sea under a hazy sky", swarm: "a swarm of delta-wing drones in the sky",
               glide: "a glowing glide vehicle's track above the Earth's limb",
               islands: "a map of islands joined by a route", arctic: "a radar dome on Arctic ice under an aurora",
               budget: "a bar chart of rising and falling spending", factory: "rows of missile canisters in a plant",
               fields: "power pylons across wheat fields with drones overhead"}


def draw_picture(scene, seed: str, path: Path) -> None:
    image = Image.new("RGB", SIZE)
    scene(ImageDraw.Draw(image), random.Random(seed))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=32, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def first_topic(text: str) -> str:
    match = re.search(r"^topics: \[([a-z-]+)", text, re.MULTILINE)
    return match[1] if match else "air-defense"


def main() -> None:
    stories = sorted((ROOT / "content" / "stories").rglob("*.md"))
    for index, story in enumerate(stories):
        if index % SKIPPED != SKIPPED - 1:
            draw_picture(SCENES[first_topic(story.read_text(encoding="utf-8"))], story.stem, story.with_suffix(".png"))
    for topic, scene in SCENES.items():
        draw_picture(scene, topic, ROOT / "static" / "img" / "topics" / f"{topic}.png")
    draw_picture(orbit, "ground-track", ROOT / "static" / "img" / "ground-track-card.png")
    logo = Image.new("RGB", (512, 512), (20, 40, 70))
    mark = ImageDraw.Draw(logo)
    mark.ellipse((96, 96, 416, 416), outline=(240, 200, 80), width=28)
    mark.arc((40, 180, 472, 332), 0, 360, fill=(240, 240, 240), width=18)
    logo.quantize(colors=8).save(ROOT / "static" / "img" / "logo.png", optimize=True)


if __name__ == "__main__":
    main()
