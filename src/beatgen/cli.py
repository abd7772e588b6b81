"""The `beatgen` command: argument parsing, exit codes and output formats over the library.

Exit codes: 0 success; 1 content, template or link errors (nothing published); 2 usage or
configuration errors. No content error ever ends in a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beatgen import __version__
from beatgen.build.output import OutputError
from beatgen.build.pipeline import BuildOptions, build, check
from beatgen.diagnostics import BuildError, ConfigError, Diagnostic, format_all, has_errors, strict

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
    build_cmd.add_argument("--quiet", action="store_true", help="print errors only")
    check_cmd = commands.add_parser("check", help="validate config, content, templates and links; write nothing")
    _site_arguments(check_cmd)
    check_cmd.add_argument("--format", choices=("text", "json", "github"), default="text")
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def _options(args: argparse.Namespace) -> BuildOptions:
    output = getattr(args, "output", None) or args.source / "public"
    return BuildOptions(site_dir=args.source, output_dir=output, drafts=args.drafts, future=args.future,
                        base_url=args.base_url, now=args.now, jobs=getattr(args, "jobs", 0))


def _report(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    if diagnostics:
        print(format_all(diagnostics, fmt), file=sys.stderr if fmt == "text" else sys.stdout)


def run_build(args: argparse.Namespace) -> int:
    result = build(_options(args))
    _report(result.diagnostics)
    if not args.quiet:
        warnings = sum(d.severity == "warning" for d in result.diagnostics)
        print(f"Built {result.stories} stories, {result.pages} pages into {_options(args).output_dir}/ "
              f"in {result.seconds:.2f}s ({result.files_written} files written, {result.files_unchanged} unchanged, "
              f"{warnings} warning{'s' * (warnings != 1)}; clock {result.now:%Y-%m-%dT%H:%M:%SZ} from {result.clock})")
        if result.next_embargo_lift:
            print(f"next embargo lift {result.next_embargo_lift.isoformat()}: build again after it to publish")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    diagnostics = check(_options(args))
    if args.strict:
        diagnostics = strict(diagnostics)
    if args.format == "json":
        print(format_all(diagnostics, "json"))
    else:
        _report(diagnostics, args.format)
    if args.format == "text":
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = sum(d.severity == "warning" for d in diagnostics)
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return EXIT_CONTENT if has_errors(diagnostics) else EXIT_OK


COMMANDS = {"build": run_build, "check": run_check}


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
