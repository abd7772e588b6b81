"""Helpers for the readers'-output tests: the built sample site, and the quality tools the tests run.

In CI (CI=true) a missing tool fails its tests instead of skipping them: `.ci/run` installs them all.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sitekit import REPO, copy_site

from beatgen.cli import main

SAMPLE_NOW = "2026-12-01T00:00:00Z"
NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"


def build_sample(dest: Path) -> Path:
    site = copy_site("sample", dest / "site")
    assert main(["build", "--source", str(site), "--now", SAMPLE_NOW, "--quiet"]) == 0
    return site / "public"


def require(ok: bool, what: str) -> None:
    """Skip on a developer machine without the tool; fail in CI, where `.ci/run` must have installed it."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: .ci/run installs it (npm ci, Java)")
    pytest.skip(f"{what} is not installed (run `npm ci` and install Java); CI runs these tests")


def require_java_vnu() -> str:
    java = shutil.which("java")
    require(java is not None and VNU_JAR.is_file(), "the Nu Html Checker (Java + npm vnu-jar)")
    assert java is not None
    return java


def page_kinds(public: Path) -> dict[str, Path]:
    """One built page of every kind (the layout's `kind-*` body class), the first in path order, and the first
    pages with an embed and with footnotes (their markup is checked like any page's)."""
    kinds: dict[str, Path] = {}
    for path in sorted(public.rglob("*.html")):
        if path.relative_to(public).parts[0] == "pagefind":
            continue
        text = path.read_text(encoding="utf-8")
        start = text.find('<body class="kind-')
        if start < 0:
            continue
        kind = text[start + len('<body class="kind-'):].split('"', 1)[0].split()[0]
        kinds.setdefault(kind, path)
        if '<figure class="embed ' in text:
            kinds.setdefault("embed", path)
        if '<section class="footnotes">' in text:
            kinds.setdefault("footnotes", path)
    return kinds


def url_path(public: Path, file: Path) -> str:
    rel = file.relative_to(public).as_posix()
    return "/" + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
