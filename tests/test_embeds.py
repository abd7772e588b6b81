"""```embed blocks: link cards that hold their player until the reader asks, built by the real command.

The broken blocks and the raw-HTML warning are in fixtures/bad/embed-*.md and raw-html-iframe.md; what each
provider's URL becomes is in fixtures/embed-urls.txt; whole rendered cases in fixtures/markdown/embeds.md.
The browser side (no request leaves the page until the click) is in e2e/test_embeds_browser.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitekit import FIXTURES, Run, soup, tree_bytes

from beatgen.markdown.embed_plugin import facade
from beatgen.markdown.embeds import read_block
from beatgen.markdown.renderer import LinkTargets, make_markdown, render_body

NOW = "2026-06-01T00:00:00Z"
URLS = [tuple(part.strip() for part in line.rsplit(" | ", 2))
        for line in (FIXTURES / "embed-urls.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")]
# markdown-it's fixture format: a title line, the input, the expected HTML, each closed by a line with a '.'.
CASES = [case.removesuffix("\n.").split("\n.\n") for case in (FIXTURES / "markdown" / "embeds.md")
         .read_text(encoding="utf-8").strip().split("\n.\n\n")]
STORY = """---
title: "{title}"
date: 2026-03-12T08:00:00Z
takeaways:
  - "One point."
impact: 5
sentiment: neutral
sources:
  - outlet: wire.example
    title: "A source"
    url: https://wire.example/x
---

{body}
"""
LAUNCH = """The launch, as the agency streamed it:

```embed
url: https://www.youtube.com/watch?v=lv0zGH85X4c
title: Starship's third flight, explained
thumbnail: img/launch.svg
```

And the agency's post after it:

```embed
url: https://mastodon.social/@esa/112096331452713428
title: ESA on the launch
```

