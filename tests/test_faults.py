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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitekit import REPO, copy_site, declare_topics, tree_bytes

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
    declare_topics(site, *(f"topic-{n}" for n in range(5)))
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


def rename_site(site: Path) -> None:
    """An edit that changes every page, so that a rebuild renames hundreds of files."""
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("title: Mini Beat", "title: Mini Beat Renamed"))


@dataclass(frozen=True)
class Versions:
    """A site built with the persistent cache, so that the next build at the same place updates its output in
    place; the build's options; and its output before and after `rename_site` (from a clean build elsewhere)."""

    site: Path
    pristine: Path
    extra: tuple[str, ...]
    old: dict[str, bytes]
    new: dict[str, bytes]

    def renamed(self) -> Path:
        """The site as built, back at its place (where its cache knows the output), with the edit made."""
        shutil.rmtree(self.site)
        shutil.copytree(self.pristine, self.site, symlinks=True)
        rename_site(self.site)
        return self.site


def _versions(folder: Path, extra: tuple[str, ...]) -> Versions:
    site = big_site(folder / "site", 120)
    assert run_build(site, *extra).returncode == 0
    pristine = Path(shutil.copytree(site, folder / "pristine", symlinks=True))
    edited = Path(shutil.copytree(site, folder / "edited", symlinks=True))
    rename_site(edited)
    assert run_build(edited, *extra, "--no-cache", "--output", str(folder / "alone")).returncode == 0
    return Versions(site, pristine, extra, tree_bytes(site / "public"), tree_bytes(folder / "alone"))


