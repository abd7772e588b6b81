"""The `beatgen` command: argument parsing, exit codes and output formats over the library.

Exit codes: 0 success; 1 content, template or link errors (nothing published); 2 usage or
configuration errors. No content error ever ends in a traceback.

The modules of the other commands (the server, the desk, scaffolding, moving stories) are imported by
the command that runs them: every `beatgen build` would otherwise load them, a tenth of a second of a
warm build's half second.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import re
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from beatgen import __version__
from beatgen.config import SiteConfig
from beatgen.content.sitedata import load_site_config
from beatgen.content.topics import TOPICS_FILE
from beatgen.diagnostics import BuildError, ConfigError, Diagnostic, error, format_all, has_errors, strict
from beatgen.engine.clock import resolve_now
from beatgen.engine.guard import OutputRefused
from beatgen.engine.output import OutputError
from beatgen.engine.pipeline import BuildResult, build, check
from beatgen.engine.prepared import BuildOptions
from beatgen.progress import BuildProgress, progress_mode

if TYPE_CHECKING:
    from beatgen.relocate import Moved
    from beatgen.serve import Indexed, Rebuilt, ServeEvent

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
STOP_SIGNALS = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
"""Stop `serve` as Ctrl-C does, cleaning up: a process manager's stop, a closed terminal."""


def _site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", type=Path, default=Path("."), help="the site folder (with site.yaml)")
    parser.add_argument("--drafts", action="store_true", help="include stories marked draft: true")
    parser.add_argument("--future", action="store_true", help="include stories dated after now")
    parser.add_argument("--now", help="the build's clock, e.g. 2026-03-15T06:00:00Z (default: "
                                      "SOURCE_DATE_EPOCH, else the wall clock)")
    parser.add_argument("--base-url", help="override base_url of site.yaml")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="beatgen", description="Build the space & defense news beat.")
    parser.add_argument("--version", action="version", version=f"beatgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the site into the output folder")
    _site_arguments(build_cmd)
    build_cmd.add_argument("--output", type=Path, default=None, help="output folder (default: SOURCE/public)")
    build_cmd.add_argument("--jobs", type=int, default=0, help="worker processes (default: the cores available)")
    build_cmd.add_argument("--cache-dir", type=Path, default=None,
                           help="build cache folder (default: BEATGEN_CACHE_DIR, else SOURCE/.beatgen-cache)")
    build_cmd.add_argument("--no-cache", action="store_true", help="build from scratch; leave the cache alone")
    build_cmd.add_argument("--no-search", action="store_true",
                           help="skip the Pagefind search index (the /search/ page then finds nothing)")
    build_cmd.add_argument("--replace-output", action="store_true",
                           help="build into a folder that holds files beatgen did not write, deleting them")
    build_cmd.add_argument("--preview", action="store_true",
                           help="a preview to share, never to publish: drafts, scheduled and embargoed stories under "
                                "their banners, noindex and a Preview bar on every page, no feeds, sitemaps or "
                                "search index (default output: SOURCE/preview)")
    _loudness(build_cmd)
    check_cmd = commands.add_parser("check", help="validate config, content, templates and links; write nothing")
    _site_arguments(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text",
                           help="text (default), json (a list of objects) or github (Actions annotations)")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd.add_argument("--quiet", action="store_true", help="no notes and no closing count of errors and warnings")
    _serve_parser(commands)
    _new_parser(commands)
    _desk_parser(commands)
    _relocate_parsers(commands)
    return parser


def _loudness(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    group.add_argument("--verbose", "-v", action="store_true", help="print each phase with its time")


def _serve_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild on save and reload the browser")
    cmd.add_argument("--source", type=Path, default=Path("."), help="the site folder (with site.yaml)")
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine)")
    cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000; the next free one if busy; "
                                                            "0: any free port)")
    cmd.add_argument("--no-drafts", dest="drafts", action="store_false", help="leave drafts out, as a build does")
    cmd.add_argument("--future", action="store_true", help="include stories dated after now")
    cmd.add_argument("--now", help="the preview's clock (default: SOURCE_DATE_EPOCH, else the wall clock)")
    cmd.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                     help="also answer requests sent to this host name (besides the address served and "
                          "localhost); repeat for more")
    _loudness(cmd)


