"""Arbitrary stories through the real build: a content error is reported or the site is written, and then
every page parses strictly as HTML, every feed and sitemap parses, nothing lands outside the output folder,
and no script or javascript: URL from content reaches a reader."""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from markdown_it import MarkdownIt
from outputkit import active_content, files_outside, parse_strict
from sitekit import REPO
from strategies import dump, front_matter, markdown

from beatgen.config import Topic, parse_config
from beatgen.content.load import parse_file
from beatgen.content.model import Story
from beatgen.diagnostics import BuildError, Severity
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.markdown.fragments import story_html
from beatgen.markdown.renderer import LinkTargets, make_markdown

NOW = "2026-06-01T00:00:00Z"
CONFIG_TEXT = "title: Prop Beat\nbase_url: https://example.org/beat/\n"
VALID = """---
title: "The valid companion"
date: 2026-03-01
takeaways: ["It is valid."]
impact: 8
sentiment: positive
affected: [Alpha Command]
topics: [air-defense]
sources:
  - outlet: wire.example
    title: "A source"
    url: https://wire.example/v
---

A valid body.
"""
BUILD_EXAMPLES = max(20, settings.default.max_examples // 50)  # ci: 20, long: 2,000 (a build takes ~0.3 s)


def story_file(data: dict, body: str) -> bytes | None:
    text = dump(data)
    return None if text is None else f"---\n{text}---\n\n{body}\n".encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prop") / "site"
    for part in ("layouts", "static"):
        shutil.copytree(REPO / part, root / part)
    (root / "site.yaml").write_text(CONFIG_TEXT)
    (root / "data").mkdir()
    (root / "data" / "topics.yaml").write_text("air-defense: Air defense\n")
    (root / "content" / "stories" / "2026" / "03").mkdir(parents=True)
    (root / "content" / "pages").mkdir()
    (root / "content" / "pages" / "methodology.md").write_text("---\ntitle: Methodology\n---\n\nHow.\n")
    (root / "content" / "stories" / "2026" / "03" / "valid.md").write_text(VALID)
    return root


@given(front_matter(), markdown)
def test_story_fragments_are_safe_html(data: dict, body: str) -> None:
    raw = story_file(data, body)
    assume(raw is not None)
    story, _ = parse_file("story", "content/stories/2026/03/prop.md", raw, CONFIG)
    if not isinstance(story, Story):
        return  # a content error, reported: the front matter properties cover those
    html = story_html(MD, story, TARGETS).html
    for fragment in (html.body, html.body_after, html.watch, *html.takeaways, *html.key_facts, *html.corrections):
        assert not list(active_content(parse_strict(fragment, fragment=True))), fragment


@settings(max_examples=BUILD_EXAMPLES)
@given(front_matter(), markdown)
def test_built_site_is_safe(site: Path, data: dict, body: str) -> None:
    raw = story_file(data, body)
    assume(raw is not None)
    (site / "content" / "stories" / "2026" / "03" / "prop.md").write_bytes(raw)
    with tempfile.TemporaryDirectory(dir=site.parent) as scratch:
        output = Path(scratch) / "public"
        try:
            build(BuildOptions(site, output, now=NOW, jobs=1, cache=False))
        except BuildError as exc:
            assert any(d.severity is Severity.ERROR for d in exc.diagnostics)
            assert all(d.file.startswith("content/") and d.line >= 1 for d in exc.diagnostics), exc.diagnostics
            assert not output.exists()
            return
        assert sorted(p.name for p in Path(scratch).iterdir()) == [".public.lock", "public"]
        assert not files_outside(output)
        assert not list(problems_in(output))


def problems_in(output: Path) -> Iterator[str]:
    for path in sorted(output.rglob("*")):
        if path.suffix == ".html":
            for problem in active_content(parse_strict(path.read_bytes()), own_scripts="/beat/"):
                yield f"{path.relative_to(output)}: {problem}"
        elif path.suffix == ".xml":
            ET.fromstring(path.read_bytes())
        elif path.suffix == ".json":
            json.loads(path.read_bytes())


CONFIG = dataclasses.replace(parse_config(CONFIG_TEXT), topics=(Topic("air-defense", "Air defense"),))
MD: MarkdownIt = make_markdown()
TARGETS = LinkTargets({"content/stories/2026/03/valid.md": "/stories/2026/03/valid/"},
                      frozenset({"/", "/stories/2026/03/valid/"}), "/beat/")
