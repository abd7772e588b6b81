"""`beatgen serve`: the HTTP side (only the output folder, MIME types, 404 page, reload script),
the watcher's filters and debounce, the background search indexer, and a real server process
stopped with Ctrl-C."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from servekit import serving
from sitekit import copy_site
from test_faults import RENAMES, big_site, stalled, steady
from test_search_index import fragments
from watchdog.events import DirModifiedEvent, DirMovedEvent, FileClosedNoWriteEvent, FileModifiedEvent, FileMovedEvent

from beatgen.engine.marker import MARKER
from beatgen.engine.pipeline import build
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.search_plan import SearchPlan, Shard
from beatgen.engine.state import BuildState
from beatgen.serve.handler import CLIENT, EVENTS, REFUSED, inject, resolve
from beatgen.serve.indexer import Indexed, SearchIndexer
from beatgen.serve.watch import Changes, _Relay, is_scratch

NOW = "2026-06-01T00:00:00Z"


def test_resolve_keeps_every_request_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "public"
    (root / "a").mkdir(parents=True)
    (root / "a" / "index.html").write_text("ok")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link").symlink_to(tmp_path)
    assert resolve(root, "/a/index.html?x=1") == root / "a" / "index.html"
    assert resolve(root, "/") == root
    for bad in ("/../secret.txt", "/%2e%2e/secret.txt", "/a/%2E%2E/%2e%2e/secret.txt", "/a/..%2f..%2fsecret.txt",
                "/a/%5c..%5csecret.txt", "/link/secret.txt", "/a/%00", "/./a/"):
        assert resolve(root, bad) is None, bad


def test_reload_script_goes_before_the_last_body_end() -> None:
    page = inject(b"<html><body><p>x</p></BODY></html>", 7)
    assert page.startswith(b"<html><body><p>x</p><script src=\"" + CLIENT.encode())
    assert b'data-version="7"' in page and page.endswith(b"</BODY></html>")
    assert inject(b"<p>fragment</p>", 1).startswith(b"<p>fragment</p><script")


def test_editor_scratch_files_are_ignored() -> None:
    for name in (".alpha.md.swp", "alpha.md~", "#alpha.md#", ".#alpha.md", "4913", "alpha.md.tmp"):
        assert is_scratch(name), name
    assert not is_scratch("alpha.md") and not is_scratch("site.yaml")


def test_only_site_sources_count_as_changes(tmp_path: Path) -> None:
    changes = Changes()
    relay = _Relay(tmp_path, changes)
    story = tmp_path / "content" / "stories" / "2026" / "03"
    for event in (FileModifiedEvent(str(story / "a.md")), FileModifiedEvent(str(story / "sedX1y2Z3")),
                  FileClosedNoWriteEvent(str(story / "b.md")), FileModifiedEvent(str(tmp_path / "public" / "x.html")),
                  FileMovedEvent(str(story / ".c.md.swp"), str(story / "c.md")), DirModifiedEvent(str(story)),
                  DirMovedEvent(str(story), str(story.parent / "04")),
                  FileModifiedEvent(str(tmp_path / "site.yaml")), FileModifiedEvent(str(tmp_path / "notes.txt")),
                  FileModifiedEvent(str(tmp_path / "layouts" / "base.html"))):
        relay.on_any_event(event)
    assert changes.take(threading.Event(), quiet=0.01) == {
        "content/stories/2026/03/a.md", "content/stories/2026/03/c.md", "content/stories/2026/03",
        "content/stories/2026/04", "site.yaml",
        "layouts/base.html"}


def test_a_burst_of_saves_gives_one_batch() -> None:
    changes, stop = Changes(), threading.Event()

    def burst() -> None:
        for name in ("a.md", "b.md", "a.md", "c.md"):
            changes.add(name)
            time.sleep(0.03)

    threading.Thread(target=burst).start()
    started = time.monotonic()
    assert changes.take(stop, quiet=0.1) == {"a.md", "b.md", "c.md"}
    assert time.monotonic() - started >= 0.15


def _get(url: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """A raw request: the path goes on the wire exactly as written (no client-side normalising)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.fixture(scope="module")
def served_mini(tmp_path_factory: pytest.TempPathFactory):
    site = copy_site("mini", tmp_path_factory.mktemp("serve") / "site")
    with serving(site, "--now", NOW) as served:
        yield site, served