def _desk_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser("desk", help="the editor's board: drafts, schedule, embargoes, single-source stories, "
                                           "recent corrections, passed dates to watch, missing pictures and reasons")
    cmd.add_argument("--source", type=Path, default=Path("."), help="the site folder (with site.yaml)")
    cmd.add_argument("--now", help="the desk's clock (default: SOURCE_DATE_EPOCH, else the wall clock)")
    cmd.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    cmd.add_argument("--html", type=Path, metavar="DIR", help="write the board as DIR/index.html instead, a private "
                                                              "page (never inside the site's sources or output)")


def _relocate_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rename = commands.add_parser("rename", help="give a story a new slug; its old URL redirects, and every link and "
                                                "timeline reference to it follows")
    rename.add_argument("story", help="the story's slug, YEAR/MONTH/slug or file path")
    rename.add_argument("slug", metavar="new-slug", help="the new slug (a-z, 0-9 and '-')")
    move = commands.add_parser("move", help="move a story to another month's folder, or give it another date (its "
                                            "URL follows the date; the old one redirects)")
    move.add_argument("story", help="the story's slug, YEAR/MONTH/slug or file path")
    move.add_argument("--to", metavar="YEAR/MONTH", help="the folder under content/stories/, e.g. 2026/05")
    move.add_argument("--date", help="the story's new date, e.g. 2026-05-12T08:00:00Z (the file follows it to its "
                                     "month's folder)")
    for cmd in (rename, move):
        cmd.add_argument("--source", type=Path, default=Path("."), help="the site folder (with site.yaml)")
        cmd.add_argument("--now", help="the clock `check` uses (default: SOURCE_DATE_EPOCH, else the wall clock)")


def _new_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = commands.add_parser("new", help="start a story, glossary term or page from a commented skeleton")
    kinds = cmd.add_subparsers(dest="kind", required=True, metavar="KIND")
    story = kinds.add_parser("story", help="content/stories/YYYY/MM/<slug>.md, a draft")
    story.add_argument("title")
    story.add_argument("--topic", action="append", default=[], help="a topic slug or name; repeat for more")
    story.add_argument("--date", help="the story's date, e.g. 2026-03-14 or 2026-03-14T09:30:00Z (default: now)")
    term = kinds.add_parser("term", help="content/glossary/<slug>.md")
    term.add_argument("title", metavar="term")
    page = kinds.add_parser("page", help="content/pages/<slug>.md")
    page.add_argument("title")
    topic = kinds.add_parser("topic", help=f"declare a topic in {TOPICS_FILE}")
    topic.add_argument("title", metavar="name", help='the name pages show, e.g. "Middle East" (slug: middle-east)')
    correction = kinds.add_parser("correction", help="append a dated correction to a story")
    correction.add_argument("story", help="the story's slug or its file path")
    correction.add_argument("title", metavar="text", help="the correction, one sentence of inline Markdown")
    correction.add_argument("--date", help="the correction's date (default: now)")
    for kind in (story, term, page):
        kind.add_argument("--slug", default="", help="the file name and URL slug (default: the title's words in "
                                                     "ASCII, transliterated from any script)")
    for kind in (story, term, page, topic, correction):
        kind.add_argument("--source", type=Path, default=Path("."), help="the site folder (with site.yaml)")


