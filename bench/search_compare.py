"""The sharded search index against one Pagefind index over every story, on the generated bench corpus.

    python bench/search_compare.py [--stories 10000] [--runs 1] [--queries bench/search_queries.txt] [--work DIR]
                                   [--shard-size N] [--timings-only]

The corpus's pages are built once (`beatgen build --no-search`), then indexed three ways:
- shards: `beatgen build`, which, the pages being built already, only indexes them (its shards and
  lexicon): cold, then after one story's text is edited (the newest story, then one two years old);
- one plain index: Pagefind's CLI over every story page into `pagefind/`, as beatgen built it before
  shards, served with a search page that queries it as the search page did then;
- one bundle: every story in one shard (`search: shard_size` past the story count), chunked as shards
  are, so that what differs from the shards is the split alone.
`--shard-size` sets the corpus's `search: shard_size` for the shards (the site's default otherwise).
Printed: the time and peak memory (largest process, and summed over the build's processes) of the
shards and the plain index; for each search of the queries file, the bytes Chromium fetches for that
first search on a fresh search page, plain index against shards (Debian's /usr/bin/chromium through
Playwright, never a downloaded browser), and whether the shards find the stories each other index
finds, in the same order by date, with the overlap of their top ten by relevance.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import re
import shutil
import statistics
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from corpus import REPO
from run import NOW, measure, prepare, snapshot
from savebench import CHROMIUM_FLAGS, chromium_path

STORY_GLOB = "stories/*/*/*/index.html"
FACETS = ("topic", "sentiment", "impact", "year")
ONE_INDEX_SCRIPT = """// The search page before shards: one Pagefind index, its first 30 results loaded.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const pagefind = await import(form.dataset.bundle + "pagefind.js");
await pagefind.options({ baseUrl: form.dataset.base });
pagefind.init();
const params = new URLSearchParams(location.search);
const filters = {};
for (const name of ["topic", "sentiment", "impact", "year"]) if (params.get(name)) filters[name] = params.get(name);
const sort = params.get("sort") === "date" ? { date: "desc" } : undefined;
const search = await pagefind.debouncedSearch(params.get("q") || null, { filters, sort }, 150);
await Promise.all(search.results.slice(0, 30).map((result) => result.data()));
status.textContent = `${search.results.length} stories found.`;
"""
ONE_INDEX_IDS = """async ([words, filters, newest]) => {
  const { createInstance } = await import("/pagefind/pagefind.js");
  const pagefind = createInstance({ baseUrl: "/" });
  const found = await pagefind.search(words, newest ? { filters, sort: { date: "desc" } } : { filters });
  return found.results.map((result) => result.id);
}"""
SHARDS_IDS = """async ([loader, words, filters, newest]) => {
  const { openIndex } = await import(loader);
  const index = await openIndex("/pagefind/", "/");
  const found = await index.search(words, filters, newest);
  return found.results.map((result) => result.id);
}"""


def beatgen(site: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "beatgen", "build", "--source", str(site), "--output", str(site / "public"),
            "--now", NOW, "--quiet", *extra]


def prepare_site(work: Path, stories: int) -> Path:
    """The corpus with the repository's layouts and static files, its pages built (no search index)."""
    site = prepare(stories, work)
    for leftover in ("public", ".beatgen-cache"):
        shutil.rmtree(site / leftover, ignore_errors=True)
    measure(beatgen(site, "--no-search"))
    return site


def one_index(site: Path, root: Path) -> tuple[float, int]:
    """Pagefind over every story page of `site` into `root` (the pages hard-linked in), served by a search
    page that queries it as before shards. Returns Pagefind's seconds and peak memory (kB)."""
    from beatgen.engine.search_bundle import pagefind_executable
    from beatgen.engine.search_order import normalize_index

    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(site / "public", root, copy_function=os.link, ignore=shutil.ignore_patterns("pagefind"))
    sample, _ = measure([pagefind_executable(), "--site", str(root), "--output-path", str(root / "pagefind"),
                         "--glob", STORY_GLOB, "--silent"])
    normalize_index(root / "pagefind")
    page = root / "search" / "index.html"
    html = page.read_text(encoding="utf-8")
    page.unlink()
    page.write_text(re.sub(r'src="/static/js/search\.[0-9a-f]+\.js"', 'src="/one-index.js"', html), encoding="utf-8")
    (root / "one-index.js").write_text(ONE_INDEX_SCRIPT, encoding="utf-8")
    return sample.seconds, sample.largest_kb


@contextlib.contextmanager
def shard_size(site: Path, size: int | None) -> Iterator[None]:
    """The site's `search: shard_size` set to `size` for the time of the block (left alone for None)."""
    config = site / "site.yaml"
    original = config.read_text(encoding="utf-8")
    if size is not None:
        config.write_text(original + f"search:\n  shard_size: {size}\n", encoding="utf-8")
    try:
        yield
    finally:
        config.write_text(original, encoding="utf-8")