def test_serve_answers_only_from_the_output_folder(served_mini) -> None:
    site, served = served_mini
    for path in ("/../site.yaml", "/%2e%2e/site.yaml", "/../../site.yaml", "/%2e%2e/%2e%2e/site.yaml",
                 "/stories/..%2f..%2f..%2fsite.yaml", "/%2E%2E%2F%2E%2E%2Fsite.yaml", "/content/pages/about.md"):
        status, headers, body = _get(served.url, path)
        assert status == 404, path
        assert b"Mini Beat" in body and b"mini beat is a test newsroom" not in body.lower(), path
        assert headers["content-type"] == "text/html; charset=utf-8"


def test_serve_types_pages_and_redirects(served_mini) -> None:
    _, served = served_mini
    status, headers, body = _get(served.url, "/stories/2026/03/alpha/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"Alpha command orders new IAMD batteries" in body and CLIENT.encode() in body
    assert headers["cache-control"] == "no-store", "a page is fetched again on every reload"
    css = next(p for p in body.decode().split('"') if p.startswith("/static/css/site.") and p.endswith(".css"))
    status, headers, _ = _get(served.url, css)
    assert headers["content-type"] == "text/css; charset=utf-8"
    assert headers["cache-control"] == "max-age=31536000, immutable", "a content-hashed file is kept by the tab"
    assert _get(served.url, "/static/favicon.svg")[0] == 404
    status, headers, _ = _get(served.url, "/about")
    assert status == 301 and headers["location"] == "/about/"
    status, headers, body = _get(served.url, CLIENT)
    assert status == 200 and headers["content-type"].startswith("text/javascript") and b"EventSource" in body


def test_serve_previews_drafts_with_a_banner_that_builds_never_carry(served_mini, beatgen) -> None:
    site, served = served_mini
    status, _, body = _get(served.url, "/stories/2026/03/gamma/")
    assert status == 200 and b"preview-banner banner-draft" in body
    assert beatgen("build", "--source", site, "--now", NOW, "--drafts", "--quiet").code == 0
    built = site / "public"
    assert (built / "stories" / "2026" / "03" / "gamma" / "index.html").exists()
    for path in built.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert 'class="preview-banner' not in page and CLIENT not in page, path


def test_a_busy_port_moves_to_the_next_with_a_message(tmp_path: Path) -> None:
    site = copy_site("mini", tmp_path / "site")
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        with serving(site, "--now", NOW, "--port", str(port)) as served:
            assert f"Port {port} is in use" in "\n".join(served.seen)
            assert urlsplit(served.url).port != port
            assert _get(served.url, "/")[0] == 200
            assert served.stop() == 0
            served.wait_for(r"^Stopped\.$")
    finally:
        blocker.close()


def test_a_rebuild_prints_its_time_and_a_broken_file_keeps_the_server_up(tmp_path: Path) -> None:
    site = copy_site("mini", tmp_path / "site")
    story = site / "content" / "stories" / "2026" / "02" / "beta.md"
    with serving(site, "--now", NOW) as served:
        story.write_text(story.read_text().replace("impact:", "impact: 11\nx_impact:"))
        served.wait_for(r"beta\.md:\d+:\d+: error: impact must be an integer")
        served.wait_for(r"FAILED in \d+\.\d+s")
        assert _get(served.url, "/stories/2026/02/beta/")[0] == 200
        story.write_text(story.read_text().replace("impact: 11\nx_impact:", "impact:"))
        served.wait_for(r"Rebuilt after content/stories/2026/02/beta\.md: 4 stories, \d+ pages in \d+\.\d+s")


def test_a_save_reloads_at_once_and_the_search_index_catches_up_after(tmp_path: Path) -> None:
    site = copy_site("mini", tmp_path / "site")
    beta = site / "content" / "stories" / "2026" / "02" / "beta.md"
    with serving(site, "--now", NOW, "--verbose") as served:
        output = Path(served.wait_for(r"^Preview output: (.+)$").group(1))
        assert "quokka" not in fragments(output)["/stories/2026/02/beta/"]["content"]
        beta.write_text(beta.read_text().replace("on schedule at", "with a quokka sighting at"))
        served.wait_for(r"^Rebuilt after content/stories/2026/02/beta\.md: ")
        assert not [line for line in served.seen if line.startswith("Search index")]
        assert b"quokka" in _get(served.url, "/stories/2026/02/beta/")[2]
        assert b"quokka" in _get(served.url, "/feed.xml")[2]  # the feeds' entries are made afresh too
        served.wait_for(r"^Search index refreshed in \d+\.\ds \(1 of 1 shards re-indexed\)$")
        assert "quokka" in fragments(output)["/stories/2026/02/beta/"]["content"]


def _waited(events: list[Indexed], count: int, seconds: float = 10.0) -> list[Indexed]:
    deadline = time.monotonic() + seconds
    while len(events) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return events


@pytest.fixture
def mini_plan(mini_site: Path) -> tuple[Path, SearchPlan]:
    """The mini site built with its index, and its search shards."""
    state = BuildState()
    build(BuildOptions(mini_site, mini_site / "public", now=NOW), state=state)
    assert state.search_plan is not None
    return mini_site / "public", state.search_plan


def test_refreshes_asked_during_a_run_fold_into_one_more_run(mini_plan: tuple[Path, SearchPlan]) -> None:
    public, plan = mini_plan
    shutil.rmtree(public / "pagefind")
    events: list[Indexed] = []
    indexer = SearchIndexer(public, events.append)
    indexer.start()
    try:
        for _ in range(5):
            indexer.refresh(plan)
        _waited(events, 1)
        time.sleep(1.0)
        assert 1 <= len(events) <= 2 and all(event.problem is None for event in events), events
        assert (events[0].built, events[0].shards) == (1, 1)
        indexer.refresh(plan)
        assert len(_waited(events, len(events) + 1)) in (2, 3)
        assert events[-1].built == 0, "a shard the index holds is not indexed again"
        assert "alpha" in str(fragments(public))
    finally:
        indexer.stop()


def test_a_failed_refresh_is_reported_and_the_indexer_goes_on(mini_plan: tuple[Path, SearchPlan]) -> None:
    built_mini, plan = mini_plan
    events: list[Indexed] = []
    public = built_mini.rename(built_mini.with_name("elsewhere"))
    indexer = SearchIndexer(built_mini, events.append)
    indexer.start()
    try:
        indexer.refresh(plan)
        [failed] = _waited(events, 1)
        assert failed.problem is not None and str(built_mini) in failed.problem
        public.rename(built_mini)
        indexer.refresh(plan)
        assert _waited(events, 2)[1].problem is None
    finally:
        indexer.stop()


def _pagefind_child() -> int | None:
    """The pid of a Pagefind process this test process started, if one runs."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
        except OSError:
            continue
        name, fields = rest.rsplit(") ", 1)
        if name == "pagefind" and int(fields.split()[1]) == os.getpid():
            return int(pid)
    return None


def _many_stories(built: Path, dest: Path, copies: int) -> Path:
    """The built sample with each story page linked in `copies` times more: Pagefind takes seconds over it."""
    output = shutil.copytree(built, dest, copy_function=os.link)
    for page in list((output / "stories").glob("*/*/*/index.html")):
        for n in range(copies):
            twin = page.parent.with_name(f"{page.parent.name}-{n}") / "index.html"
            twin.parent.mkdir()
            os.link(page, twin)
    return output


def test_stopping_the_indexer_kills_pagefind_and_keeps_the_last_index(built_sample: Path, tmp_path: Path) -> None:
    output = _many_stories(built_sample, tmp_path / "public", 40)
    entry = output / "pagefind" / "shards.json"
    before = entry.stat().st_ino
    events: list[Indexed] = []
    indexer = SearchIndexer(output, events.append)
    indexer.start()
    pages = sorted(page.relative_to(output).as_posix() for page in (output / "stories").glob("*/*/*/index.html"))
    indexer.refresh(SearchPlan((Shard("0123456789abcdef", tuple(pages)),), "en", "fedcba9876543210"))
    deadline, child = time.monotonic() + 10, None
    while child is None and time.monotonic() < deadline:
        child = _pagefind_child()
    assert child is not None
    indexer.stop()
    assert not events, "the run ended before it was stopped"
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    assert "beatgen-search-index" not in {thread.name for thread in threading.enumerate()}
    assert entry.stat().st_ino == before
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".")) == [MARKER]  # beatgen's own list
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _naming(text: str) -> list[int]:
    """The processes whose command line holds `text`."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stopped_server_leaves_no_folder_and_no_process(tmp_path: Path, stop: signal.Signals) -> None:
    """Stopped by a process manager (SIGTERM) or a closed terminal (SIGHUP) while its background Pagefind
    runs, `serve` cleans up as on Ctrl-C: the private folder is gone and nothing it started lives on."""
    site = big_site(tmp_path / "site", 200)
    story = site / "content" / "stories" / "2026" / "01" / "generated-0.md"
    with serving(site, "--now", NOW, "--verbose") as served:
        private = Path(served.wait_for(r"^Preview output: (.+)$").group(1)).parent
        story.write_text(story.read_text() + "\nAn edit.\n")
        served.wait_for(r"^Rebuilt after content/stories/2026/01/generated-0\.md: ")
        deadline = time.monotonic() + 20
        while not [pid for pid in _naming(str(private)) if pid != served.process.pid]:
            assert time.monotonic() < deadline, "the background search index never started"
            time.sleep(0.01)
        served.process.send_signal(stop)
        assert served.process.wait(timeout=20) == 0
        served.wait_for(r"^Stopped\.$")
    assert not private.exists()
    assert _naming(str(private)) == [] and _naming(str(site)) == []


def test_a_request_during_a_rebuild_waits_until_every_file_is_in_place(tmp_path: Path) -> None:
    """`serve` renames a rebuild's files into its folder one by one while holding the lock its HTTP server
    reads files under. strace holds the rebuild after its first two renames: requests made then (for a page
    already renamed and one not yet) wait for the last rename and get the new pages, never a mix."""
    site = copy_site("mini", tmp_path / "site")
    with serving(site, "--now", NOW, "--verbose") as served:
        output = Path(served.wait_for(r"^Preview output: (.+)$").group(1))
        tracer = stalled(served.process, f"{RENAMES}:delay_enter=3000000:when=3", "-f")
        try:
            config = site / "site.yaml"
            config.write_text(config.read_text().replace("title: Mini Beat", "title: Mini Beat Renamed"))
            renamed = steady(lambda: sum(b"Mini Beat Renamed" in page.read_bytes()
                                         for page in output.rglob("*.html")) == 2)
            deadline = time.monotonic() + 30
            while not renamed():
                assert time.monotonic() < deadline, "the rebuild was never held after its second rename"
            started = time.monotonic()
            pages = [_get(served.url, path) for path in ("/", "/about/", "/stories/2026/03/alpha/")]
            assert time.monotonic() - started > 1.0, "a request was answered while the rebuild was half done"
            assert all(status == 200 and b"Mini Beat Renamed" in body for status, _, body in pages)
        finally:
            tracer.kill()
            tracer.wait()


def _ask(url: str, path: str, host: str | None, method: str = "GET") -> tuple[int, str, bytes]:
    """A request with the Host header given (None: no Host header at all): status, type and body (the event
    stream never ends: its first line)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    kind = response.getheader("Content-Type") or ""
    body = b"" if method == "HEAD" else response.readline() if kind == "text/event-stream" else response.read()
    connection.close()
    return response.status, kind, body


ANSWERED = ("127.0.0.1:{port}", "127.0.0.1", "localhost:{port}", "localhost", "LocalHost:{port}", "[::1]:{port}",
            "[::1]", "preview.example", "Preview.Example:8080")
REFUSED_HOSTS = ("evil.example:{port}", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example:{port}",
                 "10.0.0.7:{port}", "[::1", "localhost:http", "")


def test_serve_answers_only_its_own_host_names(tmp_path: Path) -> None:
    """DNS rebinding: a page the writer visits points its own name at 127.0.0.1 and reads the preview. Every
    answer (pages, the reload script, the event stream) goes only to the preview's address, localhost and the
    names allowed with --allow-host, with or without a port; anything else, or no Host at all, gets 403."""
    site = copy_site("mini", tmp_path / "site")
    with serving(site, "--now", NOW, "--allow-host", "preview.example") as served:
        port = urlsplit(served.url).port
        paths = ("/", "/stories/2026/03/gamma/", CLIENT, EVENTS, "/no-such-page/")
        for host in ANSWERED:
            for path in paths:
                status, kind, body = _ask(served.url, path, host.format(port=port))
                assert status == (404 if path == "/no-such-page/" else 200), (host, path)
                assert path != EVENTS or (kind == "text/event-stream" and body.startswith(b"data: ")), (host, kind)
        for host in (*REFUSED_HOSTS, None):
            for path in paths:
                shown = None if host is None else host.format(port=port)
                assert _ask(served.url, path, shown) == (403, "text/plain; charset=utf-8", REFUSED), (host, path)
                assert _ask(served.url, path, shown, "HEAD")[0] == 403, (host, path)


def test_serving_on_every_address_warns_and_answers_its_addresses(tmp_path: Path) -> None:
    site = copy_site("mini", tmp_path / "site")
    with serving(site, "--now", NOW, "--host", "0.0.0.0") as served:
        assert ("warning: serving on 0.0.0.0, an address other machines can reach: anyone on the network can read "
                "this preview, drafts and embargoed stories included; use --host 127.0.0.1 to keep it on this "
                "machine") in served.seen
        port = urlsplit(served.url).port
        assert _ask(served.url, "/", f"192.0.2.7:{port}")[0] == 200
        assert _ask(served.url, "/", f"localhost:{port}")[0] == 200
        assert _ask(served.url, "/", f"rebound.example:{port}")[0] == 403
    with serving(site, "--now", NOW) as served:
        assert not [line for line in served.seen if line.startswith("warning:")]


def test_a_save_that_moves_a_story_shows_its_page_first_then_rebuilds_the_site(tmp_path: Path) -> None:
    site = copy_site("mini", tmp_path / "site")
    beta = site / "content" / "stories" / "2026" / "02" / "beta.md"
    with serving(site, "--now", NOW) as served:
        beta.write_text(beta.read_text().replace("date: 2026-02-10", "date: 2026-02-12").replace(
            "on schedule at", "on a new day at"))
        served.wait_for(r"^Showed content/stories/2026/02/beta\.md first in \d+\.\d+s; the whole site follows$")
        served.wait_for(r"^Rebuilt after content/stories/2026/02/beta\.md: 4 stories, ")
        page = _get(served.url, "/stories/2026/02/beta/")[2]
        assert b"on a new day at" in page and b"2026-02-12" in page