def _options(args: argparse.Namespace) -> BuildOptions:
    preview = getattr(args, "preview", False)
    output = getattr(args, "output", None) or args.source / ("preview" if preview else "public")
    return BuildOptions(site_dir=args.source, output_dir=output, drafts=args.drafts or preview,
                        future=args.future or preview, base_url=args.base_url, now=args.now,
                        jobs=getattr(args, "jobs", 0), embargoed=preview, preview=preview, shared=preview,
                        cache=not getattr(args, "no_cache", False), cache_dir=getattr(args, "cache_dir", None),
                        search=not (getattr(args, "no_search", False) or preview),
                        replace_output=getattr(args, "replace_output", False))


def _report(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    if diagnostics:
        print(format_all(diagnostics, fmt), file=sys.stderr if fmt == "text" else sys.stdout)


def _shown(diagnostics: list[Diagnostic], quiet: bool) -> list[Diagnostic]:
    """`--quiet` leaves out notes (embargoes, scheduled stories): they call for no action."""
    return [d for d in diagnostics if not (quiet and d.severity == "note")]


def _warnings(diagnostics: list[Diagnostic]) -> str:
    count = sum(d.severity == "warning" for d in diagnostics)
    return f"{count} warning{'s' * (count != 1)}"


def run_build(args: argparse.Namespace) -> int:
    progress = BuildProgress(sys.stderr, progress_mode(sys.stderr, args.quiet, args.verbose, os.environ))
    try:
        result = build(_options(args), progress)
    finally:
        progress.close()
    _report([d for d in result.diagnostics if d.severity == "error"] if args.quiet else result.diagnostics)
    if not args.quiet:
        _summary(result, _options(args).output_dir, args.preview)
    if args.preview:
        print(f"warning: {_options(args).output_dir}/ is a PREVIEW (drafts, scheduled and embargoed stories, "
              "noindex, no feeds, sitemaps or search): share it with the newsroom, never publish it to the live "
              "site", file=sys.stderr)
    return EXIT_OK


def _summary(result: BuildResult, output: Path, preview: bool) -> None:
    print(f"Built {result.stories} stories, {result.pages} pages into {output}/ "
          f"in {result.seconds:.2f}s ({result.files_written} files written, {result.files_unchanged} unchanged, "
          f"{_warnings(result.diagnostics)}; clock {result.now:%Y-%m-%dT%H:%M:%SZ} from {result.clock})")
    due = result.next_publication
    if due and not preview:
        what = "its embargo lifts" if due.reason == "embargo" else "its date comes"
        print(f"next publication {due.moment.isoformat()}: {due.file} ({what}); build again then to publish it")


def run_check(args: argparse.Namespace) -> int:
    diagnostics = check(_options(args))
    if args.strict:
        diagnostics = strict(diagnostics)
    if args.format == "json":
        print(format_all(diagnostics, "json"))
    else:
        _report(_shown(diagnostics, args.quiet), args.format)
    if args.format == "text" and not args.quiet:
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = sum(d.severity == "warning" for d in diagnostics)
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_CONTENT if has_errors(diagnostics) else EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from beatgen.serve import PortsBusy, ServeOptions, serve

    options = ServeOptions(args.source, args.host, args.port, drafts=args.drafts, future=args.future, now=args.now,
                           allowed_hosts=tuple(args.allow_host))
    for name in STOP_SIGNALS:
        signal.signal(getattr(signal, name), signal.default_int_handler)
    try:
        serve(options, lambda event: _print_event(event, args))
    except PortsBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):
            print("Stopped.", flush=True)
    return EXIT_OK


def _print_event(event: ServeEvent, args: argparse.Namespace) -> None:
    from beatgen.serve import Indexed, Listening, Rebuilt, Shown

    if isinstance(event, Listening):
        if event.exposed:
            print(f"warning: serving on {args.host}, an address other machines can reach: anyone on the network "
                  "can read this preview, drafts and embargoed stories included; use --host 127.0.0.1 to keep it "
                  "on this machine", file=sys.stderr, flush=True)
        if event.busy_port:
            print(f"Port {event.busy_port} is in use; serving on the next free port instead.", flush=True)
        print(f"Serving at {event.url} (drafts {'shown' if args.drafts else 'hidden'}; Ctrl-C stops)", flush=True)
        if args.verbose:
            print(f"Preview output: {event.output_dir}", flush=True)
    elif isinstance(event, Shown):
        if not args.quiet:
            print(f"Showed {_changed(event.changed)} first in {event.seconds:.2f}s; the whole site follows", flush=True)
    elif isinstance(event, Rebuilt):
        _print_rebuild(event, args)
    elif isinstance(event, Indexed):
        _print_indexed(event, args)


