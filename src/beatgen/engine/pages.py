"""Rendering the page plan, in worker processes, skipping every page whose inputs did not change.

Each page gets a key: the digest of its route, its layouts (with everything they extend, include and
import), the config, the asset names, and the data its context holds. The pages' memo holds each output
file's record; a page whose key is the recorded one, and whose file still has the stat recorded (the
record's read), is neither rendered nor written. The others render in workers that
write straight into the output (a staging folder, or temporary files beside the live ones) and send
back only the file's record, which carries the page's links and ids (`engine/links.py`). `check` renders
the same way with a writer that writes nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path

from beatgen.diagnostics import BuildError, Diagnostic
from beatgen.engine.fingerprint import Fingerprinter, digest
from beatgen.engine.layouts import RecordingEnvironment, TemplateTokens
from beatgen.engine.links import LinkScanner
from beatgen.engine.memo import Answer, Memo, stat_answer
from beatgen.engine.output import Staging, same_bytes
from beatgen.engine.parallel import fork_map, worker_count
from beatgen.engine.patch import patch_folder, write_temp
from beatgen.engine.state import PageRecord
from beatgen.render.context import CLOCK_KINDS, Context, page_data, with_head
from beatgen.render.pages import render_route, template_problem
from beatgen.routes import Route
from beatgen.urls import output_file

CLEAN, UNCHANGED, WRITTEN, CHECKED = "clean", "unchanged", "written", "checked"
_REL = attrgetter("rel")
PAGES_PER_WORKER = 64
"""A page renders in about 2 ms; forking a worker of a large build costs more than a few dozen of them."""


@dataclass(frozen=True)
class Outcome:
    rel: str
    status: str
    record: PageRecord | None = None
    temp: str = ""
    problems: tuple[Diagnostic, ...] = ()


class Outcomes:
    """Every work item's outcome, in work order: the outcomes of the files the build looked at, and for the
    others (known clean without a look: `PageRenderer.only`, or a build with nothing to do) the last build's
    records, made into outcomes only when walked. A save of text at 100,000 stories looks at some thirty of
    176,000 files: each pass over every outcome cost it up to a third of a second, so the steps after the
    render pass over `looked`."""

    def __init__(self, rels: Sequence[str], settled: Collection[str], looked: dict[str, Outcome],
                 previous: Mapping[str, PageRecord]) -> None:
        self._rels = rels
        self.settled = settled
        """The files known clean without a look: each has the last build's record, as it was left."""
        self.looked = looked
        """The outcomes of the other files, in work order: those that may differ from the last build's."""
        self.previous = previous
        """The last build's records."""

    @classmethod
    def as_left(cls, previous: Mapping[str, PageRecord]) -> Outcomes:
        """A build that changed nothing: every file of the last build, as it left it."""
        return cls(list(previous), previous.keys(), {}, previous)

    def __len__(self) -> int:
        return len(self._rels)

    def __iter__(self) -> Iterator[Outcome]:
        looked, previous = self.looked, self.previous
        for rel in self._rels:
            yield looked.get(rel) or Outcome(rel, CLEAN, previous[rel])

    def rels(self) -> Sequence[str]:
        return self._rels

    def covers_previous(self) -> bool:
        """Every file of the last build is among the work (none is gone). The settled files are among the
        last build's, so counting those of the looked-at ones that are too tells, without a pass."""
        previous = self.previous
        return len(previous) == len(self.settled) + sum(rel in previous for rel in self.looked)

    def records(self) -> dict[str, PageRecord]:
        """Each output file's record, as the build left it."""
        if self.covers_previous():
            records = dict(self.previous)
        else:
            previous = self.previous
            records = {rel: previous[rel] for rel in self.settled}
        for rel, outcome in self.looked.items():
            if outcome.record is None:
                records.pop(rel, None)
            else:
                records[rel] = outcome.record
        return records


