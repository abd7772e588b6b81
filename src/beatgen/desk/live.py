"""The board as `serve` shows it at /__beatgen/desk: read afresh on each request, re-reading only the files
changed since the last one, and never written into the output folder."""

from __future__ import annotations

import html
import threading
from pathlib import Path

from beatgen.content.sitedata import load_site_config
from beatgen.desk.board import read_board
from beatgen.desk.output import as_html
from beatgen.diagnostics import BuildError
from beatgen.engine.clock import resolve_now
from beatgen.engine.state import BuildState


class LiveBoard:
    def __init__(self, site_dir: Path, now: str | None, base_path: str = "/") -> None:
        self.site_dir = site_dir
        self.now = now
        self.base_path = base_path
        self.state = BuildState()
        self.lock = threading.Lock()

    def page(self) -> bytes:
        """The board's page; a broken site.yaml shows its errors instead."""
        with self.lock:
            try:
                config = load_site_config(self.site_dir)
                board = read_board(self.site_dir, resolve_now(self.now)[0], self.state, jobs=1)
            except BuildError as exc:
                problems = "\n".join(html.escape(d.text()) for d in exc.diagnostics)
                return (f"<!DOCTYPE html><html lang=en><title>The desk</title><h1>The desk</h1>"
                        f"<pre>{problems}</pre></html>").encode()
        return as_html(board, config, self.base_path).encode()
