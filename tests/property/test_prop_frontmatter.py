"""Arbitrary front matter and bytes: a model or positioned errors, never an exception; URLs stay inside."""

from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath

from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import dump, front_matter, markdown

from beatgen.config import Topic, parse_config
from beatgen.content.load import parse_file
from beatgen.diagnostics import Severity
from beatgen.urls import is_slug, output_file

CONFIG = dataclasses.replace(parse_config("title: Prop Beat\nbase_url: https://example.org/\n"),
                             topics=(Topic("air-defense", "Air defense"),))
REL = "content/stories/2026/03/prop.md"


def check_result(raw: bytes, kind: str = "story") -> None:
    model, problems = parse_file(kind, REL, raw, CONFIG)
    lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1  # a lone CR ends a line too
    for problem in problems:
        assert problem.file == REL and problem.message and problem.code
        assert 1 <= problem.line <= lines and problem.column >= 1, problem
        assert "Traceback" not in problem.message and problem.code != "internal-error", problem
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert (model is None) == bool(errors), problems
    if kind == "story" and model is not None:
        assert is_slug(model.slug)
        written = PurePosixPath(output_file(model.path))
        assert not written.is_absolute() and ".." not in written.parts, model.path


@given(front_matter(), markdown)
def test_any_front_matter_gives_a_story_or_positioned_errors(data: dict, body: str) -> None:
    text = dump(data)
    assume(text is not None)
    check_result(f"---\n{text}---\n\n{body}\n".encode())


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400), markdown)
def test_any_text_between_fences_is_handled(text: str, body: str) -> None:
    check_result(f"---\n{text}\n---\n{body}".encode())


@given(st.binary(max_size=400), st.sampled_from(["story", "term", "page"]))
def test_any_bytes_are_handled(raw: bytes, kind: str) -> None:
    check_result(raw, kind)
    check_result(b"---\ntitle: x\n" + raw, kind)
