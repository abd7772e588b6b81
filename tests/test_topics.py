"""Topics are a declared vocabulary (data/topics.yaml): a misspelt topic is an error, not a new page and feed,
and every page, feed and search filter shows the declared name. Affected parties stay free text, and names
that differ only by case, accents or Unicode normalisation are one party."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import feedparser
from sitekit import REPO, Run, copy_site, soup, write_story

from beatgen.serve.watch import Changes, watch

NOW = "2026-06-01T00:00:00Z"
TOPICS = Path("data/topics.yaml")


def beatgen_process(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command in a child process."""
    return subprocess.run([sys.executable, "-m", "beatgen", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=120, check=False)


def test_a_misspelt_topic_is_an_error_not_a_new_page(mini_site: Path) -> None:
    """Finding 6: `air-defence` beside `air-defense` made a topic page and feed of its own."""
    beta = mini_site / "content" / "stories" / "2026" / "02" / "beta.md"
    beta.write_text(beta.read_text().replace("topics: [air-defense]", "topics: [air-defence]"))
    result = beatgen_process("build", "--source", mini_site, "--now", NOW)
    assert result.returncode == 1
    assert ("content/stories/2026/02/beta.md:9:10: error: topic 'air-defence' is not declared in data/topics.yaml; "
            "did you mean 'air-defense'? Or declare it with: beatgen new topic \"Air defence\" [unknown-topic]"
            ) in result.stderr.splitlines()
    assert not (mini_site / "public").exists()


def test_pages_feeds_and_search_filters_show_the_declared_name(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    (mini_site / TOPICS).write_text("air-defense: Air and missile defense\nprocurement:\n  name: Procurement\n"
                                    "  description: Contracts, tenders and deliveries.\nmiddle-east: Middle East\n")
    alpha = mini_site / "content" / "stories" / "2026" / "03" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("topics: [air-defense, procurement]",
                                               "topics: [Air-Defense, procurement, middle east]"))
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    public = mini_site / "public"
    topic = soup(public / "topics" / "middle-east" / "index.html")
    assert topic.h1.get_text() == "Middle East"
    procurement = soup(public / "topics" / "procurement" / "index.html")
    assert procurement.select_one(".dek").get_text() == "Contracts, tenders and deliveries."
    assert procurement.select_one('meta[name="description"]')["content"] == "Contracts, tenders and deliveries."
    index = soup(public / "topics" / "index.html")
    assert [a.get_text() for a in index.select(".taxon-list a")] == ["Air and missile defense", "Middle East",
                                                                     "Procurement"]
    story = soup(public / "stories" / "2026" / "03" / "alpha" / "index.html")
    assert [a.get_text() for a in story.select("header .eyebrow a")] == ["Air and missile defense", "Procurement",
                                                                        "Middle East"]
    assert [s.get_text() for s in story.select('[data-pagefind-filter="topic"]')] == [
        "Air and missile defense", "Procurement", "Middle East"]
    feed = feedparser.parse((public / "feed.xml").read_bytes())
    alpha_entry = next(e for e in feed.entries if e.link.endswith("/alpha/"))
    assert [tag.term for tag in alpha_entry.tags] == ["Air and missile defense", "Procurement", "Middle East"]
    assert feedparser.parse((public / "topics" / "middle-east" / "feed.xml").read_bytes()).feed.title == \
        "Mini Beat: Middle East"
    assert not (public / "topics" / "middle-east-2").exists() and not (public / "topics" / "air-defence").exists()


def test_a_site_without_a_vocabulary_names_the_file_to_create(mini_site: Path) -> None:
    (mini_site / TOPICS).unlink()
    result = beatgen_process("check", "--source", mini_site, "--now", NOW)
    assert result.returncode == 1
    assert ("content/stories/2026/02/beta.md:9:10: error: topic 'air-defense' is not declared: the site has no "
            "data/topics.yaml; declare it with: beatgen new topic \"Air defense\" [unknown-topic]"
            ) in result.stderr.splitlines()


def test_errors_in_the_vocabulary_are_configuration_errors_at_their_line(mini_site: Path) -> None:
    (mini_site / TOPICS).write_text("air-defense: Air defense\nprocurement:\nAir Power: Air power\n"
                                    "air-power: Air defense\nspace:\n  name: Space\n  descripton: Orbits.\n")
    (mini_site / "site.yaml").write_text((mini_site / "site.yaml").read_text() + "per_pgae: 5\n")
    result = beatgen_process("check", "--source", mini_site, "--now", NOW)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "data/topics.yaml:2:1: error: the topic 'procurement' has no display name; write it after the colon, e.g. "
        "'procurement: Procurement' [missing-field]",
        "data/topics.yaml:3:1: error: a topic's slug may use only a-z, 0-9 and single '-', got \"Air Power\" (text); "
        "did you mean 'air-power'? [bad-slug]",
        "data/topics.yaml:4:1: error: the topic 'air-power' has the name 'Air defense', like 'air-defense'; give each "
        "topic its own name [duplicate-topic]",
        "data/topics.yaml:7:3: error: unknown topic key 'descripton'; did you mean 'description'? [unknown-key]",
        "site.yaml:9:1: error: unknown site.yaml key 'per_pgae'; did you mean 'per_page'? [unknown-key]",
    ]
    (mini_site / TOPICS).write_text("- air-defense\n- procurement\n")
    result = beatgen_process("build", "--source", mini_site, "--now", NOW)
    assert result.returncode == 2
    assert ("data/topics.yaml:1:1: error: data/topics.yaml must map each topic's slug to its name, e.g. "
            "'middle-east: Middle East', got a list [bad-config]") in result.stderr.splitlines()