def settle_records(pages: Memo[PageRecord], outcomes: Outcomes) -> None:
    """Make `pages` this build's records (`Memo.settle`): for a build that took the records it settled from
    `pages` and left no file out, only those of the files it looked at change."""
    if not (outcomes.previous is pages and outcomes.covers_previous()):
        pages.settle(outcomes.records())
        return
    looked = outcomes.looked.items()
    pages.settle_over({rel: outcome.record for rel, outcome in looked if outcome.record is not None},
                      [rel for rel, outcome in looked if outcome.record is None])


@dataclass(frozen=True)
class Work:
    """One output file to produce: a page to render, or a static file's bytes."""

    rel: str
    route: Route | None = None
    data: bytes = b""


class Writer:
    """Writes an output file either into a staging folder or as a temporary file beside the live one."""

    def __init__(self, output: Path, staging: Staging | None) -> None:
        self.output = output.resolve()
        self.staging = staging
        self.patch = patch_folder(self.output)

    def write(self, rel: str, data: bytes, made: PageRecord) -> Outcome:
        """Write a file; `made` is its record but for the stat, which is taken here."""
        if self.staging is not None:
            before = self.staging.unchanged
            stat = self.staging.put(rel, data)
            status = UNCHANGED if self.staging.unchanged > before else WRITTEN
            return Outcome(rel, status, replace(made, size=stat.st_size, mtime_ns=stat.st_mtime_ns))
        if same_bytes(self.output / rel, data):
            return Outcome(rel, UNCHANGED, _record(self.output / rel, made))
        temp = write_temp(self.patch, rel, data)
        return Outcome(rel, WRITTEN, _record(temp, made), temp=str(temp))


class DryWriter(Writer):
    """`check`: a page is rendered and scanned like a build's, and written nowhere."""

    def __init__(self, output: Path) -> None:
        super().__init__(output, None)

    def write(self, rel: str, data: bytes, made: PageRecord) -> Outcome:
        return Outcome(rel, CHECKED, replace(made, size=len(data)))


def _record(path: Path, made: PageRecord) -> PageRecord:
    stat = os.stat(path)
    return replace(made, size=stat.st_size, mtime_ns=stat.st_mtime_ns)


