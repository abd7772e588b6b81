"""The same input gives the same bytes, however the output was reached.

Two sites, the repository's sample newsroom and a 1,000-story corpus from `bench/corpus.py`, are each built
by the real `beatgen` command the way a writer or CI builds them: cold (default cache and workers), warm (no
change), then after six edits made one at a time (a story's text, a story's date, a story's topics, a
partial layout, a story deleted, the same story put back). After every step the whole output tree, picture
variants and Pagefind's search index included, is compared file by file with a clean single-process build
(`--jobs 1 --no-cache`) of the same input made in another folder. The clean builds run beside the chain of
cached builds, two at a time; the cold build and the first clean one both encode every picture, so their
equality also shows Pillow's output to be the same from run to run.

The sample site's clean output is also held against a stored manifest (path → SHA-256) of today's output,
tests/fixtures/identity/sample.sha256: a change to the code that moves any byte of the output fails here.
When the output is meant to change, write the manifest again and review its diff with the change:

    .venv/bin/python tools/identity_manifest.py --write
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from identitykit import (
    REPO,
    clean_build,
    copy_inputs,
    differences,
    digests,
    manifest_differences,
    read_manifest,
    run_beatgen,
)

Edit = Callable[[Path], None]
STEPS = ("cold", "warm", "text edited", "date changed", "topics changed", "layout edited", "story deleted",
         "story added")


@dataclass(frozen=True)
class Chain:
    """What each step of a chain of cached builds gave: '' where its output is the clean build's bytes."""

    differences: dict[str, str]
    moved: dict[str, int]
    """How many output files each step added, removed or changed: an edit that moves nothing tests nothing."""
    clean: dict[str, str]
    """The digests of the clean build of the unedited input."""


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer holds {old!r}: choose another edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_text(rel: str) -> Edit:
    """A sentence added at the start of the story's body (the Analysis)."""
    def edit(site: Path) -> None:
        path = site / rel
        head, fence, body = path.read_text(encoding="utf-8").partition("\n---\n\n")
        path.write_text(head + fence + "A sentence added by an edit. " + body, encoding="utf-8")
    return edit


def edit_date(rel: str) -> Edit:
    """The story moves to another day of its month (its URL stays; its place in every list moves)."""
    def edit(site: Path) -> None:
        path = site / rel
        text = path.read_text(encoding="utf-8")
        day = re.search(r"^date: \d{4}-\d\d-(\d\d)", text, re.MULTILINE)
        assert day is not None, f"{path} has no date line"
        moved = "27" if day[1] == "28" else "28"
        path.write_text(text[:day.start(1)] + moved + text[day.end(1):], encoding="utf-8")
    return edit


def edit_topics(rel: str) -> Edit:
    """The story's topics become one other declared topic."""
    def edit(site: Path) -> None:
        path = site / rel
        text = path.read_text(encoding="utf-8")
        line = re.search(r"^topics: .*$", text, re.MULTILINE)
        assert line is not None, f"{path} has no topics line"
        declared = [entry.split(":", 1)[0] for entry in (site / "data" / "topics.yaml").read_text().splitlines()
                    if entry[:1].isalnum()]
        other = next(slug for slug in declared if slug not in line[0])
        path.write_text(text[:line.start()] + f"topics: [{other}]" + text[line.end():], encoding="utf-8")
    return edit


def edit_layout(site: Path) -> None:
    """A visible word in the pager of the shared macros: the paginated lists change, nothing else."""
    replace_once(site / "layouts" / "partials" / "macros.html", "<span>Page {{ p.page }} of",
                 "<span>Page {{ p.page }} out of")


def delete_story(rel: str) -> Edit:
    def edit(site: Path) -> None:
        (site / rel).unlink()
    return edit


def add_story(rel: str, base: Path) -> Edit:
    """The story file put back as it was in `base` (a story new to the last build; the input is then the
    layout step's again, so its clean build serves twice)."""
    def edit(site: Path) -> None:
        shutil.copy(base / rel, site / rel)
    return edit


def cached_build(site: Path, step: str) -> None:
    """A build as a writer runs it: default output, cache and workers."""
    result = run_beatgen("build", "--source", site)
    assert result.returncode == 0, f"{step}: the build failed:\n{result.stderr}"


