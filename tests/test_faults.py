"""Faults while writing the output: a read-only or full file system, a build killed with SIGKILL, and two
builds of one output at once. Each runs the real command in a child process; the previous output must stay
exactly as it was and the next build must succeed."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit import REPO, copy_site, tree_bytes

NOW = "2026-06-01T00:00:00Z"
STORY = """---
title: "Generated story {n}"
date: 2026-01-{day:02d}T{hour:02d}:00:00Z
takeaways: ["Point {n}."]
impact: {impact}
sentiment: neutral
affected: [Entity {entity}]
topics: [topic-{topic}]
sources:
  - outlet: wire.example
    title: "Source {n}"
    url: https://wire.example/{n}
---

{body}
"""


def big_site(dest: Path, stories: int) -> Path:
    """The mini site plus generated stories, so that a build writes for a few seconds."""
    site = copy_site("mini", dest)
    folder = site / "content" / "stories" / "2026" / "01"
    folder.mkdir(parents=True)
    paragraph = "A paragraph of analysis about air and missile defense procurement. " * 12
    for n in range(stories):
        (folder / f"generated-{n}.md").write_text(STORY.format(
            n=n, day=n % 28 + 1, hour=n % 24, impact=n % 10 + 1, entity=n % 7, topic=n % 5,
            body="\n\n".join([paragraph] * 6)))
    return site


def build_command(site: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--now", NOW, "--quiet", *extra]


def run_build(site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(build_command(site, *extra), capture_output=True, text=True, cwd=REPO, check=False)


def leftovers(site: Path) -> list[str]:
    """What a build left beside its output besides the lock and the spare that rebuilds swap in."""
    return sorted(p.name for p in site.iterdir()
                  if p.name.startswith(".public") and p.name not in (".public.lock", ".public.spare"))


def staged_files(site: Path) -> int:
    return sum(len(files) for folder in site.glob(".public.staging-*") for _, _, files in os.walk(folder))


def survivors(site: Path) -> list[int]:
    """Processes still building `site` (forked workers carry their parent's command line)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(site).encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def kill_when(process: subprocess.Popen[str], ready: callable, timeout: float = 120) -> None:  # type: ignore[valid-type]
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the build finished before it could be killed; make the site larger"
        assert time.monotonic() < deadline, "the build never reached the point to kill it at"
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(0.2)
    assert survivors(site_of(process)) == [], "a worker outlived the killed build and may still be writing"


def site_of(process: subprocess.Popen[str]) -> Path:
    return Path(process.args[process.args.index("--source") + 1])  # type: ignore[union-attr, index]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = big_site(tmp_path_factory.mktemp("big") / "site", 300)
    result = run_build(site, "--no-cache")
    assert result.returncode == 0, result.stderr
    return site


def test_build_killed_while_staging_leaves_the_output_intact(big: Path, tmp_path: Path) -> None:
    site = Path(shutil.copytree(big, tmp_path / "site", symlinks=True))
    before = tree_bytes(site / "public")
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("title: Mini Beat", "title: Mini Beat Renamed"))
    process = subprocess.Popen(build_command(site, "--no-cache"), cwd=REPO, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(process, lambda: staged_files(site) > 50)
    assert process.returncode == -signal.SIGKILL
    assert tree_bytes(site / "public") == before
    result = run_build(site, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert leftovers(site) == []
    assert "Mini Beat Renamed" in (site / "public" / "index.html").read_text(encoding="utf-8")


def test_build_killed_while_updating_in_place_leaves_no_partial_output(big: Path, tmp_path: Path) -> None:
    """A rebuild with the persistent cache updates a known output in place; a kill must not leave temporary
    files in the published folder or half of the pages changed."""
    site = Path(shutil.copytree(big, tmp_path / "site", symlinks=True))
    assert run_build(site).returncode == 0
    before = tree_bytes(site / "public")
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("title: Mini Beat", "title: Mini Beat Renamed"))
    process = subprocess.Popen(build_command(site), cwd=REPO, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(process, lambda: staged_files(site) > 50)
    after = tree_bytes(site / "public")
    assert sorted(after) == sorted(before), sorted(set(after) ^ set(before))[:5]
    assert after == before
    result = run_build(site)
    assert result.returncode == 0, result.stderr
    assert leftovers(site) == []


def test_concurrent_builds_wait_for_the_lock(big: Path, tmp_path: Path) -> None:
    """Holding the output's lock (as a running build does) keeps a second build from writing anything."""
    site = Path(shutil.copytree(big, tmp_path / "site", symlinks=True))
    before = tree_bytes(site / "public")
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("title: Mini Beat", "title: Mini Beat Renamed"))
    lock = os.open(site / ".public.lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = subprocess.Popen(build_command(site, "--no-cache"), cwd=REPO, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(3)
        assert process.poll() is None, process.communicate()
        assert leftovers(site) == [] and tree_bytes(site / "public") == before
    finally:
        os.close(lock)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "Mini Beat Renamed" in (site / "public" / "index.html").read_text(encoding="utf-8")


def test_two_builds_at_once_give_one_whole_output(big: Path, tmp_path: Path) -> None:
    site = Path(shutil.copytree(big, tmp_path / "site", symlinks=True))
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("title: Mini Beat", "title: Mini Beat Renamed"))
    builds = [subprocess.Popen(build_command(site, "--no-cache"), cwd=REPO, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE) for _ in range(2)]
    for process in builds:
        _, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
    assert leftovers(site) == []
    assert run_build(site, "--no-cache", "--output", str(tmp_path / "alone")).returncode == 0
    assert tree_bytes(site / "public") == tree_bytes(tmp_path / "alone")


def namespace_prefix() -> list[str]:
    """A command prefix giving the child its own mount namespace (as root, or as a mapped user)."""
    for prefix in (["unshare", "--mount", "--propagation", "private"], ["unshare", "--user", "--map-root-user",
                                                                         "--mount"]):
        if shutil.which("unshare") and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    if os.environ.get("CI"):
        pytest.fail("mount namespaces are unavailable: the fault tests need `unshare` (util-linux) and privileges")
    pytest.skip("mount namespaces are unavailable here (unshare); CI runs these tests")


def run_scenario(name: str, site: Path, tmp_path: Path) -> dict:
    point, report = tmp_path / "mnt", tmp_path / "report.json"
    point.mkdir()
    command = [*namespace_prefix(), sys.executable, str(REPO / "tests" / "faultkit.py"), name, str(site),
               str(point), str(report)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(report.read_text())


def test_read_only_output_folder(mini_site: Path, tmp_path: Path) -> None:
    seen = run_scenario("read-only", mini_site, tmp_path)
    assert seen["first"]["code"] == 0, seen
    assert seen["refused"]["code"] == 1 and "Traceback" not in seen["refused"]["err"]
    assert seen["refused"]["err"].startswith("error: cannot write beside "), seen["refused"]["err"]
    assert "public: the file system is read-only; build into a writable folder (--output)" in seen["refused"]["err"]
    assert seen["intact"] and seen["again"]["code"] == 0, seen
    assert seen["left"] == [".public.lock", "public"]


def test_disk_full(tmp_path: Path) -> None:
    site = big_site(tmp_path / "site", 60)
    seen = run_scenario("disk-full", site, tmp_path)
    assert seen["first"]["code"] == 0, seen
    assert seen["refused"]["code"] == 1 and "Traceback" not in seen["refused"]["err"]
    assert seen["refused"]["err"].startswith("error: the disk is full while writing "), seen["refused"]["err"]
    assert "free space and build again (the previous output is intact)" in seen["refused"]["err"]
    assert seen["intact"] and seen["again"]["code"] == 0 and seen["renamed"], seen
    assert seen["left"] == [".public.lock", "public"]
