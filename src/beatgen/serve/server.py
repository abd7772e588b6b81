"""`beatgen serve`: build into a private folder, serve it, rebuild on every save, reload the tabs.

The server never stops on a content or template error: the tabs show it over the last good
build until a save fixes it. A save that moves a story (a new date, topics, sources) shows the story's own
page first, then the whole site (`engine/first_look.py`). Only the first build makes the search index in
line; later ones reload the tabs as soon as their pages are written and leave the search shards they
changed to a background `SearchIndexer`, so search lags a save by a shard's Pagefind run while pages never
wait for it. The library reports what happens through events; the CLI prints them.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path

from beatgen.config import load_config
from beatgen.desk.live import LiveBoard
from beatgen.diagnostics import BuildError, Diagnostic, error
from beatgen.engine.cache import cache_folder
from beatgen.engine.guard import check_output
from beatgen.engine.output import OutputError
from beatgen.engine.pipeline import BuildResult, build, show_first
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.publish import Serving
from beatgen.engine.state import BuildState as WarmBuild
from beatgen.engine.text_edits import prime
from beatgen.serve.handler import bind
from beatgen.serve.hosts import AllowedHosts, is_loopback
from beatgen.serve.indexer import Indexed, SearchIndexer
from beatgen.serve.live import LiveState
from beatgen.serve.watch import Changes, watch


@dataclass(frozen=True)
class ServeOptions:
    site_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    drafts: bool = True
    future: bool = False
    now: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    """Host names answered besides the address served and localhost (`--allow-host`)."""


@dataclass(frozen=True)
class Listening:
    """The server is up; `busy_port` is the port asked for when it was taken and another was chosen;
    `exposed` when it listens on an address other machines can reach."""

    url: str
    output_dir: Path
    busy_port: int | None
    exposed: bool = False


@dataclass(frozen=True)
class Rebuilt:
    """One build finished: `changed` is empty for the first build; `result` is None when it failed."""

    changed: tuple[str, ...]
    seconds: float
    result: BuildResult | None
    problems: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class Shown:
    """A save that moves a story showed its own page first (`engine/first_look.py`); a `Rebuilt` follows."""

    changed: tuple[str, ...]
    seconds: float
    result: BuildResult


ServeEvent = Listening | Shown | Rebuilt | Indexed
Report = Callable[[ServeEvent], None]


def url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return "localhost"
    return f"[{host}]" if ":" in host else host


def rebuild(options: BuildOptions, live: LiveState, changed: tuple[str, ...], report: Report,
            warm: WarmBuild | None = None, publishing: AbstractContextManager[object] | None = None
            ) -> BuildResult | None:
    """Build once; whatever goes wrong becomes problems shown in the tabs, never an exception.

    `warm` is the build state kept in memory between rebuilds, so a save re-reads and re-renders only
    what it touched instead of loading the persistent cache again; `publishing` is the server's lock
    that a rebuild holds while its files go live.
    """
    started = time.perf_counter()
    result = None
    announced: list[list[Diagnostic]] = []

    def went_live(problems: list[Diagnostic]) -> None:
        live.publish(problems)
        announced.append(problems)

    serving = Serving(publishing, went_live) if publishing is not None else None
    try:
        result = build(options, state=warm, serving=serving, changed=frozenset(changed) if changed else None)
        problems = list(result.diagnostics)
    except BuildError as exc:
        problems = exc.diagnostics
    except OutputError as exc:
        problems = [error(options.output_dir.name, 1, 1, "output", str(exc))]
    except Exception as exc:  # noqa: BLE001 - a preview server outlives any one failed build
        problems = [error("beatgen", 1, 1, "internal-error", f"{type(exc).__name__}: {exc}")]
    if announced != [problems]:  # the tabs heard of the pages as they went live, unless the build ended otherwise
        live.publish(problems)
    report(Rebuilt(changed, time.perf_counter() - started, result, tuple(problems)))
    return result


@dataclass(frozen=True)
class Session:
    """What every rebuild of one preview shares."""

    options: BuildOptions
    live: LiveState
    report: Report
    warm: WarmBuild
    indexer: SearchIndexer
    publishing: AbstractContextManager[object]


def rebuild_then_index(session: Session, changed: tuple[str, ...]) -> None:
    """Build with the search index until a build succeeds; after that without, then hand the indexer the
    build's search shards when they changed."""
    warm = session.warm
    first = not warm.pages
    before = warm.search_plan
    if changed and not first:
        look_first(session, changed)
    result = rebuild(replace(session.options, search=first), session.live, changed, session.report, warm,
                     session.publishing)
    if result is not None and not first and warm.search_plan is not None and warm.search_plan != before:
        session.indexer.refresh(warm.search_plan)
    if result is not None and not result.patched:
        prime(warm)


def look_first(session: Session, changed: tuple[str, ...]) -> None:
    """A save that moves a story: its own page first, and the tabs reloaded, before the whole build."""
    started = time.perf_counter()
    try:
        result = show_first(replace(session.options, search=False), session.warm,
                            Serving(session.publishing, session.live.publish), frozenset(changed))
    except Exception:  # noqa: BLE001 - the whole build that follows meets the same problem and reports it
        return
    if result is not None:
        session.report(Shown(changed, time.perf_counter() - started, result))


def _rebuild_on_change(changes: Changes, stop: threading.Event, session: Session) -> None:
    while not stop.is_set():
        changed = changes.take(stop)
        if changed:
            rebuild_then_index(session, tuple(sorted(changed)))


def one_at_a_time(report: Report) -> Report:
    """The builder and the indexer report from their own threads; one event is reported whole at a time."""
    lock = threading.Lock()

    def locked(event: ServeEvent) -> None:
        with lock:
            report(event)

    return locked


def serve(options: ServeOptions, report: Report) -> None:
    """Serve until interrupted (Ctrl-C raises KeyboardInterrupt here, after everything is stopped)."""
    load_config(options.site_dir)
    live, changes, stop, report = LiveState(), Changes(), threading.Event(), one_at_a_time(report)
    with tempfile.TemporaryDirectory(prefix="beatgen-serve-", ignore_cleanup_errors=True) as private:
        output = Path(private) / "public"
        check_output(output, options.site_dir, cache_folder(options.site_dir, None), replace=False)
        server = bind(options.host, options.port, output, live, AllowedHosts.of(options.host, options.allowed_hosts))
        server.desk = LiveBoard(options.site_dir, options.now).page
        port = server.server_address[1]
        build_options = BuildOptions(options.site_dir, output, drafts=options.drafts, future=options.future,
                                     base_url=f"http://{url_host(options.host)}:{port}/", now=options.now,
                                     preview=True, embargoed=True)
        observer = watch(options.site_dir, changes)
        session = Session(build_options, live, report, WarmBuild(), SearchIndexer(output, report),
                          server.publishing)
        indexer = session.indexer
        builder = threading.Thread(target=_rebuild_on_change, args=(changes, stop, session), name="beatgen-rebuild",
                                   daemon=True)
        try:
            rebuild_then_index(session, ())
            busy = options.port if options.port and port != options.port else None
            report(Listening(f"http://{url_host(options.host)}:{port}/", output, busy, not is_loopback(options.host)))
            indexer.start()
            builder.start()
            server.serve_forever(poll_interval=0.25)
        finally:
            stop.set()
            indexer.stop(2)
            live.close()
            observer.stop()
            server.server_close()
            observer.join(2)
            if builder.is_alive():  # a rebuild in flight writes into the folder about to be removed: no use waiting
                builder.join(2)
