"""Helpers shared by the tests: copy a real site, parse its output."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

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


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Run:
    """The result of one in-process `beatgen` call."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err
