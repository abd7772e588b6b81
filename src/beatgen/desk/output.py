"""The board as text (a terminal: each item's `file:line:col` opens in an editor), JSON, or a private HTML
page, which `--html DIR` writes beside the site (never into its sources or its published output) and
`serve` shows at /__beatgen/desk."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, select_autoescape

from beatgen.config import SiteConfig
from beatgen.desk.board import Board

GENERATOR = '<meta name="generator" content="beatgen desk">'
"""Marks a page written by `beatgen desk --html`: only such a file is ever replaced."""
SOURCES = ("content", "layouts", "static", "data")


class DeskError(Exception):
    """The page cannot be written there: the message says why and where to write it instead."""


def as_text(board: Board) -> str:
    lines = [f"The desk at {board.now.isoformat()}"]
    for section in board.sections:
        lines += ["", f"{section.title} ({len(section.items)})"]
        lines += [f"  {i.file}:{i.line}:{i.column}: {i.title} · {i.when} · {i.note}" for i in section.items]
        if not section.items:
            lines.append("  none")
    if board.unread:
        lines += ["", f"Not on the board, as they fail `beatgen check`: {', '.join(board.unread)}"]
    return "\n".join(lines)


def as_json(board: Board) -> str:
    sections = [{"name": s.name, "title": s.title, "items": [asdict(item) for item in s.items]}
                for s in board.sections]
    return json.dumps({"now": board.now.isoformat(), "sections": sections, "unread": list(board.unread)},
                      indent=2, ensure_ascii=False)


def as_html(board: Board, config: SiteConfig, base_path: str = "") -> str:
    """The page; with `base_path` (under `serve`) each story links to its preview."""
    env = Environment(autoescape=select_autoescape(default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(files("beatgen.desk").joinpath("board.html").read_text(encoding="utf-8"))
    return template.render(board=board, site_title=config.title, language=config.language, base_path=base_path,
                           generator=GENERATOR)


def write_html(html: str, folder: Path, site_dir: Path) -> Path:
    """Write `folder/index.html`, refusing a folder inside the site's sources or output, or a file there
    that this command did not write; the page goes in whole (a temporary file, then a rename)."""
    _guard(folder, site_dir)
    target = folder / "index.html"
    if target.exists() and GENERATOR not in target.read_text(encoding="utf-8", errors="replace")[:2000]:
        raise DeskError(f"{target} exists and was not written by `beatgen desk`; it was left as it is: choose "
                        "another folder")
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".index.html.{os.getpid()}.new"
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, target)
    return target


def _guard(folder: Path, site_dir: Path) -> None:
    place, site = folder.resolve(), site_dir.resolve()
    if place == site or any(place.is_relative_to(site / part) for part in (*SOURCES, "public", "preview")):
        raise DeskError(f"{folder} is the site's folder, or inside its sources or its output, where a private "
                        "page could be published or committed; write it elsewhere, e.g. --html ../desk")
    if place.exists() and not place.is_dir():
        raise DeskError(f"{folder} is a file, not a folder; choose a folder for the page")
