"""The sharded search index against one Pagefind index over every story, on the generated bench corpus.

    python bench/search_compare.py [--stories 10000] [--runs 1] [--queries bench/search_queries.txt] [--work DIR]

The corpus's pages are built once (`beatgen build --no-search`), then indexed two ways:
- shards: `beatgen build`, which, the pages being built already, only indexes them (its shards and
  lexicon): cold, then after one story's text is edited (the newest story, then one two years old);
- one index: Pagefind's CLI over every story page into `pagefind/`, as beatgen built it before shards,
  served with a search page that queries it as the search page did then.
Printed: the time and peak memory (largest process, and summed over the build's processes) of each;
for each search of the queries file, the bytes Chromium fetches for that first search on a fresh search
page (Debian's /usr/bin/chromium through Playwright, never a downloaded browser), the stories each
index finds (the same set, and the same order by date) and the overlap of their top ten by relevance.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qsl

from corpus import REPO, write_corpus
from run import NOW, measure, snapshot

STORY_GLOB = "stories/*/*/*/index.html"
FACETS = ("topic", "sentiment", "impact", "year")
CHROMIUM = os.environ.get("BEATGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"]
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
    site = work / f"corpus{stories}"
    if not (site / "site.yaml").exists():
        write_corpus(site, stories)
    for part in ("layouts", "static"):
        shutil.rmtree(site / part, ignore_errors=True)
        shutil.copytree(REPO / part, site / part)
    for leftover in ("public", ".beatgen-cache"):
        shutil.rmtree(site / leftover, ignore_errors=True)
    measure(beatgen(site, "--no-search"))
    return site


def one_index(site: Path, root: Path) -> tuple[float, int]:
    """Pagefind over every story page of `site` into `root` (the pages hard-linked in), served by a search
    page that queries it as before shards. Returns Pagefind's seconds and peak memory (kB)."""
    from beatgen.build.search_bundle import pagefind_executable
    from beatgen.build.search_order import normalize_index

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
    """Every story one search finds, in order, on a fresh page (Pagefind keeps the word chunks it loaded)."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/404.html")
    ids = page.evaluate(script, args)
    page.close()
    return ids


def compare(site: Path, one: Path, queries: list[str]) -> list[tuple[str, int, int, int, int, bool, bool, float]]:
    from playwright.sync_api import sync_playwright

    loader = re.search(r'data-index="([^"]+)"', (site / "public" / "search" / "index.html").read_text()).group(1)
    single, shards = serve(one), serve(site / "public")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        for query in queries:
            words, filters = parse(query)
            sizes = (*first_search_bytes(browser, single, query), *first_search_bytes(browser, shards, query))
            by_date = [found_ids(browser, single, ONE_INDEX_IDS, [words, filters, True]),
                       found_ids(browser, shards, SHARDS_IDS, [loader, words, filters, True])]
            ranked = [found_ids(browser, single, ONE_INDEX_IDS, [words, filters, False]),
                      found_ids(browser, shards, SHARDS_IDS, [loader, words, filters, False])]
            top = min(10, len(ranked[0])) or 1
            overlap = len(set(ranked[0][:10]) & set(ranked[1][:10])) / top
            rows.append((query, *sizes, len(by_date[0]), set(ranked[0]) == set(ranked[1]), by_date[0] == by_date[1],
                         overlap))
        browser.close()
    return rows


def report(index: tuple[float, int], shards: list[tuple[str, float, int, int]], rows: list) -> None:
    print(f"\nOne Pagefind index, cold: {index[0]:.1f} s, Pagefind's peak {index[1] / 1024:.0f} MB "
          f"(an edit re-indexes every story: the same again)")
    print(f"{'shards (beatgen build over built pages)':<44}{'wall s':>8}{'largest MB':>12}{'summed MB':>11}")
    for label in dict.fromkeys(row[0] for row in shards):
        seconds, largest, summed = (statistics.median(row[n] for row in shards if row[0] == label) for n in (1, 2, 3))
        print(f"{label:<44}{seconds:>8.2f}{largest / 1024:>12.0f}{summed / 1024:>11.0f}")
    print(f"\n{'first search (kB: Chromium / server)':<54}{'one index':>14}{'shards':>14}{'ratio':>7}"
          f"{'found':>7}{'same':>6}{'date order':>11}{'top 10':>7}")
    for query, one_c, one_s, many_c, many_s, count, same, ordered, overlap in rows:
        print(f"{query[:53]:<54}{one_c / 1024:>7.0f}/{one_s / 1024:<6.0f}{many_c / 1024:>7.0f}/{many_s / 1024:<6.0f}"
              f"{many_c / one_c:>7.2f}{count:>7}{_yes(same):>6}{_yes(ordered):>11}{overlap:>7.0%}")
    ratios = [row[3] / row[1] for row in rows]
    print(f"\nbytes, shards / one index (Chromium's count): median {statistics.median(ratios):.2f}, "
          f"max {max(ratios):.2f}; same stories in {sum(r[6] for r in rows)}/{len(rows)} searches, same date order "
          f"in {sum(r[7] for r in rows)}/{len(rows)}; top-10 overlap by relevance: mean "
          f"{statistics.mean(r[8] for r in rows):.0%}, lowest {min(r[8] for r in rows):.0%}")


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    parser = argparse.ArgumentParser(description="Compare the sharded search index with one Pagefind index.")
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1, help="runs of each timing (medians are shown)")
    parser.add_argument("--queries", type=Path, default=REPO / "bench" / "search_queries.txt")
    parser.add_argument("--work", type=Path, default=REPO / "bench")
    args = parser.parse_args()
    queries = [line.strip() for line in args.queries.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    args.work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(snapshot(args.work)))
    site = prepare_site(args.work, args.stories)
    shards = shard_index(site, args.runs)
    one = args.work / f"corpus{args.stories}-one-index"
    index = one_index(site, one)
    report(index, shards, compare(site, one, queries))


if __name__ == "__main__":
    main()
