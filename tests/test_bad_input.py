"""Bad input that one fixture file cannot show: sizes, encodings, file names, clocks, mixed dates,
scripts, site.yaml and layouts. Each asserts the exact message and place, the exit code, and that a
failed build leaves the previous output as it was."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sitekit import Run, soup, tree_bytes

NOW = "2026-06-01T00:00:00Z"
MARCH = ("content", "stories", "2026", "03")


def story(title: str = "A story", date: str = "2026-03-10T08:00:00Z", extra: str = "", body: str = "Body text.") -> str:
    return (f'---\ntitle: "{title}"\ndate: {date}\n{extra}takeaways:\n  - "One point."\nimpact: 5\n'
            "sentiment: neutral\nsources:\n  - outlet: wire.example\n    title: \"A source\"\n"
            f"    url: https://wire.example/x\n---\n\n{body}\n")


def add(site: Path, name: str, data: str | bytes) -> Path:
    path = site.joinpath(*MARCH, name)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def assert_refused(site: Path, beatgen: Callable[..., Run], expected: str, code: int = 1) -> None:
    """`check` prints the exact line; `build` fails with the same line and leaves the last output alone."""
    public = site / "public"
    before = tree_bytes(public) if public.exists() else None
    checked = beatgen("check", "--source", site, "--now", NOW)
    built = beatgen("build", "--source", site, "--now", NOW)
    for result in (checked, built):
        assert result.code == code
        assert expected in result.err.splitlines(), result.err
        assert "Traceback" not in result.err
    assert (tree_bytes(public) if public.exists() else None) == before


def test_file_over_the_default_size_limit(built_mini: Path, beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    add(site, "huge.md", story(body="x" * (4 << 20)))
    assert_refused(site, beatgen, "content/stories/2026/03/huge.md:1:1: error: the file is larger than the limit "
                                  "of 4,194,304 bytes (max_file_size in site.yaml); split it or raise the limit "
                                  "[too-large]")


def test_size_limit_is_set_in_site_yaml(built_mini: Path, beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "max_file_size: 2048\n")
    add(site, "long.md", story(body="x" * 3000))
    assert_refused(site, beatgen, "content/stories/2026/03/long.md:1:1: error: the file is larger than the limit of "
                                  "2,048 bytes (max_file_size in site.yaml); split it or raise the limit [too-large]")


def test_byte_order_mark_and_crlf_are_accepted(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    add(mini_site, "bom.md", b"\xef\xbb\xbf" + story("With a BOM").encode())
    add(mini_site, "crlf.md", story("With CRLF", body="First paragraph.\n\nSecond.").replace("\n", "\r\n"))
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0, result.err
    stories = mini_site / "public" / "stories" / "2026" / "03"
    assert soup(stories / "bom" / "index.html").h1.get_text() == "With a BOM"
    page = soup(stories / "crlf" / "index.html")
    assert page.h1.get_text() == "With CRLF"
    assert [p.get_text() for p in page.select("#analysis p")][:2] == ["First paragraph.", "Second."]
    assert "\r" not in (stories / "crlf" / "index.html").read_text(encoding="utf-8")


def test_errors_in_a_crlf_file_point_at_the_right_line(built_mini: Path, beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    add(site, "crlf.md", b"\xef\xbb\xbf" + story(extra="impact_note: x\n").replace("impact: 5", "impact: 11")
        .replace("\n", "\r\n").encode())
    assert_refused(site, beatgen, "content/stories/2026/03/crlf.md:7:9: error: impact must be an integer from 1 to "
                                  "10, got 11 [out-of-range]")


def test_future_story_is_held_back_not_refused(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    """SPEC: future-dated stories are left out unless --future; that is a schedule, not an error."""
    add(mini_site, "tomorrow.md", story("Tomorrow's story", date="2026-06-02T00:00:00Z"))
    assert beatgen("check", "--source", mini_site, "--now", NOW).code == 0
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    public = mini_site / "public"
    assert not (public / "stories" / "2026" / "06" / "tomorrow").exists()
    assert "Tomorrow" not in "".join(p.read_text(encoding="utf-8") for p in public.rglob("*.html"))
    assert beatgen("build", "--source", mini_site, "--now", NOW, "--future").code == 0
    assert soup(public / "stories" / "2026" / "06" / "tomorrow" / "index.html").h1.get_text() == "Tomorrow's story"


def test_naive_and_aware_dates_mix(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    """A time without a zone is in site.yaml's timezone; stories with and without zones sort together."""
    config = mini_site / "site.yaml"
    config.write_text(config.read_text().replace("timezone: UTC", "timezone: America/New_York"))
    add(mini_site, "naive.md", story("Naive ten o'clock", date="2026-03-20 10:00:00"))
    add(mini_site, "aware.md", story("Aware half past two UTC", date="2026-03-20T14:30:00Z"))
    add(mini_site, "dateonly.md", story("Date only", date="2026-03-20"))
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0, "mixed dates must be accepted"
    archive = soup(mini_site / "public" / "archive" / "2026" / "03" / "index.html")
    titles = [a.get_text() for a in archive.select(".card-title a")]
    assert titles.index("Aware half past two UTC") < titles.index("Naive ten o'clock") < titles.index("Date only")
    naive = soup(mini_site / "public" / "stories" / "2026" / "03" / "naive" / "index.html")
    assert naive.select_one(".story-meta time")["datetime"].startswith("2026-03-20T10:00:00-04:00")


