"""Publishing: a site under a path prefix keeps every URL under it, in every output file; the Pages
workflow checks, builds and deploys; the hosting recipes cache hashed assets long and the rest short."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from sitekit import REPO, Run, copy_site, soup

from beatgen.cli import main

NOW = "2026-06-01T00:00:00Z"
ABSOLUTE = re.compile(r"https?://example\.org[^\s\"'<>)\]]*")
ROOTED_ATTRIBUTE = re.compile(r"""(?:href|src|action|data-[a-z-]+)\s*=\s*["'](/[^"']*)["']""")


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site("mini", tmp_path_factory.mktemp("prefix") / "site")
    assert main(["build", "--source", str(site), "--now", NOW, "--base-url", "https://example.org/beat/",
                 "--quiet"]) == 0
    return site / "public"


def _text_files(root: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "pagefind" not in p.parts):
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def _exists(root: Path, url: str) -> bool:
    target = root / url.removeprefix("/beat/").split("#")[0].split("?")[0]
    return target.is_file() or (target / "index.html").is_file() or (url.endswith("/") and target.is_dir())


def test_every_absolute_url_is_under_the_prefix(prefixed: Path) -> None:
    seen = 0
    for path, text in _text_files(prefixed):
        for url in ABSOLUTE.findall(text):
            seen += 1
            assert url.startswith("https://example.org/beat/"), f"{path.relative_to(prefixed)}: {url}"
    assert seen > 50
    assert "Sitemap: https://example.org/beat/sitemap.xml" in (prefixed / "robots.txt").read_text()


def test_every_rooted_url_is_under_the_prefix_and_resolves(prefixed: Path) -> None:
    checked = 0
    for path, text in _text_files(prefixed):
        for url in ROOTED_ATTRIBUTE.findall(text):
            checked += 1
            assert url.startswith("/beat/"), f"{path.relative_to(prefixed)}: {url}"
            assert _exists(prefixed, url), f"{path.relative_to(prefixed)}: {url} does not resolve"
    assert checked > 200


def test_the_prefixed_pages_parse_with_the_prefix(prefixed: Path) -> None:
    page = soup(prefixed / "stories" / "2026" / "03" / "alpha" / "index.html")
    assert page.find("link", rel="canonical")["href"] == "https://example.org/beat/stories/2026/03/alpha/"
    assert page.find("link", rel="stylesheet")["href"].startswith("/beat/static/css/site.")


def _workflow() -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / "publish.yml").read_text())


def test_the_pages_workflow_checks_builds_caches_and_deploys() -> None:
    workflow = _workflow()
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    build = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in build]
    uses = [step.get("uses", "").split("@")[0] for step in build]
    check = next(i for i, run in enumerate(runs) if run.startswith("beatgen check"))
    build_at = next(i for i, run in enumerate(runs) if run.startswith("beatgen build"))
    assert "--format github" in runs[check] and check < build_at
    cache = build[uses.index("actions/cache")]
    assert cache["with"]["path"] == ".beatgen-cache" and uses.index("actions/cache") < build_at
    assert uses.index("actions/configure-pages") < build_at < uses.index("actions/upload-pages-artifact")
    assert build[uses.index("actions/upload-pages-artifact")]["with"]["path"] == "public"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"


def _blocks(language: str) -> list[str]:
    text = (REPO / "docs" / "publishing.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def _assets_and_pages(beatgen: Callable[..., Run], mini_site: Path) -> tuple[list[str], list[str]]:
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--quiet").code == 0
    files = ["/" + p.relative_to(mini_site / "public").as_posix() for p in (mini_site / "public").rglob("*")
             if p.is_file()]
    return [f for f in files if f.startswith("/static/")], [f for f in files if not f.startswith("/static/")]


def test_netlify_and_cloudflare_headers_make_only_hashed_assets_immutable(
        mini_site: Path, beatgen: Callable[..., Run]) -> None:
    assets, others = _assets_and_pages(beatgen, mini_site)
    assert assets and any(f.endswith(".html") for f in others)
    [netlify] = _blocks("toml")
    config = tomllib.loads(netlify)
    assert config["build"]["publish"] == "public" and "beatgen build" in config["build"]["command"]
    rules = {rule["for"]: rule["values"]["Cache-Control"] for rule in config["headers"]}
    [cloudflare] = _blocks("text")
    rules_cf = dict(re.findall(r"^(/\S*)\n\s+Cache-Control: (.+)$", cloudflare, flags=re.MULTILINE))
    for headers in (rules, rules_cf):
        immutable = [pattern for pattern, value in headers.items() if "immutable" in value]
        assert immutable
        assert all(any(fnmatch.fnmatch(f, p) for p in immutable) for f in assets)
        assert not [f for f in others if any(fnmatch.fnmatch(f, p) for p in immutable)]


def test_the_s3_recipe_uploads_assets_immutable_and_the_rest_revalidated() -> None:
    [script] = [block for block in _blocks("sh") if "aws s3 sync" in block]
    commands = [" ".join(line.split()) for line in script.replace("\\\n", " ").splitlines() if line.strip()]
    syncs = [c for c in commands if c.startswith("aws s3 sync")]
    named_by_content = ("aws s3 sync public/static ", "aws s3 sync public/pagefind ")
    assert all(("immutable" in c) == c.startswith(named_by_content) for c in syncs)
    assert all("--exclude shards.json" in c for c in syncs if c.startswith("aws s3 sync public/pagefind "))
    first_shards = next(n for n, c in enumerate(syncs) if c.startswith("aws s3 sync public/pagefind "))
    pages = next(n for n, c in enumerate(syncs) if '--exclude "static/*"' in c and "--delete" in c)
    assert first_shards < pages and '--exclude "pagefind/*/*"' in syncs[pages], "shards go up before their list"
    assert commands[0].startswith("beatgen build --output public")
