"""The front matter fast path gives exactly what the positioned reader gives, or declines.

Every plain file (the sample site, a generated 1,000-story corpus) must be taken by the fast path and read
into the same document (values, their types, every position and raw text, in the same order) and the same
model; anything the positioned reader refuses or reports must be left to it, so that its diagnostics stay
exactly as they are (the bad-input catalogue checks them through the command).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sitekit import REPO

from beatgen.content.frontmatter import split_file
from beatgen.content.load import KINDS, digest_of, read_model
from beatgen.content.sitedata import load_site_config
from beatgen.yamlsource import YamlDoc, load_plain, load_positioned, load_yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _same_document(fast: YamlDoc, positioned: YamlDoc) -> None:
    assert fast == positioned
    assert repr(fast.data) == repr(positioned.data)  # same types: a date stays a date, 1 is not True
    for table in ("key_at", "value_at", "raw"):
        assert list(getattr(fast, table).items()) == list(getattr(positioned, table).items())


def _site_files(site: Path) -> list[tuple[str, str, bytes]]:
    return [(kind, path.relative_to(site).as_posix(), path.read_bytes())
            for folder, kind in KINDS.items() for path in sorted((site / "content" / folder).rglob("*.md"))]


def _assert_both_read_alike(site: Path) -> int:
    """Each file read both ways gives one document and one model; returns how many files were compared."""
    config = load_site_config(site)
    files = _site_files(site)
    for kind, rel, raw in files:
        split, problems = split_file(raw, rel, config.max_file_size)
        assert split is not None and not problems
        fast = load_plain(split.yaml_text, split.yaml_line)
        positioned, yaml_problems = load_positioned(split.yaml_text, rel, split.yaml_line)
        assert fast is not None and positioned is not None and not yaml_problems, rel
        _same_document(fast, positioned)
        assert read_model(kind, rel, split, fast, [], config, digest_of(raw)) == \
            read_model(kind, rel, split, positioned, [], config, digest_of(raw))
    return len(files)


def test_the_sample_site_reads_alike_both_ways() -> None:
    assert _assert_both_read_alike(REPO) > 50


def test_a_generated_corpus_reads_alike_both_ways(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), "--stories", "1000", "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    assert _assert_both_read_alike(tmp_path) == 1121


def test_every_scalar_type_is_read_as_the_positioned_reader_reads_it() -> None:
    text = ("day: 2026-03-14\nwhen: 2026-03-14T09:30:00Z\nnaive: 2026-03-14 09:30:00\nint: 12\nhex: 0x1F\n"
            "float: 1.10\nyes: yes\noff: Off\nnothing:\ntilde: ~\nquoted: \"12\"\nsingle: 'true'\n"
            "folded: >\n  two\n  lines\nliteral: |\n  kept\nlist: [1, \"a\", 2026-01-02]\n"
            "nested:\n  - k: v\n    n: -3\n")
    fast = load_plain(text, 2)
    positioned, problems = load_positioned(text, "f.md", 2)
    assert fast is not None and positioned is not None and not problems
    _same_document(fast, positioned)
    data = fast.data
    assert type(data["day"]) is date and type(data["when"]) is datetime and data["when"].tzinfo is not None
    assert data["int"] == 12 and data["hex"] == 31 and data["yes"] is True and data["off"] is False
    assert data["quoted"] == "12" and data["single"] == "true" and data["nothing"] is None
    assert fast.raw[("float",)] == "1.10" and fast.value_at[("nested", 0, "n")] == (22, 8)


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "a: !!binary aGk=\n",
    "<<: {a: 1}\n",
    "a: 1\na: 2\n",
    "a: \"\\x07\"\n",
    "a: 2026-02-30\n",
    "a: 1\n---\nb: 2\n",
    "a: [1\n",
    "a: \"open\n",
    "",
    "a: " + "[" * 30 + "]" * 30 + "\n",
    "? [a]\n: 1\n",
    "a:\tb\n\tc: d\n",
], ids=["alias", "tag", "binary", "merge-key", "duplicate-key", "escaped-control", "bad-date", "two-documents",
        "unclosed-list", "unclosed-quote", "empty", "too-deep", "complex-key", "tab"])
def test_what_the_positioned_reader_reports_is_left_to_it(text: str) -> None:
    assert load_plain(text, 2) is None
    assert load_yaml(text, "f.md", 2) == load_positioned(text, "f.md", 2)


def test_each_bad_fixture_is_declined_or_read_alike() -> None:
    """The catalogue of broken files: the fast path never gives a document the positioned reader would not."""
    compared = 0
    for path in sorted((FIXTURES / "bad").glob("*.md")):
        split, _ = split_file(path.read_bytes(), path.name, 1 << 22)
        fast = load_plain(split.yaml_text, split.yaml_line) if split else None
        if fast is None:
            continue
        positioned, problems = load_positioned(split.yaml_text, path.name, split.yaml_line)
        assert positioned is not None and not problems, path.name
        _same_document(fast, positioned)
        compared += 1
    assert compared > 10
