"""Shared fixtures: real sites copied to a temporary folder, built with the real command."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from beatgen.cli import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_site(name: str, dest: Path) -> Path:
    """A fixture site (content + site.yaml) with the project's real layouts and static files."""
    if name == "sample":
        for part in ("content", "layouts", "static"):
            shutil.copytree(REPO / part, dest / part)
        shutil.copy(REPO / "site.yaml", dest / "site.yaml")
        return dest
    shutil.copytree(FIXTURES / "sites" / name, dest, dirs_exist_ok=True)
    for part in ("layouts", "static"):
        if not (dest / part).exists():
            shutil.copytree(REPO / part, dest / part)
    return dest


@pytest.fixture
def mini_site(tmp_path: Path) -> Path:
    return copy_site("mini", tmp_path / "site")


class Run:
    """The result of one in-process `beatgen` call."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def beatgen(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def built_mini(mini_site: Path, beatgen: Callable[..., Run]) -> Path:
    result = beatgen("build", "--source", mini_site, "--now", "2026-06-01T00:00:00Z")
    assert result.code == 0, result.err
    return mini_site / "public"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