def one_bundle(site: Path, root: Path) -> None:
    """Every story in one shard (`search: shard_size` past the story count), built into `root`."""
    with shard_size(site, 1_000_000):
        shutil.rmtree(root, ignore_errors=True)
        measure([sys.executable, "-m", "beatgen", "build", "--source", str(site), "--output", str(root), "--now", NOW,
                 "--quiet", "--no-cache"])


def shard_index(site: Path, runs: int) -> list[tuple[str, float, int, int]]:
    """`beatgen build` over built pages: the whole index cold, then after editing a new and an old story."""
    rows = []
    for _ in range(runs):
        shutil.rmtree(site / "public" / "pagefind", ignore_errors=True)
        cold, _ = measure(beatgen(site))
        rows.append(("cold", cold.seconds, cold.largest_kb, cold.summed_kb))
    stories = sorted((site / "content" / "stories").rglob("*.md"))
    edits = (("newest story edited", stories[-1]), ("story of 2 years ago edited", stories[len(stories) // 3]))
    for label, story in edits:
        for round_ in range(runs):
            story.write_text(story.read_text(encoding="utf-8").rstrip("\n") + f" Edit {round_}.\n", encoding="utf-8")
            measure(beatgen(site, "--no-search"))
            edited, _ = measure(beatgen(site))
            rows.append((label, edited.seconds, edited.largest_kb, edited.summed_kb))
    return rows


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder and adds every byte it sends (headers and body) to the server's `sent` counter."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        return

    def setup(self) -> None:
        super().setup()
        counted, server = self.wfile, self.server

        class Counter:
            def write(self, data: bytes) -> int:
                server.sent += len(data)  # type: ignore[attr-defined]
                return counted.write(data)

            def __getattr__(self, name: str) -> object:
                return getattr(counted, name)

        self.wfile = Counter()  # type: ignore[assignment]


def serve(root: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(root)))
    server.sent = 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def parse(query: str) -> tuple[str | None, dict[str, str]]:
    """A search page query string's words (None without) and filters."""
    fields = dict(parse_qsl(query))
    return fields.get("q") or None, {name: fields[name] for name in FACETS if name in fields}


def first_search_bytes(browser: object, server: http.server.ThreadingHTTPServer, query: str) -> tuple[int, int]:
    """What opening the search page on `query` fetches until its results show: as Chromium counts it (bodies
    and headers of every request, the Pagefind worker's included) and as the server sent it."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    fetched: list[int] = []
    context.on("requestfinished", lambda request: fetched.append(sum(max(0, size) for size in (
        request.sizes()["responseBodySize"], request.sizes()["responseHeadersSize"]))))
    server.sent = 0  # type: ignore[attr-defined]
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/?{query}")
    page.wait_for_function("() => /found/.test(document.getElementById('search-status').textContent)", timeout=120_000)
    page.wait_for_timeout(500)
    sent = server.sent  # type: ignore[attr-defined]
    context.close()
    return sum(fetched), sent


def found_ids(browser: object, server: http.server.ThreadingHTTPServer, script: str, args: list[object]) -> list[str]:
    """Every story one search finds, in order, on a fresh page (Pagefind keeps the word chunks it loaded).
    Pagefind only logs a file it failed to fetch and searches on without it, so a failed request or a
    logged error is told on stderr: the stories found may then be short."""
    page = browser.new_page()  # type: ignore[attr-defined]
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda message: failed.extend([message.text] if message.type == "error" else []))
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/404.html")
    ids = page.evaluate(script, args)
    page.close()
    if failed:
        print(f"warning: {len(failed)} failed requests or errors searching {args[-3:]}, e.g. {failed[0][:160]}",
              file=sys.stderr)
    return ids


@dataclass
class Searched:
    """One search of the queries file, on the three indexes."""

    query: str
    before: tuple[int, int]
    """Bytes of the first search with one plain Pagefind index (Chromium's count, the server's)."""
    after: tuple[int, int]
    """The same with the shards."""
    found: int
    as_bundle: tuple[bool, bool, float]
    """Against one bundle chunked as the shards are: the same stories, the same date order, the top-ten overlap."""
    as_before: tuple[bool, bool, float]
    """Against one plain Pagefind index."""


def agreement(ours: tuple[list[str], list[str]], theirs: tuple[list[str], list[str]]) -> tuple[bool, bool, float]:
    """Two indexes' (date order, relevance order) results: same set, same date order, top-ten overlap."""
    top = min(10, len(theirs[1])) or 1
    return set(ours[1]) == set(theirs[1]), ours[0] == theirs[0], len(set(ours[1][:10]) & set(theirs[1][:10])) / top


def compare(site: Path, plain: Path, bundle: Path, queries: list[str]) -> list[Searched]:
    from playwright.sync_api import sync_playwright

    servers = {"plain": serve(plain), "bundle": serve(bundle), "shards": serve(site / "public")}
    loaders = {name: re.search(r'data-index="([^"]+)"', (root / "search" / "index.html").read_text()).group(1)
               for name, root in (("bundle", bundle), ("shards", site / "public"))}
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True)

        def ids(name: str, words: str | None, filters: dict[str, str]) -> tuple[list[str], list[str]]:
            script, args = (ONE_INDEX_IDS, []) if name == "plain" else (SHARDS_IDS, [loaders[name]])
            return tuple(found_ids(browser, servers[name], script, [*args, words, filters, newest])  # type: ignore[return-value]
                         for newest in (True, False))

        for query in queries:
            words, filters = parse(query)
            found = {name: ids(name, words, filters) for name in servers}
            ours = found["shards"]
            rows.append(Searched(query, first_search_bytes(browser, servers["plain"], query),
                                 first_search_bytes(browser, servers["shards"], query), len(ours[0]),
                                 agreement(ours, found["bundle"]), agreement(ours, found["plain"])))
        browser.close()
    return rows


def report(index: tuple[float, int], shards: list[tuple[str, float, int, int]], rows: list[Searched]) -> None:
    print(f"\nOne plain Pagefind index, cold: {index[0]:.1f} s, Pagefind's peak {index[1] / 1024:.0f} MB "
          f"(an edit re-indexes every story: the same again)")
    print(f"{'shards (beatgen build over built pages)':<44}{'wall s':>8}{'largest MB':>12}{'summed MB':>11}")
    for label in dict.fromkeys(row[0] for row in shards):
        seconds, largest, summed = (statistics.median(row[n] for row in shards if row[0] == label) for n in (1, 2, 3))
        print(f"{label:<44}{seconds:>8.2f}{largest / 1024:>12.0f}{summed / 1024:>11.0f}")
    if not rows:
        return
    print(f"\n{'':<46}{'first search, kB':^28}{'':>6}{'as one bundle':^19}{'as one plain index':^19}")
    print(f"{'search':<46}{'plain index':>14}{'shards':>14}{'ratio':>6}{'found':>7}{'set':>5}{'date':>5}{'top10':>7}"
          f"{'set':>5}{'date':>5}{'top10':>7}")
    for row in rows:
        print(f"{row.query[:45]:<46}{row.before[0] / 1024:>7.0f}/{row.before[1] / 1024:<6.0f}"
              f"{row.after[0] / 1024:>7.0f}/{row.after[1] / 1024:<6.0f}{row.after[0] / row.before[0]:>6.2f}"
              f"{row.found:>7}"
              + "".join(f"{_yes(same):>5}{_yes(ordered):>5}{overlap:>7.0%}"
                        for same, ordered, overlap in (row.as_bundle, row.as_before)))
    ratios = [row.after[0] / row.before[0] for row in rows]
    print(f"\nfirst-search bytes, shards / plain index (Chromium's count; the server's adds the worker script): "
          f"median {statistics.median(ratios):.2f}, max {max(ratios):.2f}")
    for label, pick in (("one bundle", lambda r: r.as_bundle), ("one plain index", lambda r: r.as_before)):
        agree = [pick(row) for row in rows]
        print(f"as {label}: same stories in {sum(a[0] for a in agree)}/{len(rows)} searches, same date order in "
              f"{sum(a[1] for a in agree)}/{len(rows)}; top-10 overlap by relevance: mean "
              f"{statistics.mean(a[2] for a in agree):.0%}, lowest {min(a[2] for a in agree):.0%}")


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description="Compare the sharded search index with one Pagefind index.")
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1, help="runs of each timing (medians are shown)")
    parser.add_argument("--queries", type=Path, default=REPO / "bench" / "search_queries.txt")
    parser.add_argument("--work", type=Path, default=REPO / "bench")
    parser.add_argument("--shard-size", type=int, help="the shards' `search: shard_size` (default: the site's)")
    parser.add_argument("--timings-only", action="store_true", help="time the indexes; search nothing in Chromium")
    args = parser.parse_args()
    queries = [line.strip() for line in args.queries.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    args.work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(snapshot(args.work)))
    site = prepare_site(args.work, args.stories)
    with shard_size(site, args.shard_size):
        shards = shard_index(site, args.runs)
    others = args.work / f"corpus{args.stories}-search"
    plain, bundle = others / "plain", others / "bundle"
    index = one_index(site, plain)
    if not args.timings_only:
        one_bundle(site, bundle)
    report(index, shards, [] if args.timings_only else compare(site, plain, bundle, queries))


if __name__ == "__main__":
    main()
