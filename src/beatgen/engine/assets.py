"""Static files under content-hashed names, so hosting can cache them forever."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def collect_assets(static_dir: Path) -> dict[str, tuple[str, bytes]]:
    """`css/site.css` → (`static/css/site.3f2a9c1b.css`, bytes) for every file under static/."""
    assets: dict[str, tuple[str, bytes]] = {}
    if not static_dir.is_dir():
        return assets
    for folder, dirnames, filenames in os.walk(static_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            data = path.read_bytes()
            rel = path.relative_to(static_dir).as_posix()
            stem, dot, ext = rel.rpartition(".")
            digest = hashlib.blake2b(data, digest_size=5).hexdigest()
            hashed = f"{stem}.{digest}.{ext}" if dot else f"{rel}.{digest}"
            assets[rel] = (f"static/{hashed}", data)
    return assets
