"""Debian's Chromium as the browser tests and the benchmark launch it: never a browser a tool downloads."""

from __future__ import annotations

import os
import shutil

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]


def chromium_path() -> str | None:
    return os.environ.get("BEATGEN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
