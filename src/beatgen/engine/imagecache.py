"""Encoded pictures kept between builds: `images/` in the build cache folder, one file per variant, named
by the variant's key (the source's digest and the encoding settings) and the CRC-32 of its bytes.

A rebuild reads an unchanged picture's variants from here instead of encoding them again; a file whose
bytes no longer match its CRC is ignored and encoded anew. The folder holds only what the last build used.
"""

from __future__ import annotations

import contextlib
import os
import re
import zlib
from pathlib import Path

from beatgen.content.pictures import Variant

_NAME = re.compile(r"^([0-9a-f]{32})\.([0-9a-f]{8})\.[a-z]+$")
"""Only files of this shape are the cache's own: nothing else in the folder is read or removed."""


class ImageCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.files: dict[str, str] = {}
        if folder is not None and folder.is_dir():
            self.files = {match[1]: name for name in os.listdir(folder) if (match := _NAME.match(name))}

    def get(self, variant: Variant) -> bytes | None:
        name = self.files.get(variant.key)
        if self.folder is None or name is None:
            return None
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        return data if f"{zlib.crc32(data):08x}" == name.split(".")[1] else None

    def put(self, variant: Variant, data: bytes) -> None:
        """Store a variant; a cache that cannot be written is skipped (the build does not need it)."""
        if self.folder is None:
            return
        name = f"{variant.key}.{zlib.crc32(data):08x}.{variant.path.rsplit('.', 1)[-1]}"
        temp = self.folder / f".{name}.tmp"
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(data)
            os.replace(temp, self.folder / name)
            old = self.files.get(variant.key)
            if old and old != name:
                os.remove(self.folder / old)
            self.files[variant.key] = name

    def keep_only(self, keys: set[str]) -> None:
        """Forget the variants this build did not use, so the folder follows the site."""
        for key, name in list(self.files.items()):
            if key not in keys and self.folder is not None:
                with contextlib.suppress(OSError):
                    os.remove(self.folder / name)
                del self.files[key]