def test_file_names_are_normalised_to_slugs(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    """A file name becomes a slug (explicit `slug:` values must already be valid: see fixtures/bad/slug-*)."""
    add(mini_site, "Über Café  News.md", story("Accented file name"))
    add(mini_site, "a..b.md", story("Dots in the file name"))
    add(mini_site, "Ядерный щит.md", story("Cyrillic file name"))
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0, result.err
    march = mini_site / "public" / "stories" / "2026" / "03"
    assert soup(march / "uber-cafe-news" / "index.html").h1.get_text() == "Accented file name"
    assert soup(march / "a-b" / "index.html").h1.get_text() == "Dots in the file name"
    assert soup(march / "yadernyy-shchit" / "index.html").h1.get_text() == "Cyrillic file name"
    assert all(p.name.isascii() and p.name == p.name.lower() for p in (mini_site / "public").rglob("*"))


def test_a_file_name_with_no_letters_or_digits_asks_for_a_slug(built_mini: Path, beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    rocket = add(site, "🚀🛰️.md", story("Launch day"))
    assert_refused(site, beatgen, "content/stories/2026/03/🚀🛰️.md:2:1: error: the file name '🚀🛰️.md' has no "
                                  "letters or digits to make a URL from; add a 'slug:' line (a-z, 0-9 and '-', e.g. "
                                  "slug: launch-video) or rename the file [empty-slug]")
    rocket.write_text(story("Launch day", extra="slug: launch-day\n"), encoding="utf-8")
    assert beatgen("build", "--source", site, "--now", NOW).code == 0
    assert soup(built_mini / "stories/2026/03/launch-day/index.html").h1.get_text() == "Launch day"


def test_right_to_left_and_mixed_script_titles(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    titles = {"arabic": "الدفاع الجوي: صفقة جديدة", "hebrew": "כיפת ברזל מקבלת 3 סוללות", "mixed": "NATO и ПВО: 2026"}
    for name, title in titles.items():
        add(mini_site, f"{name}.md", story(title, extra=f'summary: "{title}"\n'))
    assert beatgen("build", "--source", mini_site, "--now", NOW).code == 0
    march = mini_site / "public" / "stories" / "2026" / "03"
    for name, title in titles.items():
        page = soup(march / name / "index.html")
        assert page.h1.get_text() == title and page.h1["dir"] == "auto"
        assert page.select_one(".dek")["dir"] == "auto"
    cards = soup(mini_site / "public" / "archive" / "2026" / "03" / "index.html").select(".card-title")
    assert {c.get_text(strip=True) for c in cards} >= set(titles.values())
    assert all(c["dir"] == "auto" for c in cards)


@pytest.mark.parametrize(("date", "shown"), [("9999-12-31T23:59:59-23:59", "9999-12-31"),
                                             ("0001-01-01T00:00:00+01:00", "0001-01-01")])
def test_dates_outside_the_calendar_are_refused(date: str, shown: str, built_mini: Path,
                                                beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    add(site, "edge.md", story(date=date))
    assert_refused(site, beatgen, f"content/stories/2026/03/edge.md:3:7: error: date must fall between the years "
                                  f"1000 and 9998, got {shown}; check the year [bad-date]")


def test_a_bad_clock_is_a_usage_error(mini_site: Path, beatgen: Callable[..., Run],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    result = beatgen("build", "--source", mini_site, "--now", "next week")
    assert result.code == 2 and "Traceback" not in result.err
    assert ("(command line):1:1: error: --now must be a date or time such as 2026-03-15T06:00:00Z, "
            "got 'next week' [bad-clock]") in result.err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    result = beatgen("build", "--source", mini_site)
    assert result.code == 2
    assert "SOURCE_DATE_EPOCH must be a count of seconds since 1970-01-01" in result.err
    assert not (mini_site / "public").exists()


@pytest.mark.parametrize(("text", "expected"), [
    ("title: 'Mini\nbase_url: https://example.org/\n",
     "site.yaml:1:8: error: invalid YAML: a quoted value opened here is never closed; add the closing quote "
     "[yaml-syntax]"),
    ("- title\n- base_url\n", "site.yaml:1:1: error: site.yaml must be a mapping of keys, got a list [bad-config]"),
    ("title: Mini\nbase_url: https://example.org/\nper_page: 2.5\n",
     "site.yaml:3:11: error: per_page must be an integer from 1 to 200, got 2.5 (a decimal) [wrong-type]"),
    ("title: Mini\nbase_url: https://example.org/\nrubric:\n  action_treshold: 7\n",
     "site.yaml:4:3: error: unknown rubric key 'action_treshold'; did you mean 'action_threshold'? [unknown-key]"),
    ("title: Mini\nbase_url: ftp://example.org/\n",
     "site.yaml:2:11: error: base_url must be an absolute http(s) URL such as https://example.org/ or "
     "https://example.github.io/beat/, got 'ftp://example.org/' [bad-url]"),
    ("title: &t Mini\ntagline: *t\nbase_url: https://example.org/\n",
     "site.yaml:2:10: error: YAML aliases such as *t are not allowed; write each value out [yaml-alias]"),
    ("title: Mini\nbase_url: https://example.org/\ntimezone: Mars/Olympus\n",
     "site.yaml:3:11: error: timezone must be an IANA name such as UTC or Europe/Paris, got 'Mars/Olympus' "
     "[bad-timezone]"),
    ("title: Mini\nbase_url: https://example.org/\naction_window_days: 0\n",
     "site.yaml:3:21: error: action_window_days must be an integer from 1 to 3660, got 0 [out-of-range]"),
], ids=["unclosed-quote", "list", "wrong-type", "unknown-nested-key", "bad-url", "alias", "timezone", "window"])
def test_site_yaml_errors_exit_2(text: str, expected: str, built_mini: Path, beatgen: Callable[..., Run]) -> None:
    site = built_mini.parent
    (site / "site.yaml").write_text(text)
    assert_refused(site, beatgen, expected, code=2)


def test_template_errors_name_the_template_line_and_column_once(built_mini: Path,
                                                                beatgen: Callable[..., Run]) -> None:
    """A typo in a macro every listing uses fails ten pages: one error, at the typo, with a suggestion,
    from `build` and from `check` alike (which renders every page without writing one)."""
    site = built_mini.parent
    macros = site / "layouts" / "partials" / "macros.html"
    macros.write_text(macros.read_text().replace("{{ story.title }}</a>", "{{ story.titel }}</a>", 1))
    line, column = next((n, text.index("titel") + 1) for n, text in enumerate(macros.read_text().splitlines(), 1)
                        if "story.titel" in text)
    expected = (f"layouts/partials/macros.html:{line}:{column}: error: template error: 'Story' object has no "
                "attribute 'titel'; did you mean 'title'? (on / and 9 other pages) [template-error]")
    public = tree_bytes(built_mini)
    for command in ("build", "check"):
        result = beatgen(command, "--source", site, "--now", NOW)
        assert result.code == 1 and "Traceback" not in result.err
        assert [text for text in result.err.splitlines() if "error:" in text] == [expected]
    assert tree_bytes(built_mini) == public
    macros.write_text("{% macro card(story) %}\n{{ story.title }\n{% endmacro %}\n")
    result = beatgen("check", "--source", site, "--now", NOW)
    assert result.code == 1
    assert [text for text in result.err.splitlines() if "error:" in text] == [
        "layouts/partials/macros.html:2:16: error: template syntax error: unexpected '}' (on / and 10 other pages) "
        "[template-syntax]"]


def test_an_undefined_variable_gets_the_nearest_name_the_page_has(mini_site: Path,
                                                                  beatgen: Callable[..., Run]) -> None:
    layout = mini_site / "layouts" / "story.html"
    layout.write_text(layout.read_text().replace("{{ story.title }}</h1>", "{{ stroy.title }}</h1>", 1))
    line = next(n for n, text in enumerate(layout.read_text().splitlines(), 1) if "stroy.title" in text)
    column = layout.read_text().splitlines()[line - 1].index("stroy") + 1
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert [text for text in result.err.splitlines() if "error:" in text] == [
        f"layouts/story.html:{line}:{column}: error: template error: 'stroy' is undefined; did you mean 'story'? "
        "(on /stories/2026/03/alpha/ and 2 other pages) [template-error]"]


def test_a_layout_that_fails_only_when_rendered_fails_check(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    """It compiles, so compiling every layout passes; rendering every page in memory finds it."""
    layout = mini_site / "layouts" / "glossary.html"
    layout.write_text(layout.read_text().replace("<h1>Glossary</h1>", "<h1>Glossary</h1><link rel=\"stylesheet\" "
                                                 "href=\"{{ asset('css/glossary.css') }}\">", 1))
    before = sorted(p.relative_to(mini_site) for p in mini_site.rglob("*"))
    result = beatgen("check", "--source", mini_site, "--now", NOW)
    assert result.code == 1
    assert [text for text in result.err.splitlines() if "error:" in text] == [
        "layouts/glossary.html:3:57: error: template error: no static file 'css/glossary.css' in static/ "
        "(on /glossary/) [template-error]"]
    assert sorted(p.relative_to(mini_site) for p in mini_site.rglob("*")) == before


def test_unexpected_failure_reading_a_file_is_reported_not_raised(mini_site: Path, beatgen: Callable[..., Run],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The last guard around one file's parse: a bug of ours names the file instead of printing a traceback."""
    import beatgen.content.load as load

    def broken(*args: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(load, "read_story", broken)
    assert_refused(mini_site, beatgen, "content/stories/2026/02/beta.md:1:1: error: beatgen failed to read this file "
                                  "(RuntimeError: simulated bug); please report it with the file attached "
                                  "[internal-error]")


@pytest.mark.parametrize(("nesting", "expected"), [
    ("[" * 100_000, "4:1009: error: more than 1,000 '[' or '{' are open at once here; close each list and mapping "
                    "(YAML may nest at most 24 levels) [yaml-depth]"),
    ("{a: " * 100_000, "4:4009: error: more than 1,000 '[' or '{' are open at once here; close each list and "
                       "mapping (YAML may nest at most 24 levels) [yaml-depth]"),
    ("\n" + "- " * 500_000 + "x", "5:47: error: YAML nested more than 24 levels deep; flatten it [yaml-depth]"),
], ids=["flow-sequences", "flow-mappings", "block-sequences"])
def test_deep_nesting_neither_crashes_nor_hangs(nesting: str, expected: str, mini_site: Path) -> None:
    """PyYAML's composer recursed in C once per level (a segfault at ~100,000 levels) and libyaml's scanner is
    quadratic on open '[': the real command runs in a child process so a crash would show as its exit code."""
    add(mini_site, "deep.md", story(extra=f"region: {nesting}\n"))
    command = [sys.executable, "-m", "beatgen", "check", "--source", str(mini_site), "--now", NOW]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr[-2000:]
    assert f"content/stories/2026/03/deep.md:{expected}" in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "expected"), [
    (("build", "--base-url", "/x/"), "(command line):1:1: error: --base-url must be an absolute http(s) URL such as "
                                     "https://example.org/ or https://example.github.io/beat/, got '/x/' [bad-url]"),
    (("check", "--base-url", ""), "(command line):1:1: error: --base-url must be an absolute http(s) URL such as "
                                  "https://example.org/ or https://example.github.io/beat/, got '' [bad-url]"),
    (("check", "--base-url", "http://[x/"), "(command line):1:1: error: --base-url must be an absolute http(s) URL "
                                            "such as https://example.org/ or https://example.github.io/beat/, "
                                            "got 'http://[x/' [bad-url]"),
    (("build", "--source", "no-such-folder"), "(command line):1:1: error: --source no-such-folder is not a folder; "
                                              "name the site's folder, the one that holds site.yaml [no-config]"),
], ids=["build-base-url", "check-empty-base-url", "check-unclosed-ipv6-base-url", "missing-source"])
def test_command_line_mistakes_name_the_command_line(args: tuple[str, ...], expected: str, mini_site: Path) -> None:
    """Not site.yaml, which is fine: the real command in a child process, exit 2, nothing written."""
    if "--source" not in args:
        args = (*args, "--source", str(mini_site))
    command = [sys.executable, "-m", "beatgen", *args, "--now", NOW]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, cwd=mini_site.parent)
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if "error:" in line] == [expected]
    assert not (mini_site / "public").exists()
