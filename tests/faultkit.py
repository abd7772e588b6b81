"""File-system faults for the real `beatgen build`, run inside a private mount namespace.

`python tests/faultkit.py SCENARIO SITE MOUNTPOINT REPORT` is started by tests/test_faults.py under
`unshare`: it mounts a small tmpfs at MOUNTPOINT (visible to this process only), builds into it, makes
the fault real (remount read-only, or fill the disk), builds again, lifts the fault, builds a third time,
and writes what it saw to REPORT as JSON. Running as root, file modes stop nothing: a read-only mount
and a full tmpfs are the real conditions a build meets.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

NOW = "2026-06-01T00:00:00Z"


def build(site: Path, output: Path) -> dict[str, object]:
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--output", str(output),
               "--now", NOW, "--no-cache", "--quiet", "--jobs", "1"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return {"code": result.returncode, "err": result.stderr}


def manifest(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def mount(point: Path, options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], check=True)


def remount(point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(point)], check=True)


def read_only(site: Path, point: Path) -> dict[str, object]:
    mount(point, "size=64m")
    output = point / "public"
    first = build(site, output)
    before = manifest(output)
    remount(point, "ro")
    refused = build(site, output)
    after = manifest(output)
    remount(point, "rw")
    again = build(site, output)
    return {"first": first, "refused": refused, "intact": before == after and bool(before), "again": again,
            "left": sorted(p.name for p in point.iterdir())}


def disk_full(site: Path, point: Path) -> dict[str, object]:
    mount(point, "size=64m")
    output = point / "public"
    first = build(site, output)
    before = manifest(output)
    stat = os.statvfs(point)
    used = (stat.f_blocks - stat.f_bfree) * stat.f_frsize
    remount(point, f"size={used + used // 3}")
    config = site / "site.yaml"
    original = config.read_text()
    config.write_text(original.replace("title: Mini Beat", "title: Mini Beat Renamed"))  # every page changes
    refused = build(site, output)
    after = manifest(output)
    remount(point, "size=64m")
    again = build(site, output)
    renamed = "Mini Beat Renamed" in (output / "index.html").read_text(encoding="utf-8")
    config.write_text(original)
    return {"first": first, "refused": refused, "intact": before == after and bool(before), "again": again,
            "renamed": renamed, "left": sorted(p.name for p in point.iterdir())}


SCENARIOS = {"read-only": read_only, "disk-full": disk_full}

if __name__ == "__main__":
    scenario, site_dir, mountpoint, report = sys.argv[1:5]
    outcome = SCENARIOS[scenario](Path(site_dir), Path(mountpoint))
    Path(report).write_text(json.dumps(outcome, indent=2))