def test_new_topic_appends_a_declaration_and_keeps_every_line(mini_site: Path) -> None:
    before = (mini_site / TOPICS).read_text()
    result = beatgen_process("new", "topic", "Middle East", "--source", mini_site)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Declared the topic 'middle-east' (Middle East) in {mini_site / TOPICS}\n"
    assert (mini_site / TOPICS).read_text() == before + 'middle-east: "Middle East"\n'
    for name in ("Middle East", "middle-east", "PROCUREMENT"):
        result = beatgen_process("new", "topic", name, "--source", mini_site)
        assert result.returncode == 1
    assert result.stderr == ("error: the topic 'procurement' (Procurement) is already declared in data/topics.yaml\n")
    assert (mini_site / TOPICS).read_text() == before + 'middle-east: "Middle East"\n'


def test_new_topic_creates_the_vocabulary_and_refuses_a_file_it_cannot_extend(mini_site: Path) -> None:
    shutil.rmtree(mini_site / "data")
    assert beatgen_process("new", "topic", "Air defense", "--source", mini_site).returncode == 0
    assert beatgen_process("new", "topic", "Procurement", "--source", mini_site).returncode == 0
    assert beatgen_process("check", "--source", mini_site, "--now", NOW).returncode == 0
    assert (mini_site / TOPICS).read_text().endswith('air-defense: "Air defense"\nprocurement: "Procurement"\n')
    flow = "{air-defense: Air defense, procurement: Procurement}"
    (mini_site / TOPICS).write_text(flow)
    result = beatgen_process("new", "topic", "Space", "--source", mini_site)
    assert result.returncode == 1
    assert result.stderr == ("error: data/topics.yaml is not written one topic per line, so a line added at its end "
                             "would not declare 'space'; add it by hand\n")
    assert (mini_site / TOPICS).read_text() == flow


def test_new_story_refuses_an_undeclared_topic(mini_site: Path) -> None:
    result = beatgen_process("new", "story", "Interceptor output doubles", "--topic", "air defence",
                             "--date", "2026-05-12", "--source", mini_site)
    assert result.returncode == 1
    assert result.stderr == ("error: topic 'air defence' is not declared in data/topics.yaml; did you mean "
                             "'air-defense'? Or declare it with: beatgen new topic \"air defence\"\n")
    assert not (mini_site / "content" / "stories" / "2026" / "05").exists()


def test_a_renamed_topic_reaches_every_page_of_a_cached_build(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    """data/ is an input: the no-change shortcut and the build cache notice an edit of the vocabulary."""
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    page = mini_site / "public" / "topics" / "air-defense" / "index.html"
    assert soup(page).h1.get_text() == "Air defense"
    (mini_site / TOPICS).write_text((mini_site / TOPICS).read_text().replace("Air defense", "Air & missile defense"))
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0
    assert soup(page).h1.get_text() == "Air & missile defense"
    story = soup(mini_site / "public" / "stories" / "2026" / "02" / "beta" / "index.html")
    assert [a.get_text() for a in story.select("header .eyebrow a")] == ["Air & missile defense"]
    clean = copy_site("mini", mini_site.parent / "clean")
    shutil.copy(mini_site / TOPICS, clean / TOPICS)
    assert beatgen("build", "--source", clean, "--now", NOW, "--no-cache").code == 0
    assert page.read_bytes() == (clean / "public" / "topics" / "air-defense" / "index.html").read_bytes()


def test_serve_watches_data_even_when_it_is_made_after_the_start(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    changes, stop = Changes(), threading.Event()
    observer = watch(site, changes)
    try:
        (site / "data").mkdir()
        time.sleep(0.3)
        (site / TOPICS).write_text("space: Space\n")
        seen: set[str] = set()
        deadline = time.monotonic() + 10
        while "data/topics.yaml" not in seen and time.monotonic() < deadline:
            seen |= changes.take(stop, quiet=0.05)
        assert {"data", "data/topics.yaml"} <= seen
    finally:
        observer.stop()
        observer.join()


def test_affected_names_differing_in_case_accents_or_normalisation_are_one_party(
        mini_site: Path, beatgen: Callable[..., Run]) -> None:
    spellings = ["Türkiye", unicodedata.normalize("NFD", "Türkiye"), "TÜRKIYE", "Turkiye", "Türkiye"]
    for number, name in enumerate(spellings):
        write_story(mini_site, f"ankara-{number}", f"2026-04-0{number + 1}", affected=[name])
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    public = mini_site / "public"
    assert [p.name for p in (public / "affected").iterdir() if p.name.startswith("t")] == ["turkiye"]
    page = soup(public / "affected" / "turkiye" / "index.html")
    assert page.h1.get_text() == "Türkiye" and page.select_one(".list-meta").get_text().startswith("5 stories")
    for number in range(5):
        story = soup(public / "stories" / "2026" / "04" / f"ankara-{number}" / "index.html")
        assert [a.get_text() for a in story.select("#affected a")] == ["Türkiye"]
    assert unicodedata.is_normalized("NFC", (public / "affected" / "index.html").read_text())
    index = json.dumps([a.get_text() for a in soup(public / "affected" / "index.html").select(".taxon-list a")])
    assert index.count("rkiye") == 1
