"""Hypothesis strategies for what writers (and attackers) put into story files: nearly valid stories whose
fields are swapped for arbitrary values, text salted with markup, script and template syntax, and
Markdown bodies built from the constructs that reach HTML (links, images, raw HTML, code, tables)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import yaml
from hypothesis import strategies as st

NASTY = ["<script>alert(1)</script>", "</script><script>x()</script>", "javascript:alert(1)", "JaVaScRiPt:x",
         " javascript:x", "java\tscript:x", "data:text/html,<b>", "vbscript:x", "{{ config }}", "{% raw %}",
         "]]>", "<!--", "-->", "<![CDATA[", "&amp;", "&#x6A;avascript:", "\u2028", "\u202e", "\ufeff", "\u00a0",
         "'", '"', "\\", "`", "<img src=x onerror=alert(1)>", "<svg onload=x>", "<a href='javascript:x'>a</a>",
         "../../etc/passwd", "/", "..", "%2e%2e/", "\u0627\u0644\u062f\u0641\u0627\u0639", "\u05db\u05d9\u05e4\u05ea",
         "\U0001f680", "e\u0301", "NATO", "---", "...", "#", "*", "|", "[^1]", "\t", "\n", "  \n"]

chars = st.characters(blacklist_categories=("Cs",))
text = st.one_of(st.text(chars, max_size=60), st.lists(st.sampled_from(NASTY) | st.text(chars, max_size=8),
                                                         max_size=6).map("".join))
urls = st.one_of(st.sampled_from(["https://wire.example/a", "http://x.example", "mailto:desk@example.org",
                                  "/stories/2026/03/valid/", "valid.md", "#analysis", "//evil.example/x",
                                  "javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\nscript:x", " data:text/html,x",
                                  "vbscript:x", "file:///etc/passwd", "https://x.example/\"onmouseover=x",
                                  "https://x.example/<script>", "../../../../etc/passwd"]), text)
dates = st.one_of(st.dates(min_value=date(1, 1, 1)),
                  st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=-23, minutes=-59)),
                                                          timezone(timedelta(hours=14))])),
                  text)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text, dates)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                      max_leaves=12)


def valid_story() -> dict[str, Any]:
    return {"title": "A valid story", "date": datetime(2026, 3, 10, 8, tzinfo=UTC), "takeaways": ["One point."],
            "impact": 5, "sentiment": "neutral", "affected": ["Alpha Command"], "topics": ["air-defense"],
            "sources": [{"outlet": "wire.example", "title": "A source", "url": "https://wire.example/x"}]}


FIELD_VALUES = {
    "title": text, "summary": text, "pullquote": text, "region": text, "watch": text, "slug": text,
    "takeaways": st.lists(text, max_size=6) | values, "key_facts": st.lists(text, max_size=4) | values,
    "affected": st.lists(text, max_size=4) | values, "topics": st.lists(text, max_size=4) | values,
    "impact": st.integers(-2, 12) | values, "sentiment": st.sampled_from(["negative", "very-positive"]) | values,
    "date": dates, "updated": dates, "embargo": dates, "draft": st.booleans() | values,
    "sources": st.lists(st.fixed_dictionaries({"outlet": text, "title": text, "url": urls},
                                              optional={"date": dates}), max_size=3) | values,
    "timeline": st.lists(st.fixed_dictionaries({"date": dates, "event": text},
                                               optional={"story": text | st.just("valid")}), max_size=3) | values,
    "corrections": st.lists(st.fixed_dictionaries({"date": dates, "text": text}), max_size=2) | values,
}


@st.composite
def front_matter(draw: st.DrawFn) -> dict[str, Any]:
    """A valid story with some fields replaced by arbitrary values, some removed, some unknown keys added."""
    story = valid_story()
    for key in draw(st.lists(st.sampled_from(sorted(FIELD_VALUES)), max_size=5, unique=True)):
        story[key] = draw(FIELD_VALUES[key])
    for key in draw(st.lists(st.sampled_from(sorted(story)), max_size=2, unique=True)):
        del story[key]
    story.update(draw(st.dictionaries(text, values, max_size=2)))
    return story


def dump(data: Any) -> str | None:
    """The YAML a writer might have typed for `data`; None when PyYAML itself cannot write it."""
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        return None


markdown_pieces = st.one_of(
    text,
    st.builds("[{}]({})".format, text, urls), st.builds("![{}]({})".format, text, urls),
    st.builds("<{}>".format, urls), urls,
    st.sampled_from(["<script>alert(1)</script>", "<iframe src=x></iframe>", "<div onclick=x>", "</div>",
                     "<style>*{}</style>", "<!-- c -->", "<a href=\"javascript:x\">x</a>", "&lt;script&gt;",
                     "\n\n```html\n<script>x</script>\n```\n\n", "\n\n    <script>indented</script>\n\n",
                     "\n\n| a | b |\n|---|---|\n| <script> | [x](javascript:y) |\n\n", "[^1]\n\n[^1]: note",
                     "\n\n## Heading <b>\n\n", "\n\n> quote\n\n", "\n\n- item\n- [ ] task\n\n", "`code`",
                     "[ref]\n\n[ref]: javascript:alert(1)\n", "\\", "*", "_", "~~", "{{ x }}", "\n\n---\n\n",
                     "[](<javascript:x>)", "<javascript:x>", "[x](jav&#x09;ascript:x)", "[x](&#106;avascript:x)"]),
)
markdown = st.lists(markdown_pieces, max_size=12).map(" ".join)