@pytest.fixture(scope="module")
def pages_only(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    return _versions(tmp_path_factory.mktemp("pages-only"), ("--no-search",))


@pytest.fixture(scope="module")
def with_search(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    return _versions(tmp_path_factory.mktemp("with-search"), ())


def _rendering(site: Path) -> Callable[[], bool]:
    return lambda: staged_files(site) > 20


def _indexing(site: Path) -> Callable[[], bool]:
    return lambda: any((site / ".public.spare").glob(".pagefind-new-*"))


def _after(share: float) -> Callable[[Path], Callable[[], bool]]:
    def point(site: Path) -> Callable[[], bool]:
        started = time.monotonic()
        return lambda: time.monotonic() - started > share * REBUILD_SECONDS

    return point


REBUILD_SECONDS = 3.0
"""About how long the rebuild below takes on a loaded 2-core machine; timed kills are spread over it."""
KILL_POINTS = {"rendering": _rendering, "indexing the spare": _indexing,
               **{f"at {share:.0%} of the rebuild": _after(share) for share in (0.3, 0.6, 0.9)}}


def killed(process: subprocess.Popen[str], site: Path, ready: Callable[[], bool],
           tracer: subprocess.Popen[str] | None = None) -> None:
    """SIGKILL the build once `ready()` (or once it ended), and see that none of its workers lives on. A
    tracer holding it goes too: the build cannot be reaped while its tracer still holds it."""
    deadline = time.monotonic() + 120
    while process.poll() is None and not ready():
        assert time.monotonic() < deadline, "the rebuild never reached the point to kill it at"
        time.sleep(0.002)
    process.kill()
    if tracer is not None:
        tracer.kill()
        tracer.wait()
    process.wait()
    deadline = time.monotonic() + 2
    while survivors(site) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert survivors(site) == [], "a worker outlived the killed build and may still be writing"


def recovers(site: Path, extra: tuple[str, ...], new: dict[str, bytes]) -> None:
    result = run_build(site, *extra)
    assert result.returncode == 0, result.stderr
    assert tree_bytes(site / "public") == new and leftovers(site) == []


@pytest.mark.parametrize(("kind", "point"), [
    *(("pages_only", point) for point in KILL_POINTS if point != "indexing the spare"),
    *(("with_search", point) for point in ("indexing the spare", "at 60% of the rebuild")),
])
def test_a_rebuild_killed_at_any_instant_leaves_the_old_or_the_new_output(
        kind: str, point: str, request: pytest.FixtureRequest) -> None:
    """A rebuild of a known output goes live by one atomic exchange of folders: killed while it renders, while
    it indexes the spare or at a time sampled over its run, the output is exactly the old one or exactly the
    new one, and the next build recovers."""
    versions: Versions = request.getfixturevalue(kind)
    site, extra, old, new = versions.renamed(), versions.extra, versions.old, versions.new
    process = subprocess.Popen(build_command(site, *extra), cwd=REPO, text=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    killed(process, site, KILL_POINTS[point](site))
    after = tree_bytes(site / "public")
    assert after in (old, new), sorted(rel for rel in after if after[rel] != old.get(rel, after[rel]))[:5]
    recovers(site, extra, new)


def strace() -> str:
    found = shutil.which("strace")
    if found is None and os.environ.get("CI"):
        pytest.fail("strace is missing: the tests that stop a build at one system call need it")
    if found is None:
        pytest.skip("strace is missing here (apt-get install strace); CI runs these tests")
    return found


RENAMES = "?rename,?renameat,renameat2"


def stalled(process: subprocess.Popen[str], injection: str, *options: str) -> subprocess.Popen[str]:
    """strace attached to a running beatgen, holding one of its renames (`injection`, e.g. for a minute): a
    window in which to kill it, or to look at it, at exactly that point."""
    tracer = subprocess.Popen([strace(), "-o", os.devnull, *options, "-p", str(process.pid), "-e",
                               f"trace={RENAMES}", "-e", f"inject={injection}"], stderr=subprocess.PIPE, text=True)
    assert tracer.stderr is not None
    assert "attached" in tracer.stderr.readline()
    return tracer


def written(site: Path, new: dict[str, bytes], changed: list[str]) -> int:
    """How many changed files hold their new bytes at their final name, in the output or in its spare."""
    def holds(path: Path, rel: str) -> bool:
        try:
            return path.read_bytes() == new[rel]
        except OSError:
            return False

    return sum(holds(site / "public" / rel, rel) or holds(site / ".public.spare" / rel, rel) for rel in changed)


def steady(check: Callable[[], bool]) -> Callable[[], bool]:
    """True when `check` holds twice, a fifth of a second apart: the build is held where it makes it true."""
    return lambda: check() and time.sleep(0.2) is None and check()


MINUTE = 60_000_000
"""A minute, in the microseconds of strace's delays."""


@pytest.mark.parametrize("point", ["halfway through the renames", "just before the exchange",
                                   "just after the exchange"])
def test_a_rebuild_killed_during_its_swap_leaves_the_old_or_the_new_output(
        pages_only: Versions, point: str) -> None:
    """strace holds the rebuild at one system call: the rename after half of the changed files took their
    final names (in the spare: the output is still the old one), the exchange about to happen, or the
    exchange just done. Killed there, the output is the old one (before the exchange) or the new one (after
    it), never a mix; the next build recovers."""
    site, extra, old, new = pages_only.renamed(), pages_only.extra, pages_only.old, pages_only.new
    changed = [rel for rel in new if old.get(rel) != new[rel]]
    half, inode = len(changed) // 2, (site / "public").stat().st_ino
    injection, ready, expected = {
        "halfway through the renames": (f"{RENAMES}:delay_enter={MINUTE}:when={half + 1}",
                                        lambda: written(site, new, changed) == half, old),
        "just before the exchange": (f"renameat2:delay_enter={MINUTE}:when=1",
                                     lambda: written(site, new, changed) == len(changed), old),
        "just after the exchange": (f"renameat2:delay_exit={MINUTE}:when=1",
                                    lambda: (site / "public").stat().st_ino != inode, new),
    }[point]
    process = subprocess.Popen(build_command(site, *extra), cwd=REPO, text=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    killed(process, site, steady(ready), stalled(process, injection))
    assert process.returncode == -signal.SIGKILL
    assert tree_bytes(site / "public") == expected
    recovers(site, extra, new)


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