@dataclass
class PageRenderer:
    """Everything a worker needs to render pages, inherited by fork: nothing here is pickled."""

    env: RecordingEnvironment
    layouts: Path
    site_dir: Path
    make_context: Callable[[Route], Context]
    fingerprints: Fingerprinter
    templates: TemplateTokens
    base_token: str
    whole_site: Callable[[], str]
    """The digest of every story, for the pages whose layouts read the story lists (made on first use: most
    rebuilds render none of them)."""
    previous: Memo[PageRecord]
    writer: Writer
    scanner: LinkScanner
    changed: frozenset[str] | None = None
    """With the site's structure as the last build left it: the stories whose front matter changed since.
    A page that held none of them, with the same layouts, is then known clean without its context."""
    edited: frozenset[str] = frozenset()
    """The stories whose body alone changed: they change only the pages that show their text."""
    own_output: bool = False
    """The output is `serve`'s private folder, which only its builds write: a page known clean is as it was
    left without a look at its file."""
    only: frozenset[str] | None = None
    """The output files to look at (`affected_pages`); the others are as the last build left them."""
    _whole: str | None = None
    _on_disk: Answer | None = None

    def render_all(self, work: list[Work], jobs: int) -> Outcomes:
        """Every item's outcome, in order; pages known clean from their records are settled here, so
        that workers are forked for the rest only. With `only`, the files outside it are settled from
        their records in one pass, and stay records."""
        previous, only = self.previous, self.only
        rels = {} if only is None else dict(zip(map(_REL, work), range(len(work)), strict=True))
        if only is None or len(rels) != len(work):
            looking, kept = work, set()
        else:  # set operations, no Python step per file: 176,000 files at 100k
            kept = (rels.keys() - only) & previous.keys()
            looking = [work[rels[rel]] for rel in sorted(rels.keys() - kept, key=rels.__getitem__)]
        looked = {}
        for item in looking:
            clean = self._known_clean(item)
            if clean:
                looked[item.rel] = clean
        rest = [item for item in looking if item.rel not in looked]
        self._compile({item.route.template for item in rest if item.route is not None},
                      worker_count(jobs) > 1 and len(rest) >= 2 * PAGES_PER_WORKER)
        made = fork_map(self, rest, jobs, PAGES_PER_WORKER, settle=_shared_refs)
        done = dict(zip((item.rel for item in rest), made, strict=True))
        ordered = {item.rel: looked.get(item.rel) or done[item.rel] for item in looking}
        return Outcomes([item.rel for item in work], kept, ordered, previous)

    def _compile(self, templates: set[str], forking: bool) -> None:
        """Digest the pages' layouts; before workers fork, compile every layout here, once: each worker would
        otherwise do it all again (0.15 s), and `serve` keeps them for its next rebuild. Rendering a few pages
        in this process compiles only the layouts they use. A layout that does not compile is left to fail
        its pages' renders, with a message."""
        for name in sorted(templates):
            self.templates(name)
        if not forking:
            return
        for name in self.env.list_templates(extensions=("html", "xml", "json", "txt")):
            with contextlib.suppress(Exception):
                self.env.get_template(name)

    def __call__(self, work: Work) -> Outcome:
        try:
            return self._produce(work)
        except BuildError as exc:
            return Outcome(work.rel, "failed", problems=tuple(exc.diagnostics))

    def _produce(self, work: Work) -> Outcome:
        previous = self.previous.get(work.rel)
        if work.route is None:
            key = digest("static", work.rel, work.data)
            made = PageRecord(key, 0, 0)
            return self._clean(work.rel, key, previous) or self.writer.write(work.rel, work.data, made)
        template = self.templates(work.route.template)
        context = self.make_context(work.route)
        with self._layout_problems():
            data = page_data(context)
        shown = self.fingerprints.of_page(data)
        key = self._key(work.route, template, shown.digest, previous is not None and previous.whole_site)
        clean = self._clean(work.rel, key, previous)
        if clean and previous is not None:
            return replace(clean, record=replace(previous, refs=shown.refs, template=template, text=shown.text))
        self.env.reached_site = False
        with self._layout_problems():
            data = with_head(context, data)
        page = render_route(self.env, context, self.layouts, self.site_dir, data)
        whole = self.env.reached_site
        links, ids = self.scanner.scan(work.route.path, page)
        made = PageRecord(self._key(work.route, template, shown.digest, whole), 0, 0, whole, shown.refs, template,
                          links, ids, shown.text)
        return self.writer.write(work.rel, page, made)

    def _known_clean(self, work: Work) -> Outcome | None:
        """Clean without its context: the site kept its structure, and the page (same layouts, not
        reading the site's whole story lists nor the clock, file as left) held no story whose front matter
        changed, nor the text of one whose body did."""
        previous = self.previous.get(work.rel)
        if (self.changed is None or work.route is None or work.route.kind in CLOCK_KINDS
                or previous is None or previous.refs is None
                or previous.whole_site or previous.template != self.templates(work.route.template)
                or not self.changed.isdisjoint(previous.refs)
                or (previous.text and not self.edited.isdisjoint(previous.refs))):
            return None
        return Outcome(work.rel, CLEAN, previous) if self.own_output else self._clean(work.rel, previous.key, previous)

    @contextlib.contextmanager
    def _layout_problems(self) -> Iterator[None]:
        """A context that fails on what a layout or site gave it becomes an error naming the layout."""
        try:
            yield
        except (KeyError, AttributeError, TypeError, ValueError) as exc:
            raise BuildError([template_problem(exc, self.layouts, self.site_dir)]) from exc

    def _key(self, route: Route, template: str, shown: str, whole: bool) -> str:
        return digest(self.base_token, repr(route), template, shown, self._whole_token() if whole else "")

    def _whole_token(self) -> str:
        if self._whole is None:
            self._whole = self.whole_site()
        return self._whole

    def _clean(self, rel: str, key: str, previous: PageRecord | None) -> Outcome | None:
        """The previous record, when the key is the same and the output file is as it was left."""
        if self._on_disk is None:
            self._on_disk = on_disk(str(self.writer.output))
        if previous is None or previous.key != key or not self.previous.holds(rel, previous, self._on_disk):
            return None
        return Outcome(rel, CLEAN, previous)