def run_chain(base: Path, work: Path, edits: list[Edit]) -> Chain:
    """Build `base` cold, warm, then after each edit in turn; compare each output with a clean build.

    The input of every step is laid out first, so that the clean builds start at once, beside the chain; an
    input met before (the story put back) reuses its clean build.
    """
    states = [copy_inputs(base, work / "state-0")]
    for number, edit in enumerate(edits, 1):
        states.append(shutil.copytree(states[-1], work / f"state-{number}"))
        edit(states[-1])
    site = copy_inputs(base, work / "site")
    with ThreadPoolExecutor(max_workers=2) as pool:
        clean: dict[str, Future[Path]] = {}
        references = []
        for number, state in enumerate(states):
            key = repr(sorted(digests(state).items()))
            if key not in clean:
                clean[key] = pool.submit(clean_build, state, work / f"clean-{number}")
            references.append(clean[key])
        found, moved, before = {}, {}, {}
        for step, edit, reference in zip(STEPS, [None, None, *edits], [references[0], *references], strict=True):
            if edit is not None:
                edit(site)
            cached_build(site, step)
            after = digests(site / "public")
            found[step] = differences(site / "public", reference.result(), after)
            moved[step] = sum(after.get(rel) != before.get(rel) for rel in after.keys() | before.keys())
            before = after
        unedited = digests(references[0].result())
    for folder in [site / "public", *(future.result() for future in clean.values())]:
        shutil.rmtree(folder)  # hundreds of megabytes at 1,000 stories; pytest keeps the last sessions' folders
    return Chain(found, moved, unedited)


def sample_edits() -> list[Edit]:
    pac3 = "content/stories/2026/11/pac-3-mse-production-record.md"
    return [edit_text("content/stories/2026/03/hamas-urges-iran.md"),
            edit_date("content/stories/2026/05/poland-iamd-wisla-narew-network.md"),
            edit_topics("content/stories/2026/11/navy-red-sea-interceptor-costs.md"), edit_layout,
            delete_story(pac3), add_story(pac3, REPO)]


def corpus_edits(corpus: Path) -> list[Edit]:
    """Stories picked by their place in time; the newest is named by no other story, so it can go."""
    by_date = sorted((re.search(r"^date: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)[1],
                      path.relative_to(corpus).as_posix()) for path in (corpus / "content" / "stories").rglob("*.md"))
    newest = by_date[-1][1]
    return [edit_text(by_date[500][1]), edit_date(by_date[300][1]), edit_topics(by_date[700][1]), edit_layout,
            delete_story(newest), add_story(newest, corpus)]


@pytest.fixture(scope="module")
def sample_chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    return run_chain(REPO, tmp_path_factory.mktemp("identity-sample"), sample_edits())


@pytest.fixture(scope="module")
def corpus_chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    work = tmp_path_factory.mktemp("identity-corpus")
    corpus = work / "corpus"
    subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), "--stories", "1000", "--seed", "7",
                    "--out", str(corpus)], check=True, timeout=300)
    return run_chain(corpus, work, corpus_edits(corpus))


@pytest.mark.parametrize("step", STEPS)
def test_the_sample_site_is_the_clean_build_at_every_step(sample_chain: Chain, step: str) -> None:
    assert not sample_chain.differences[step], sample_chain.differences[step]


@pytest.mark.parametrize("step", STEPS)
def test_a_thousand_stories_are_the_clean_build_at_every_step(corpus_chain: Chain, step: str) -> None:
    assert not corpus_chain.differences[step], corpus_chain.differences[step]


def test_each_edit_moves_the_output_and_a_warm_build_does_not(sample_chain: Chain, corpus_chain: Chain) -> None:
    for chain in (sample_chain, corpus_chain):
        assert chain.moved["warm"] == 0
        assert all(chain.moved[step] > 0 for step in STEPS[2:]), chain.moved


def test_the_clean_builds_hold_every_kind_of_output(sample_chain: Chain, corpus_chain: Chain) -> None:
    """The comparisons cover pages, feeds, sitemaps, assets, picture variants and the search index."""
    for chain in (sample_chain, corpus_chain):
        paths = chain.clean.keys()
        assert {"index.html", "feed.xml", "feed.json", "sitemap.xml", ".beatgen-files"} <= paths
        assert any(p.startswith("pagefind/") and p.endswith(".pf_fragment") for p in paths), "no search index"
    assert sum(p.startswith("static/images/") for p in sample_chain.clean) > 100, "no picture variants"
    assert sum(p.startswith("stories/") for p in corpus_chain.clean) >= 1000


def test_the_sample_site_output_is_todays(sample_chain: Chain) -> None:
    """Every output file of the sample site, picture variants (AVIF, WebP, JPEG, PNG) and the search index
    included, has the bytes stored in tests/fixtures/identity/sample.sha256; when the output is meant to
    change, run `.venv/bin/python tools/identity_manifest.py --write` and commit the manifest with the change."""
    found = manifest_differences(sample_chain.clean, read_manifest())
    assert not found, found + "\n(if this change is meant: .venv/bin/python tools/identity_manifest.py --write)"