def _print_rebuild(event: Rebuilt, args: argparse.Namespace) -> None:
    what = "Built" if not event.changed else f"Rebuilt after {_changed(event.changed)}"
    if event.result is None:
        _report(list(event.problems))
        print(f"{what}: FAILED in {event.seconds:.2f}s; the browser shows the errors; the last good build is served",
              file=sys.stderr, flush=True)
        return
    if args.verbose or any(d.severity != "note" for d in event.problems):
        _report(list(event.problems))
    if not args.quiet:
        print(f"{what}: {event.result.stories} stories, {event.result.pages} pages in {event.seconds:.2f}s "
              f"({_warnings(event.result.diagnostics)})", flush=True)


def _print_indexed(event: Indexed, args: argparse.Namespace) -> None:
    if event.problem is not None:
        print(f"Search index: FAILED after {event.seconds:.1f}s ({event.problem}); search shows the previous index",
              file=sys.stderr, flush=True)
    elif not args.quiet:
        print(f"Search index refreshed in {event.seconds:.1f}s ({event.built} of {event.shards} shards re-indexed)",
              flush=True)


def _changed(paths: tuple[str, ...]) -> str:
    return paths[0] if len(paths) == 1 else f"{paths[0]} and {len(paths) - 1} more"


def run_new(args: argparse.Namespace) -> int:
    from beatgen import scaffold
    from beatgen.skeletons import FOLDER as SKELETONS
    from beatgen.skeletons import SkeletonError

    config = load_site_config(args.source)
    try:
        when = scaffold.story_date(getattr(args, "date", None), config)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.kind in ("correction", "topic"):
        return _new_correction(args, when, config) if args.kind == "correction" else _new_topic(args, config)
    try:
        if args.kind == "story":
            made = scaffold.story(args.title, args.topic, when, config, args.slug, args.source)
        else:
            made = (scaffold.term if args.kind == "term" else scaffold.page)(args.title, config, args.slug,
                                                                               args.source)
        path = scaffold.write(args.source, made)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except SkeletonError as exc:
        _report(exc.problems)
        print(f"error: nothing was written; fix the site's skeleton under {SKELETONS}/ (or delete it to use the "
              "built-in one)", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Created {path}")
    if args.kind == "story":
        print("It is a draft: `beatgen serve` shows it; replace each TKTK placeholder, then delete `draft: true` "
              "when it is ready to publish.")
    else:
        print("Replace the TKTK placeholder with the text: until then `beatgen check` refuses the file.")
    return EXIT_OK


def _new_correction(args: argparse.Namespace, when: datetime, config: SiteConfig) -> int:
    from beatgen import scaffold

    try:
        path = scaffold.add_correction(args.source, args.story, args.title, when, config)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Added a correction dated {when.isoformat()} to {path}; `beatgen check` validates it")
    return EXIT_OK


def _new_topic(args: argparse.Namespace, config: SiteConfig) -> int:
    from beatgen import scaffold

    try:
        slug = scaffold.add_topic(args.source, args.title, config)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Declared the topic '{slug}' ({args.title.strip()}) in {args.source / TOPICS_FILE}")
    return EXIT_OK


def run_desk(args: argparse.Namespace) -> int:
    from beatgen import desk

    now, _ = resolve_now(args.now)
    board = desk.read_board(args.source, now)
    if args.html is None:
        print(desk.as_json(board) if args.format == "json" else desk.as_text(board))
        return EXIT_OK
    config = load_site_config(args.source)
    try:
        path = desk.write_html(desk.as_html(board, config), args.html, args.source)
    except desk.DeskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote the desk to {path}: a private page, keep it out of the published site")
    return EXIT_OK


def run_relocate(args: argparse.Namespace) -> int:
    from beatgen import relocate
    from beatgen.edits.commit import CommitError

    if args.command == "move" and not (args.to or args.date):
        print("error: say where the story goes: --to YEAR/MONTH (its folder), --date DATE (its date, which its URL "
              "follows), or both", file=sys.stderr)
        return EXIT_USAGE
    config = load_site_config(args.source)
    try:
        if args.command == "rename":
            moved = relocate.rename(args.source, config, args.story, args.slug, args.now)
        else:
            moved = relocate.move(args.source, config, args.story, _folder(args.to), _new_date(args.date, config),
                                  args.now)
    except (relocate.RelocateError, CommitError) as exc:
        _report(getattr(exc, "problems", []))
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    _print_moved(moved)
    return EXIT_OK


def _folder(text: str | None) -> str | None:
    if text is not None and not re.fullmatch(r"\d{4}/(0[1-9]|1[0-2])", text.strip().strip("/")):
        raise ConfigError([error("(command line)", 1, 1, "bad-folder", f"--to must be a year and month such as "
                                                                       f"2026/05, got {text!r}")])
    return text.strip().strip("/") if text else None


def _new_date(text: str | None, config: SiteConfig) -> tuple[datetime, str] | None:
    from beatgen import scaffold

    if text is None:
        return None
    try:
        return scaffold.story_date(text, config), text.strip()
    except scaffold.ScaffoldError as exc:
        raise ConfigError([error("(command line)", 1, 1, "bad-date", str(exc))]) from None


def _print_moved(moved: Moved) -> None:
    if moved.new_file != moved.old_file:
        print(f"Moved {moved.old_file} to {moved.new_file}")
    if moved.new_url != moved.old_url:
        print(f"Its URL {moved.old_url} is now {moved.new_url}; the old one redirects (added to its 'aliases:')")
    else:
        print(f"Its URL stays {moved.new_url} (it follows the story's date and slug, not its folder)")
    links, references = moved.links, moved.references
    where = f" in {', '.join(moved.files)}" if moved.files else ""
    print(f"Updated {links} link{'s' * (links != 1)} and {references} timeline reference{'s' * (references != 1)}"
          f"{where}")


COMMANDS = {"build": run_build, "check": run_check, "serve": run_serve, "new": run_new, "desk": run_desk,
            "rename": run_relocate, "move": run_relocate}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    fmt = getattr(args, "format", "text")
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        _report(exc.diagnostics, fmt)
        return EXIT_USAGE
    except BuildError as exc:
        _report(exc.diagnostics, fmt)
        print("build failed: nothing was published; the previous output is unchanged", file=sys.stderr)
        return EXIT_CONTENT
    except OutputRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def run() -> NoReturn:
    """The `beatgen` command (and `python -m beatgen`): `main`, then an exit that does not free the heap.

    A build of 10,000 stories ends holding millions of objects (the loaded cache, every model), and the
    interpreter's teardown collects and frees them one by one: 0.6 s of a one-story rebuild's 4 s, for a
    process about to end. Everything that must outlive it is written and closed by then (the output, the
    cache, the store's unnamed file), and the exit handlers still run (worker processes are joined, temporary
    folders removed). A thread still running (`serve`'s watcher and server) takes the interpreter's own exit,
    which waits for it as it always did. Tests call `main`, which returns."""
    try:
        code = main()
        sys.stdout.flush()  # the report, buffered or not, meets a reader that stopped reading here
    except BrokenPipeError:  # `beatgen build | head -1`: exit 1 without a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_CONTENT
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a full disk or a closed terminal: the interpreter's exit would say 120 too
        code = code or 120
    os._exit(code)