@dataclass(frozen=True)
class PageHolders:
    """Which pages the last build's records say hold each story, and the pages to look at whatever changed."""

    by_story: dict[str, tuple[str, ...]]
    always: frozenset[str]
    """Pages whose data follow the clock or every story, or whose stories are not known."""

    @classmethod
    def of(cls, records: dict[str, PageRecord], routes: dict[str, Route]) -> PageHolders:
        by_story: dict[str, list[str]] = {}
        always = set()
        for rel, record in records.items():
            route = routes.get(rel)
            if route is None:
                continue  # a static file or picture: a save of text does not change them
            if record.refs is None or record.whole_site or route.kind in CLOCK_KINDS:
                always.add(rel)
                continue
            for file in record.refs:
                by_story.setdefault(file, []).append(rel)
        return cls({file: tuple(rels) for file, rels in by_story.items()}, frozenset(always))

    def affected(self, stories: frozenset[str]) -> frozenset[str]:
        """The pages that hold any of `stories`, and those always looked at."""
        return self.always.union(*(self.by_story.get(file, ()) for file in stories))

    def still_hold(self, before: dict[str, PageRecord], outcomes: Outcomes) -> bool:
        """The pages rendered again hold the same stories in the same way as before (else this is stale)."""
        return all(o.record is None or before.get(o.rel) is None
                   or (o.record.refs, o.record.whole_site) == (before[o.rel].refs, before[o.rel].whole_site)
                   for o in outcomes.looked.values() if o.status != CLEAN)


def _shared_refs(outcome: Outcome) -> Outcome:
    """The outcome with its story files and layout digest as one string each: a worker's records name each
    story on some ten pages, and a string sent through a pipe comes back a copy (a third of a record's memory)."""
    record = outcome.record
    if record is None or record.refs is None:
        return outcome
    return replace(outcome, record=replace(record, refs=tuple(map(sys.intern, record.refs)),
                                           template=sys.intern(record.template)))


def on_disk(output: str) -> Answer:
    """How a build answers a page record's read: the output file's size and modification time now."""
    return stat_answer(output, inode=False)


def intact(output: Path, pages: Memo[PageRecord]) -> bool:
    """Every file the last build wrote is still there, with the size and time it left it with."""
    answer = on_disk(str(output))
    return all(pages.holds(rel, record, answer) for rel, record in pages.items())


def plan_work(routes: Sequence[Route], assets: dict[str, tuple[str, bytes]]) -> list[Work]:
    work = [Work(name, data=data) for name, data in assets.values()]
    return work + [Work(output_file(route.path), route) for route in routes]


def page_problems(outcomes: Outcomes) -> list[Diagnostic]:
    """Each problem once, however many pages it failed (a layout mistake fails every page that uses the
    layout), with the first of those pages and how many others."""
    pages: dict[Diagnostic, list[str]] = {}
    for outcome in outcomes.looked.values():
        for problem in outcome.problems:
            pages.setdefault(problem, []).append(outcome.rel)
    return [replace(problem, message=problem.message + on_pages(rels)) for problem, rels in pages.items()]


def on_pages(rels: Sequence[str]) -> str:
    """` (on /x/ and 3 other pages)`, from output files."""
    first = "/" + rels[0].removesuffix("index.html")
    others = len(rels) - 1
    return f" (on {first})" if not others else f" (on {first} and {others} other page{'s' * (others != 1)})"