Pasted by habit: <iframe src="https://www.youtube.com/embed/lv0zGH85X4c"></iframe>
"""
PICTURE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"><rect width="16" height="9" fill="{}"/></svg>'


@pytest.mark.parametrize(("url", "label", "player"), URLS, ids=[row[0] for row in URLS])
def test_each_provider_url_gives_its_card_and_player(url: str, label: str, player: str) -> None:
    embed, problems = read_block(f"url: {url}\ntitle: A post", {})
    assert problems == [] and embed is not None
    card = BeautifulSoup(facade(embed, "/"), "html.parser").figure
    assert card.select_one(".embed-source").get_text() == label
    assert card.a["href"] == url
    assert card.get("data-embed") == (None if player == "-" else player)


@pytest.mark.parametrize(("title", "source", "expected"), CASES, ids=[case[0] for case in CASES])
def test_rendered_cases(title: str, source: str, expected: str) -> None:
    targets = LinkTargets({}, frozenset(), "/beat/", static={"img/launch.jpg": "static/img/launch.0a1b2c3d4e.jpg"})
    fragment = render_body(make_markdown(), source + "\n", "s.md", 1, targets)
    assert fragment.diagnostics == []
    assert fragment.html.rstrip("\n") == expected


def add_story(site: Path, name: str, body: str, title: str = "Launch day") -> Path:
    path = site / "content" / "stories" / "2026" / "03" / name
    path.write_text(STORY.format(title=title, body=body), encoding="utf-8")
    return path


def test_a_story_with_embeds_builds_cards_and_loads_only_its_own_script(mini_site: Path,
                                                                       beatgen: Callable[..., Run]) -> None:
    (mini_site / "static" / "img").mkdir(exist_ok=True)
    (mini_site / "static" / "img" / "launch.svg").write_text(PICTURE.format("#123"), encoding="utf-8")
    add_story(mini_site, "launch.md", LAUNCH)
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0, result.err
    assert ("content/stories/2026/03/launch.md:29:18: warning: raw HTML <iframe> is shown to readers as text (a "
            "story's HTML is never run); to embed a video or a post, write ```embed, then 'url: https://...' and "
            "'title: ...' lines, then ``` [raw-html]") in result.err.splitlines()
    public = mini_site / "public"
    page = soup(public / "stories/2026/03/launch/index.html")
    video, post = page.select("#analysis figure.embed")
    assert video["data-embed"] == "https://www.youtube-nocookie.com/embed/lv0zGH85X4c?autoplay=1"
    assert video.a["href"] == "https://www.youtube.com/watch?v=lv0zGH85X4c"
    thumbnail = video.img["src"]
    assert thumbnail.startswith("/static/img/launch.") and (public / thumbnail.lstrip("/")).is_file()
    assert post["data-embed"] == "https://mastodon.social/@esa/112096331452713428/embed"
    assert page.find("iframe") is None and "&lt;iframe src=" in str(page.select_one("#analysis"))
    scripts = [tag["src"] for tag in page.find_all("script", src=True)]
    assert len(scripts) == 1 and scripts[0].startswith("/static/js/embed.") and (public / scripts[0][1:]).is_file()
    for tag in page.find_all(["script", "link", "img", "iframe", "source"]):
        url = tag.get("src") or tag.get("href") or ""
        assert not url.startswith(("http:", "https:", "//")) or "alternate" in tag.get("rel", []) \
            or "canonical" in tag.get("rel", []), url
    other = soup(public / "stories/2026/03/alpha/index.html")
    assert not other.find_all("script", src=True) and not other.select("figure.embed")


def test_a_new_thumbnail_reaches_the_page_on_a_cached_rebuild(mini_site: Path, beatgen: Callable[..., Run],
                                                             tmp_path: Path) -> None:
    """The card knows its thumbnail by its content-hashed name: changing the picture alone must re-render it,
    and the cached rebuild must equal a clean build."""
    picture = mini_site / "static" / "img" / "launch.svg"
    picture.parent.mkdir(exist_ok=True)
    picture.write_text(PICTURE.format("#123"), encoding="utf-8")
    add_story(mini_site, "launch.md", LAUNCH)
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--no-search").code == 0
    first = soup(mini_site / "public/stories/2026/03/launch/index.html").select_one(".embed-thumb")["src"]
    picture.write_text(PICTURE.format("#456"), encoding="utf-8")
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--no-search").code == 0
    second = soup(mini_site / "public/stories/2026/03/launch/index.html").select_one(".embed-thumb")["src"]
    assert second != first and (mini_site / "public" / second.lstrip("/")).is_file()
    clean = tmp_path / "clean"
    assert beatgen("build", "--source", mini_site, "--output", clean, "--now", NOW, "--no-search",
                   "--no-cache").code == 0
    assert tree_bytes(clean) == tree_bytes(mini_site / "public")


def test_a_broken_embed_stops_the_build_and_names_every_problem(built_mini: Path,
                                                                beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    before = tree_bytes(built_mini)
    shutil.copy(FIXTURES / "bad" / "embed-unknown-key.md", site / "content/stories/2026/03/launch.md")
    result = beatgen("build", "--source", site, "--now", NOW)
    assert result.code == 1 and "nothing was published" in result.err
    expected = (FIXTURES / "bad" / "embed-unknown-key.expected").read_text(encoding="utf-8")
    assert [line for line in result.err.splitlines() if "launch.md" in line] == \
        expected.replace("embed-unknown-key.md", "launch.md").splitlines()
    assert tree_bytes(built_mini) == before


def test_an_embed_on_a_page_loads_the_script_there_too(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    about = mini_site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n```embed\nurl: https://vimeo.com/76979871\n"
                     "title: Our newsroom\n```\n", encoding="utf-8")
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--no-search").code == 0
    page = soup(mini_site / "public/about/index.html")
    assert page.select_one("figure.embed")["data-embed"] == "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"
    assert page.find("script", src=True)["src"].startswith("/static/js/embed.")
