"""The `beatgen` command: argument parsing, exit codes and output formats over the library.

Exit codes: 0 success; 1 content, template or link errors (nothing published); 2 usage or
configuration errors. No content error ever ends in a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from beatgen import __version__, scaffold
from beatgen.build.output import OutputError
from beatgen.build.pipeline import BuildOptions, BuildResult, build, check
from beatgen.config import SiteConfig
from beatgen.content.sitedata import load_site_config
from beatgen.content.topics import TOPICS_FILE
from beatgen.diagnostics import BuildError, ConfigError, Diagnostic, format_all, has_errors, strict
from beatgen.progress import BuildProgress, progress_mode
from beatgen.serve import Indexed, Listening, PortsBusy, Rebuilt, ServeEvent, ServeOptions, serve

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


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
    _loudness(build_cmd)
    check_cmd = commands.add_parser("check", help="validate config, content, templates and links; write nothing")
    _site_arguments(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text",
                           help="text (default), json (a list of objects) or github (Actions annotations)")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd.add_argument("--quiet", action="store_true", help="no closing count of errors and warnings")
    _serve_parser(commands)
    _new_parser(commands)
    return parser


def _loudness(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    group.add_argument("--verbose", "-v", action="store_true", help="print each phase with its time")


def _serve_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild on save and reload the browser")
    cmd.add_argument("--source", type=Path, default=Path("."), help="the site folder (with site.yaml)")
    cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine)")
    cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000; the next free one if busy; "
                                                            "0: any free port)")
    cmd.add_argument("--no-drafts", dest="drafts", action="store_false", help="leave drafts out, as a build does")
    cmd.add_argument("--future", action="store_true", help="include stories dated after now")
    cmd.add_argument("--now", help="the preview's clock (default: SOURCE_DATE_EPOCH, else the wall clock)")
    _loudness(cmd)


def _new_parser(commands: argparse._SubParsersAction) -> None:
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
    output = getattr(args, "output", None) or args.source / "public"
    return BuildOptions(site_dir=args.source, output_dir=output, drafts=args.drafts, future=args.future,
                        base_url=args.base_url, now=args.now, jobs=getattr(args, "jobs", 0),
                        cache=not getattr(args, "no_cache", False), cache_dir=getattr(args, "cache_dir", None),
                        search=not getattr(args, "no_search", False))


def _report(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    if diagnostics:
        print(format_all(diagnostics, fmt), file=sys.stderr if fmt == "text" else sys.stdout)


def _warnings(diagnostics: list[Diagnostic]) -> str:
    count = sum(d.severity == "warning" for d in diagnostics)
    return f"{count} warning{'s' * (count != 1)}"


def run_build(args: argparse.Namespace) -> int:
    progress = BuildProgress(sys.stderr, progress_mode(sys.stderr, args.quiet, args.verbose, os.environ))
    try:
        result = build(_options(args), progress)
    finally:
        progress.close()
    if not args.quiet:  # a build that succeeds has no errors, and --quiet prints nothing else
        _report(result.diagnostics)
        _summary(result, _options(args).output_dir)
    return EXIT_OK


def _summary(result: BuildResult, output: Path) -> None:
    print(f"Built {result.stories} stories, {result.pages} pages into {output}/ "
          f"in {result.seconds:.2f}s ({result.files_written} files written, {result.files_unchanged} unchanged, "
          f"{_warnings(result.diagnostics)}; clock {result.now:%Y-%m-%dT%H:%M:%SZ} from {result.clock})")
    if result.next_embargo_lift:
        print(f"next embargo lift {result.next_embargo_lift.isoformat()}: build again after it to publish")


def run_check(args: argparse.Namespace) -> int:
    diagnostics = check(_options(args))
    if args.strict:
        diagnostics = strict(diagnostics)
    if args.format == "json":
        print(format_all(diagnostics, "json"))
    else:
        _report(diagnostics, args.format)
    if args.format == "text" and not args.quiet:
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = sum(d.severity == "warning" for d in diagnostics)
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_CONTENT if has_errors(diagnostics) else EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    options = ServeOptions(args.source, args.host, args.port, drafts=args.drafts, future=args.future, now=args.now)
    try:
        serve(options, lambda event: _print_event(event, args))
    except PortsBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    return EXIT_OK


def _print_event(event: ServeEvent, args: argparse.Namespace) -> None:
    if isinstance(event, Listening):
        if event.busy_port:
            print(f"Port {event.busy_port} is in use; serving on the next free port instead.", flush=True)
        print(f"Serving at {event.url} (drafts {'shown' if args.drafts else 'hidden'}; Ctrl-C stops)", flush=True)
        if args.verbose:
            print(f"Preview output: {event.output_dir}", flush=True)
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
        print(f"Search index refreshed in {event.seconds:.1f}s", flush=True)


def _changed(paths: tuple[str, ...]) -> str:
    return paths[0] if len(paths) == 1 else f"{paths[0]} and {len(paths) - 1} more"


def run_new(args: argparse.Namespace) -> int:
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
            made = scaffold.story(args.title, args.topic, when, config, args.slug)
        else:
            made = (scaffold.term if args.kind == "term" else scaffold.page)(args.title, args.slug)
        path = scaffold.write(args.source, made)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Created {path}")
    if args.kind == "story":
        print("It is a draft: `beatgen serve` shows it; replace each TKTK placeholder, then delete `draft: true` "
              "when it is ready to publish.")
    else:
        print("Replace the TKTK placeholder with the text: until then `beatgen check` refuses the file.")
    return EXIT_OK


def _new_correction(args: argparse.Namespace, when: datetime, config: SiteConfig) -> int:
    try:
        path = scaffold.add_correction(args.source, args.story, args.title, when, config)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Added a correction dated {when.isoformat()} to {path}; `beatgen check` validates it")
    return EXIT_OK


def _new_topic(args: argparse.Namespace, config: SiteConfig) -> int:
    try:
        slug = scaffold.add_topic(args.source, args.title, config)
    except scaffold.ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Declared the topic '{slug}' ({args.title.strip()}) in {args.source / TOPICS_FILE}")
    return EXIT_OK


COMMANDS = {"build": run_build, "check": run_check, "serve": run_serve, "new": run_new}


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
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
