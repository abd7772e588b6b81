"""`beatgen build --preview`: a site to share inside the newsroom, never to publish. Every held-back story is
in it under its banner, every page says it is a preview and asks search engines not to index it, and nothing
announces it (no feeds, no sitemaps, no search index). The pull-request workflow uploads one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from readerkit import VNU_JAR, require_java_vnu
from sitekit import REPO, copy_site, soup
from test_quality import html_links, resolve

NOW = "2026-06-01T00:00:00Z"
Preview = tuple[Path, subprocess.CompletedProcess[str]]
BANNERS = {"stories/2026/05/drafted/index.html": "Draft", "stories/2026/06/launch-window/index.html": "Scheduled",
           "stories/2026/05/tender-result/index.html": "Embargoed"}


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    site = copy_site("desk", tmp_path_factory.mktemp("preview") / "site")
    result = subprocess.run([sys.executable, "-m", "beatgen", "build", "--preview", "--source", str(site),
                             "--now", NOW], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return site, result


def _pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_a_preview_goes_to_its_own_folder_with_a_warning(preview: Preview) -> None:
    site, result = preview
    assert (site / "preview" / "index.html").is_file() and not (site / "public").exists()
    assert (f"warning: {site}/preview/ is a PREVIEW (drafts, scheduled and embargoed stories, noindex, no feeds, "
            "sitemaps or search): share it with the newsroom, never publish it to the live site"
            ) in result.stderr.splitlines()


def test_every_held_back_story_is_in_it_under_its_banner(preview: Preview) -> None:
    root = preview[0] / "preview"
    for rel, label in BANNERS.items():
        assert [b.strong.get_text() for b in soup(root / rel).select(".preview-banner")] == [label], rel
    assert soup(root / "stories/2026/04/budget-vote/index.html").select(".preview-banner") == []


def test_every_page_is_noindex_and_says_preview(preview: Preview) -> None:
    pages = _pages(preview[0] / "preview")
    assert len(pages) > 20
    for path in pages:
        page = soup(path)
        assert [m["content"] for m in page.find_all("meta", attrs={"name": "robots"})] == ["noindex"], path
        if page.body.get("class"):  # every page of the site's layout; redirect pages are noindex by themselves
            bar = page.select_one("body > p.preview-bar")
            assert bar is not None and bar.strong.get_text() == "Preview", path


def test_nothing_announces_a_preview(preview: Preview) -> None:
    root = preview[0] / "preview"
    files = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    assert not [f for f in files if f.endswith(("feed.xml", "feed.json")) or "sitemap" in f or "pagefind" in f]
    assert "Sitemap" not in (root / "robots.txt").read_text()
    for path in _pages(root):
        page = soup(path)
        assert page.find("link", rel="alternate") is None and page.select(".feed-link") == [], path


def test_every_link_of_a_preview_resolves(preview: Preview) -> None:
    root = preview[0] / "preview"
    broken = [f"{path.relative_to(root)}: {link}" for path in _pages(root) for link in html_links(soup(path))
              if (hit := resolve(root, path, link)) is not None and not hit[0].is_file()]
    assert broken == []


def test_a_build_after_a_preview_is_the_published_site(preview: Preview,
                                                       tmp_path: Path) -> None:
    site = preview[0]
    command = [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--now", NOW, "--quiet",
               "--output", str(tmp_path / "public")]
    assert subprocess.run(command, capture_output=True, text=True, check=False).returncode == 0
    public = tmp_path / "public"
    assert (public / "feed.xml").is_file() and (public / "sitemap.xml").is_file()
    assert not (public / "stories/2026/05/drafted").exists()
    assert not [p for p in _pages(public) if soup(p).select(".preview-bar, .preview-banner")]


def test_the_workflow_uploads_a_preview_of_each_pull_request() -> None:
    steps = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text())["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    built = next(i for i, run in enumerate(runs) if run.startswith("beatgen build --preview"))
    upload = steps[uses.index("actions/upload-artifact")]
    assert steps[built]["if"] == upload["if"] == "github.event_name == 'pull_request'"
    assert "--output preview" in runs[built] and upload["with"]["path"] == "preview" and built < uses.index(
        "actions/upload-artifact")


def test_preview_pages_are_valid_html(preview: Preview) -> None:
    java = require_java_vnu()
    root = preview[0] / "preview"
    pages = [str(root / rel) for rel in ("index.html", "search/index.html", *BANNERS)]
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", *pages], capture_output=True, text=True,
                            timeout=300, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert [m["message"] for m in messages if m["type"] != "info" or m.get("subType") == "warning"] == []
