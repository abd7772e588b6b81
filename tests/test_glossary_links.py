"""Glossary links in story text: first mention only, whole words, writers' case, longest term first,
never inside links, headings, code or another glossary link."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import soup

from beatgen.content.model import Term
from beatgen.markdown.glossary import Linking, build_glossary
from beatgen.markdown.renderer import make_markdown, render_body

TERMS = [
    Term("g/iamd.md", "iamd", "IAMD", ("integrated air and missile defense",), "Sensors and shooters as one.", 1, ""),
    Term("g/air-defense.md", "air-defense", "air defense", ("air defence",), "Defending the air.", 1, ""),
    Term("g/leo.md", "leo", "LEO", ("low Earth orbit",), "Up to 2,000 km.", 1, ""),
    Term("g/kill-chain.md", "kill-chain", "kill chain", (), "Find, fix, finish.", 1, ""),
    Term("g/patriot.md", "patriot", "Patriot", ("PAC-3",), "A US air-defense system. It is old.", 1, ""),
    Term("g/a2-ad.md", "a2-ad", "A2/AD", ("anti-access/area denial",), "Keeping forces out.", 1, ""),
    Term("g/aukus.md", "aukus", "AUKUS", (), "AUKUS is a **security** partnership. It has pillars.", 1, ""),
]
IAMD = ('<a href="/glossary/#iamd" class="glossary-link">'
        '<abbr title="integrated air and missile defense">IAMD</abbr></a>')
CASES = [
    ("first mention only", "IAMD and IAMD.", f"<p>{IAMD} and IAMD.</p>"),
    ("inside a link", "[IAMD news](https://x.example/) then IAMD.",
     f'<p><a href="https://x.example/">IAMD news</a> then {IAMD}.</p>'),
    ("in a heading", "## IAMD today\n\nIAMD here.", f'<h2 id="iamd-today">IAMD today</h2>\n<p>{IAMD} here.</p>'),
    ("in code", "`IAMD` and IAMD.\n\n    IAMD",
     f"<p><code>IAMD</code> and {IAMD}.</p>\n<pre><code>IAMD\n</code></pre>"),
    ("plural", "Two kill chains.", '<p>Two <a href="/glossary/#kill-chain" class="glossary-link">kill chains</a>.</p>'),
    ("sentence start", "Kill chain first.",
     '<p><a href="/glossary/#kill-chain" class="glossary-link">Kill chain</a> first.</p>'),
    ("hyphenated", "A kill-chain gap.",
     '<p>A <a href="/glossary/#kill-chain" class="glossary-link">kill-chain</a> gap.</p>'),
    ("acronyms keep their case", "An iamd, a Leo and LEOPARD tanks.", "<p>An iamd, a Leo and LEOPARD tanks.</p>"),
    ("proper names keep their case", "A patriot and Patriotic songs.", "<p>A patriot and Patriotic songs.</p>"),
    ("whole words", "Unleo and kill chainsaw.", "<p>Unleo and kill chainsaw.</p>"),
    ("overlap: longest wins", "The integrated air and missile defense net and air defense.",
     '<p>The <a href="/glossary/#iamd" class="glossary-link">integrated air and missile defense</a> net and '
     '<a href="/glossary/#air-defense" class="glossary-link">air defense</a>.</p>'),
    ("alias of an acronym", "In low Earth orbit; LEOs.",
     '<p>In <a href="/glossary/#leo" class="glossary-link">low Earth orbit</a>; LEOs.</p>'),
    ("acronym alias", "PAC-3 interceptors.",
     '<p><a href="/glossary/#patriot" class="glossary-link"><abbr title="A US air-defense system.">PAC-3</abbr></a>'
     ' interceptors.</p>'),
    ("slash in a term, definition as title", "A2/AD and AUKUS.",
     '<p><a href="/glossary/#a2-ad" class="glossary-link"><abbr title="anti-access/area denial">A2/AD</abbr></a> '
     'and <a href="/glossary/#aukus" class="glossary-link"><abbr title="AUKUS is a security partnership.">AUKUS'
     '</abbr></a>.</p>'),
    ("across a line break", "An integrated air and\nmissile defense.",
     '<p>An <a href="/glossary/#iamd" class="glossary-link">integrated air and\nmissile defense</a>.</p>'),
    ("inside emphasis", "**Air defence** matters.",
     '<p><strong><a href="/glossary/#air-defense" class="glossary-link">Air defence</a></strong> matters.</p>'),
]


@pytest.mark.parametrize(("title", "source", "expected"), CASES, ids=[case[0] for case in CASES])
def test_glossary_links(title: str, source: str, expected: str) -> None:
    glossary = build_glossary(TERMS, "/")
    html = render_body(make_markdown(), source, "s.md", 1, None, linking=Linking(glossary)).html
    assert html.strip() == expected


def test_one_link_per_term_across_a_storys_fragments() -> None:
    md, linking = make_markdown(), Linking(build_glossary(TERMS, "/"))
    first = render_body(md, "IAMD in a takeaway.", "s.md", 1, None, linking=linking).html
    second = render_body(md, "IAMD in the body, and LEO.", "s.md", 1, None, linking=linking).html
    assert first.count("glossary-link") == 1 and second.count("glossary-link") == 1 and "#leo" in second
    assert list(linking.linked) == ["iamd", "leo"]


def test_a_large_glossary_stays_one_pass() -> None:
    terms = [Term(f"g/t{n}.md", f"t{n}", f"term number {n}", (f"TN{n}",), "x", 1, "") for n in range(500)]
    glossary = build_glossary([*TERMS, *terms], "/")
    html = render_body(make_markdown(), "See term number 417 and TN3 and IAMD.", "s.md", 1, None,
                       linking=Linking(glossary)).html
    assert html.count("glossary-link") == 3 and "#t417" in html and "#t3\"" in html


def test_story_pages_link_terms_and_the_glossary_lists_where_they_are_used(built_mini: Path) -> None:
    story = soup(built_mini / "stories" / "2026" / "03" / "alpha" / "index.html")
    links = story.select("a.glossary-link")
    assert [(a["href"], a.get_text()) for a in links] == [("/glossary/#iamd", "IAMD")]
    assert links[0].abbr["title"] == "integrated air and missile defense"
    assert story.select_one("h1 a") is None
    glossary = soup(built_mini / "glossary" / "index.html")
    used = glossary.select_one("dt#iamd").find_next_sibling("dd").select_one(".used-in")
    assert [a["href"] for a in used.select("a")] == ["/stories/2026/03/alpha/"]
