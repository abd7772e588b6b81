"""The output folder never swallows anything: the real `beatgen build` (and `serve`) in a child process,
refusing every output that is, holds or lies inside what is not beatgen's, with the exact message, and
leaving every file of the tree as it was (content hashes of all of it, before and after)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import REPO, copy_site, write_story
from test_faults import namespace_prefix

NOW = "2026-06-01T00:00:00Z"
REASON = "and a build replaces what its output folder holds; build into a folder of its own, such as public/"


def beatgen(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "beatgen", *args]
    environ = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environ, check=False, timeout=120)


def build(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return beatgen(cwd, "build", "--source", "site", "--now", NOW, "--quiet", *args, env=env)


def snapshot(root: Path) -> dict[str, str]:
    """Every file, link and folder under `root`: a file by the hash of its bytes, a link by its target."""
    seen = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            seen[rel] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            seen[rel] = "folder"
        else:
            seen[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder holding the mini site (`site/`), where each command runs."""
    copy_site("mini", tmp_path / "site")
    return tmp_path


def refused(tree: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run a build that must be refused: exit 2, one line on stderr, nothing anywhere changed."""
    before = snapshot(tree)
    result = build(tree, *args, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
    assert snapshot(tree) == before
    return result.stderr.rstrip("\n")


@pytest.mark.parametrize(("output", "message"), [
    ("site/content", "it is the site's content folder (site/content)"),
    ("site/content/", "it is the site's content folder (site/content)"),
    ("site/layouts", "it is the site's layouts folder (site/layouts)"),
    ("site/static", "it is the site's static folder (site/static)"),
    ("site/content/../layouts", "it is the site's layouts folder (site/layouts)"),
    ("site/./static/css/..", "it is the site's static folder (site/static)"),
    ("site/content/stories/2026", "it lies inside the site's content folder (site/content)"),
    ("site/content/new-folder", "it lies inside the site's content folder (site/content)"),
    ("site/.beatgen-cache", "it is the build cache folder (site/.beatgen-cache)"),
    ("site/.beatgen-cache/public", "it lies inside the build cache folder (site/.beatgen-cache)"),
    ("site", "it is the site folder (site)"),
    ("site/", "it is the site folder (site)"),
    ("site/content/..", "it is the site folder (site)"),
    (".", "it holds the site folder (site)"),
])
def test_outputs_that_are_hold_or_lie_inside_the_site_sources_are_refused(tree: Path, output: str,
                                                                          message: str) -> None:
    shown = Path(output)  # as the command line's parser reads it: `site/content/` is `site/content`
    assert refused(tree, "--output", output) == f"error: cannot build into {shown}: {message}, {REASON}"


def test_a_link_into_the_sources_is_followed_to_what_it_names(tree: Path) -> None:
    (tree / "to-content").symlink_to("site/content")
    (tree / "to-stories").symlink_to(tree / "site" / "content" / "stories")
    assert refused(tree, "--output", "to-content") == (
        f"error: cannot build into to-content: it is the site's content folder (site/content), {REASON}")
    assert refused(tree, "--output", "to-stories/2026") == (
        f"error: cannot build into to-stories/2026: it lies inside the site's content folder (site/content), {REASON}")


def test_the_cache_folder_is_refused_wherever_it_is_configured(tree: Path) -> None:
    assert refused(tree, "--cache-dir", "ci-cache", "--output", "ci-cache/site") == (
        f"error: cannot build into ci-cache/site: it lies inside the build cache folder (ci-cache), {REASON}")
    assert refused(tree, "--cache-dir", "out/cache", "--output", "out") == (
        f"error: cannot build into out: it holds the build cache folder (out/cache), {REASON}")
    assert refused(tree, "--output", "env-cache", env={"BEATGEN_CACHE_DIR": str(tree / "env-cache")}) == (
        f"error: cannot build into env-cache: it is the build cache folder (env-cache), {REASON}")


def test_the_home_folder_and_the_root_are_refused(tree: Path) -> None:
    home = tree / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine\n")
    assert refused(tree, "--output", "home", env={"HOME": str(home)}) == (
        f"error: cannot build into home: it is your home folder (home), {REASON}")
    # Should the rule ever fail, this broken story stops the build before it writes anything.
    story = tree / "site" / "content" / "stories" / "2026" / "03" / "broken.md"
    story.write_text("---\ntitle: [\n---\n")
    assert refused(tree, "--output", "/") == (
        f"error: cannot build into /: it is the root of the file system (/), {REASON}")


def test_an_output_that_is_a_file_is_refused(tree: Path) -> None:
    (tree / "notes.txt").write_text("mine\n")
    assert refused(tree, "--output", "notes.txt") == (
        "error: cannot build into notes.txt: it is a file, not a folder; build into a folder of its own, "
        "such as public/")


def test_a_folder_beatgen_did_not_write_is_refused_unless_asked_to_replace_it(tree: Path) -> None:
    thesis = tree / "some" / "existing" / "folder" / "thesis.txt"
    thesis.parent.mkdir(parents=True)
    thesis.write_text("Three years of work.\n")
    assert refused(tree, "--output", "some/existing/folder") == (
        "error: cannot build into some/existing/folder: it holds files that beatgen did not write (such as "
        "some/existing/folder/thesis.txt), which a build would replace; build into a folder of its own, such as "
        "public/ (an empty or new one), or pass --replace-output to replace what it holds")
    (tree / "drafts" / "old").mkdir(parents=True)
    assert "(such as drafts/old/)" in refused(tree, "--output", "drafts")
    result = build(tree, "--output", "some/existing/folder", "--replace-output")
    assert result.returncode == 0, result.stderr
    assert not thesis.exists() and (thesis.parent / "index.html").is_file()


def test_an_empty_folder_is_built_into_and_marked(tree: Path) -> None:
    (tree / "empty").mkdir()
    assert build(tree, "--output", "empty").returncode == 0
    marker = (tree / "empty" / ".beatgen-files").read_text().splitlines()
    assert marker[0].startswith("# written by beatgen")
    written = sorted(p.relative_to(tree / "empty").as_posix() for p in (tree / "empty").rglob("*")
                     if p.is_file() and p.parts[len(tree.parts) + 1] != "pagefind" and p.name != ".beatgen-files")
    assert marker[1:] == sorted([*written, "pagefind/"])
    assert build(tree, "--output", "empty").returncode == 0


def test_files_dropped_into_a_built_output_are_carried_over_untouched(tree: Path) -> None:
    """A CNAME or a verification file beside the pages lives on through every kind of rebuild."""
    assert build(tree, "--no-search").returncode == 0
    public = tree / "site" / "public"
    cname, check = public / "CNAME", public / ".well-known" / "check.txt"
    cname.write_text("news.example\n")
    check.parent.mkdir()
    check.write_text("token\n")
    (public / "empty-folder").mkdir()
    identity = {path: os.stat(path).st_ino for path in (cname, check)}
    config = tree / "site" / "site.yaml"
    for round_, extra in enumerate([(), ("--no-cache",), ("--no-search",)]):
        config.write_text(config.read_text().replace("title: Mini Beat", f"title: Mini Beat {round_}", 1))
        alpha = tree / "site" / "content" / "stories" / "2026" / "03" / "alpha.md"
        alpha.write_text(alpha.read_text() + f"\nRound {round_}.\n")
        assert build(tree, *extra).returncode == 0
        assert f"Mini Beat {round_}" in (public / "index.html").read_text()
        assert {path: os.stat(path).st_ino for path in identity} == identity
        assert cname.read_text() == "news.example\n" and (public / "empty-folder").is_dir()
    (tree / "site" / "content" / "stories" / "2026" / "03" / "alpha.md").unlink()
    assert build(tree, "--no-search").returncode == 0
    assert not (public / "stories" / "2026" / "03" / "alpha").exists()
    assert cname.read_text() == "news.example\n" and check.read_text() == "token\n"


def test_a_page_that_would_replace_a_file_beatgen_did_not_write_is_refused(tree: Path) -> None:
    assert build(tree, "--no-search").returncode == 0
    mine = tree / "site" / "public" / "stories" / "2026" / "05" / "delta" / "index.html"
    mine.parent.mkdir(parents=True)
    mine.write_text("<p>my own page</p>\n")
    write_story(tree / "site", "delta", "2026-05-02")
    assert refused(tree, "--no-search") == (
        "error: cannot build into site/public: site/public/stories/2026/05/delta/index.html was not written by "
        "beatgen (it is not listed in site/public/.beatgen-files) and this build would replace it; move it out "
        "of the folder, or pass --replace-output to let the build replace it")
    assert build(tree, "--no-search", "--replace-output").returncode == 0
    assert "my own page" not in mine.read_text()


def test_a_folder_of_someone_else_where_the_spare_goes_is_left_alone(tree: Path) -> None:
    """Rebuilds keep the previous output beside the live one (`.public.spare`): a folder of that name that
    beatgen did not make is never emptied."""
    assert build(tree, "--no-search").returncode == 0
    spare = tree / "site" / ".public.spare"
    spare.mkdir()
    (spare / "mine.txt").write_text("mine\n")
    alpha = tree / "site" / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text() + "\nAn edit.\n")
    message = (f"error: cannot keep the previous output as .public.spare beside the output: {spare} holds something "
               "beatgen did not write; move it away")
    assert refused(tree, "--no-search") == message
    shutil.rmtree(tree / "site" / ".beatgen-cache")  # without the cache's record of it, the output is staged anew
    assert refused(tree, "--no-search") == message
    (spare / "mine.txt").unlink()
    assert build(tree, "--no-search").returncode == 0
    assert (spare / ".beatgen-files").is_file()


def test_a_failed_rebuild_leaves_no_spare_behind(tree: Path) -> None:
    """A command-line rebuild levels the spare from its start, before it knows whether it will succeed: one
    that fails on content leaves nothing beside the output that was not there, and the next rebuild that
    succeeds swaps in a spare exactly level with the output it replaced."""
    assert build(tree, "--no-search").returncode == 0
    alpha = tree / "site" / "content" / "stories" / "2026" / "03" / "alpha.md"
    text = alpha.read_text()
    alpha.write_text(text.replace("impact: ", "impact: 11 #", 1))
    before = snapshot(tree)
    failed = build(tree, "--no-search")
    assert failed.returncode == 1 and "impact must be an integer from 1 to 10, got 11" in failed.stderr
    assert snapshot(tree) == before
    alpha.write_text(text + "\nAn edit.\n")
    live = snapshot(tree / "site" / "public")
    assert build(tree, "--no-search").returncode == 0
    assert snapshot(tree / "site" / ".public.spare") == live
    assert "An edit." in (tree / "site" / "public" / "stories" / "2026" / "03" / "alpha" / "index.html").read_text()


def test_serve_refuses_a_private_folder_inside_the_sources(tree: Path) -> None:
    """`serve` builds into a temporary folder: one inside content/ (TMPDIR) is refused as `build` would."""
    before = snapshot(tree / "site")
    result = beatgen(tree, "serve", "--source", "site", "--port", "0", env={"TMPDIR": str(tree / "site" / "content")})
    assert result.returncode == 2, result.stdout + result.stderr
    assert re.fullmatch(r"error: cannot build into \S+/site/content/beatgen-serve-\w+/public: it lies inside the "
                        rf"site's content folder \(site/content\), {re.escape(REASON)}\n", result.stderr), result.stderr
    assert snapshot(tree / "site") == before


def test_another_name_for_the_content_folder_is_refused(tree: Path) -> None:
    """A bind mount gives the content folder a second name, as a case-insensitive file system gives it
    `Content`: folders are compared by identity, not by how their paths are spelt."""
    alias = tree / "alias"
    alias.mkdir()
    before = snapshot(tree)
    script = (f'mount --bind site/content alias && exec "{sys.executable}" -m beatgen build --source site --now {NOW} '
              "--quiet --output alias")
    result = subprocess.run([*namespace_prefix(), "sh", "-c", script], cwd=tree, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO / "src")}, check=False, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"error: cannot build into alias: it is the site's content folder (site/content), {REASON}\n")
    assert snapshot(tree) == before
