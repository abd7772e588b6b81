"""Whole builds: determinism, safety, path prefixes, configuration errors and the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sitekit import REPO, Run, copy_site, soup, tree_bytes

NOW = "2026-06-01T00:00:00Z"


def test_same_input_gives_byte_identical_output(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--output", mini_site / "one").code == 0
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--output", mini_site / "two").code == 0
    assert tree_bytes(mini_site / "one") == tree_bytes(mini_site / "two")


def test_unchanged_files_are_not_rewritten(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    beatgen("build", "--source", mini_site, "--now", NOW)
    page = mini_site / "public" / "about" / "index.html"
    before = page.stat()
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("on schedule at", "as planned at"))
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0 and "unchanged" in result.out
    after = page.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "as planned" in (mini_site / "public" / "stories" / "2026" / "02" / "beta" / "index.html").read_text()


def test_content_cannot_inject_markup_or_scripts(built_mini: Path) -> None:
    page = built_mini / "stories" / "2026" / "03" / "escape" / "index.html"
    parsed = soup(page)
    assert not parsed.find_all(["img", "iframe"])
    [ld] = parsed.find_all("script")
    assert ld["type"] == "application/ld+json" and "<" not in ld.string and json.loads(ld.string)
    urls = [value for tag in parsed.find_all(True) for name, value in tag.attrs.items() if name in ("href", "src")]
    assert not [u for u in urls if u.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
    assert parsed.h1.get_text() == "Escaping <script>alert('title')</script> test"
    assert "<script>alert('s')</script>" in parsed.select_one("#sources").get_text()
    assert not parsed.select("#analysis a")
    for path in built_mini.rglob("*.html"):
        if path.parent.name == "pagefind":
            continue
        text = path.read_text(encoding="utf-8")
        scripts = soup(path).find_all("script")
        assert text.count("<script") == len(scripts), path
        for script in scripts:
            search_js = path.parent.name == "search" and script.get("src", "").startswith("/static/js/search.")
            assert search_js or (script["type"] == "application/ld+json" and "<" not in script.string), path


def test_path_prefix_applies_to_every_internal_url(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("build", "--source", mini_site, "--now", NOW, "--base-url", "https://example.org/beat/")
    assert result.code == 0
    for path in (mini_site / "public").rglob("*.html"):
        page = soup(path)
        for tag, attr in (("a", "href"), ("link", "href")):
            for element in page.find_all(tag):
                url = element[attr]
                if url.startswith(("http://", "https://", "mailto:", "#")):
                    assert not url.startswith("https://example.org/") or url.startswith("https://example.org/beat/")
                    continue
                assert url.startswith("/beat/"), f"{path}: {url}"
                target = mini_site / "public" / url.removeprefix("/beat/").split("#")[0]
                assert target.exists() or (target / "index.html").exists(), f"{path}: {url}"


def test_config_errors_exit_2_with_suggestion(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    config = mini_site / "site.yaml"
    config.write_text(config.read_text() + "per_pgae: 5\n")
    result = beatgen("build", "--source", mini_site)
    assert result.code == 2
    expected = "site.yaml:9:1: error: unknown site.yaml key 'per_pgae'; did you mean 'per_page'? [unknown-key]"
    assert expected in result.err
    config.write_text(config.read_text().replace("per_pgae: 5\n", "").replace("per_page: 2", "per_page: many"))
    result = beatgen("build", "--source", mini_site)
    assert result.code == 2
    assert "site.yaml:6:11: error: per_page must be an integer from 1 to 200, got \"many\" (text)" in result.err


def test_template_error_names_template_and_line(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    layout = mini_site / "layouts" / "404.html"
    layout.write_text(layout.read_text().replace("<h1>Page not found</h1>", "<h1>{{ missing_variable }}</h1>"))
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert ("layouts/404.html:3:8: error: template error: 'missing_variable' is undefined (on /404.html) "
            "[template-error]") in result.err.splitlines()
    layout.write_text("{% extends 'base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n")
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1 and "layouts/404.html:3:1: error: template syntax error:" in result.err


def test_sample_site_builds_with_the_installed_command(tmp_path: Path) -> None:
    site = copy_site("sample", tmp_path / "sample")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--output", str(tmp_path / "out")]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ") and "stories" in result.stdout
    stories = list((tmp_path / "out" / "stories").rglob("index.html"))
    assert len(stories) >= 30
    check = subprocess.run([sys.executable, "-m", "beatgen", "check", "--source", str(site)],
                           capture_output=True, text=True, env=env, check=False)
    assert check.returncode == 0, check.stderr


def test_the_command_exits_without_losing_what_it_wrote(mini_site: Path) -> None:
    """`beatgen` ends without freeing its heap (`cli.run`): its output, its cache and its report are whole."""
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(mini_site), "--now", NOW, "--no-search"]
    first = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Built ") and first.stdout.endswith("build again then to publish it\n")
    again = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert again.returncode == 0 and "(no file changed)" in again.stderr + again.stdout, again.stderr
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("on schedule at", "as planned at"))
    edited = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert edited.returncode == 0 and "unchanged" in edited.stdout, edited.stderr
    # every connection to the cache closed (its last close folds the write-ahead log back into the file)
    assert sorted(path.name for path in (mini_site / ".beatgen-cache").iterdir()) == ["build.sqlite"]
    beta.write_text("---\ntitle: Beta\n---\n")
    failed = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    assert failed.returncode == 1
    assert failed.stderr.endswith("build failed: nothing was published; the previous output is unchanged\n")


def test_a_reader_that_stops_reading_gets_no_traceback(mini_site: Path) -> None:
    """`beatgen build | head -1`: the pipe closes before the report is written."""
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(mini_site), "--now", NOW, "--no-search"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=120) == 1
    assert "Traceback" not in errors and "Error" not in errors, errors
    assert (mini_site / "public" / "index.html").is_file()


def test_no_search_skips_the_index_only(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    result = beatgen("build", "--source", mini_site, "--now", NOW, "--no-search", "--output", mini_site / "plain")
    assert result.code == 0, result.err
    assert not (mini_site / "plain" / "pagefind").exists()
    assert (mini_site / "plain" / "search" / "index.html").exists()


def test_swap_keeps_the_output_folder_present(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--no-cache").code == 0
    first = (mini_site / "public").stat().st_ino
    (mini_site / "content" / "pages" / "about.md").write_text("---\ntitle: About us\n---\n\nChanged.\n")
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--no-cache").code == 0
    assert (mini_site / "public").stat().st_ino != first
    assert "About us" in (mini_site / "public" / "about" / "index.html").read_text()
    assert sorted(p.name for p in mini_site.iterdir() if p.name.startswith(".public")) == [".public.lock"]
