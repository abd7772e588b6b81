"""Helpers of the byte-identity tests: the real `beatgen` command in a child process, whole output trees
compared file by file, and the stored digest of the sample site's output.

A tree comparison names the first differing files with their first differing line, so that a failure says
where the output moved, not only that it did.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-12-01T00:00:00Z"
INPUTS = ("content", "data", "layouts", "static", "site.yaml")
"""What a site is made from; the output, the cache and the spare folder beside them are not copied."""
MANIFEST = REPO / "tests" / "fixtures" / "identity" / "sample.sha256"
SHOWN = 5
"""How many differing files a failure describes (the rest are counted)."""


def run_beatgen(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`beatgen` in a child process, with the fixed clock, in an environment that points at no shared cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("BEATGEN_CACHE_DIR", "SOURCE_DATE_EPOCH")}
    return subprocess.run([sys.executable, "-m", "beatgen", *map(str, args), "--now", NOW, "--quiet"],
                          capture_output=True, text=True, env=env, timeout=900, check=False)


def clean_build(site: Path, output: Path) -> Path:
    """The reference: one process, no cache, nothing reused."""
    result = run_beatgen("build", "--source", site, "--output", output, "--jobs", "1", "--no-cache")
    assert result.returncode == 0, f"clean build of {site} failed:\n{result.stderr}"
    return output


def copy_inputs(site: Path, dest: Path) -> Path:
    for part in INPUTS:
        source = site / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        elif source.is_file():
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / part)
    return dest


def digests(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones too) → the SHA-256 of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def differences(built: Path, clean: Path, left: dict[str, str] | None = None) -> str:
    """'' when both trees hold the same files with the same bytes; else what differs, readably (`left`: the
    digests of `built` when they are known)."""
    left, right = digests(built) if left is None else left, digests(clean)
    lines = _listing(f"only in the build ({built})", sorted(left.keys() - right.keys()))
    lines += _listing(f"only in the clean build ({clean})", sorted(right.keys() - left.keys()))
    changed = sorted(rel for rel in left.keys() & right.keys() if left[rel] != right[rel])
    lines += [f"{rel}: {first_difference((built / rel).read_bytes(), (clean / rel).read_bytes())}"
              for rel in changed[:SHOWN]]
    if len(changed) > SHOWN:
        lines.append(f"... and {len(changed) - SHOWN} more differing files")
    return "\n".join(lines)


def manifest_differences(found: dict[str, str], stored: dict[str, str]) -> str:
    """'' when a build's digests are the stored ones; else which paths were added, went or changed."""
    lines = _listing("not in the stored manifest", sorted(found.keys() - stored.keys()))
    lines += _listing("in the stored manifest but not built", sorted(stored.keys() - found.keys()))
    lines += _listing("changed", sorted(rel for rel in found.keys() & stored.keys() if found[rel] != stored[rel]))
    return "\n".join(lines)


def _listing(title: str, paths: list[str]) -> list[str]:
    if not paths:
        return []
    more = f", ... ({len(paths)} in all)" if len(paths) > SHOWN else ""
    return [f"{title}: {', '.join(paths[:SHOWN])}{more}"]


def first_difference(built: bytes, clean: bytes) -> str:
    """The first line that differs (gzip'd files are opened first); a byte offset for what is not text."""
    built, clean = _opened(built), _opened(clean)
    try:
        left, right = built.decode("utf-8").splitlines(), clean.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        offset = next((i for i, (a, b) in enumerate(zip(built, clean, strict=False)) if a != b),
                      min(len(built), len(clean)))
        return f"binary, {len(built)} bytes against {len(clean)}, first differing byte at {offset}"
    number = next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b), min(len(left), len(right)))
    return (f"line {number + 1} differs\n  build: {_around(left, right, number)}\n"
            f"  clean: {_around(right, left, number)}")


def _opened(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _around(lines: list[str], other: list[str], number: int) -> str:
    """The line from a little before the column where it parts from the other, cut to a readable length."""
    if number >= len(lines):
        return "(no such line)"
    line, twin = lines[number], other[number] if number < len(other) else ""
    column = next((i for i, (a, b) in enumerate(zip(line, twin, strict=False)) if a != b), min(len(line), len(twin)))
    start = max(0, column - 60)
    return ("..." if start else "") + repr(line[start:start + 160])[1:-1]


def read_manifest(path: Path = MANIFEST) -> dict[str, str]:
    """`sha256sum` lines (digest, two spaces, path) → path → digest."""
    return {rel: digest for digest, rel in (line.split("  ", 1) for line in path.read_text().splitlines())}


def manifest_text(found: dict[str, str]) -> str:
    return "".join(f"{digest}  {rel}\n" for rel, digest in sorted(found.items()))
