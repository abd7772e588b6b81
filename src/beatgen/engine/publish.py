"""Putting a build's pages live: a first build through a staging folder, a rebuild of a known output by
patching it, each only once every page has rendered, been verified and had its search shards indexed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from beatgen.diagnostics import BuildError, Diagnostic
from beatgen.engine import patch
from beatgen.engine.marker import MARKER, foreign, listed, marker_bytes, write_marker
from beatgen.engine.output import Staging, output_lock, recover, replace_folder
from beatgen.engine.pages import Outcomes, PageRenderer, Work, Writer
from beatgen.engine.parallel import Background
from beatgen.engine.prepared import BuildOptions
from beatgen.engine.search import IndexPatch, has_index, patch_index, stage_index
from beatgen.engine.search_plan import SearchPlan
from beatgen.engine.spare import claim, mirror, spare_folder
from beatgen.engine.state import BuildState

Verify = Callable[[Outcomes], list[Diagnostic]]
"""The problems of a build's rendered pages (`_verify`): any of them stops the build before it goes live."""
Planner = Callable[[Outcomes, Callable[[str], Path]], SearchPlan | None]
"""Given the outcomes and where each page's bytes now are, the search shards (`engine/search_plan.py`)."""


def _unheard(diagnostics: list[Diagnostic]) -> object:
    return None


@dataclass(frozen=True)
class Serving:
    """An output that a server reads while it is rebuilt (`serve`)."""

    lock: AbstractContextManager[object]
    """Held while a rebuild renames its changed files into the live folder; the server holds it while it reads
    a file, so no request sees the folder half old and half new."""
    went_live: Callable[[list[Diagnostic]], object] = _unheard
    """Told the build's diagnostics as soon as its pages are live, before the build's own bookkeeping: the
    tabs reload the sooner."""


def stage(renderer: PageRenderer, work: list[Work], options: BuildOptions, state: BuildState, plan: Planner,
           verify: Verify, keep_spare: bool) -> Outcomes:
    """A first build (or one without a usable record of the output): everything into a staging folder,
    the search index too.

    Files of the old output that beatgen did not write are carried over. With the persistent cache, the
    old output (beatgen's: marked) is kept as the spare of the next rebuild (`spare.py`) instead of being
    removed."""
    with Staging(options.output_dir) as staging:
        renderer.writer = Writer(options.output_dir, staging)
        outcomes = _checked(renderer.render_all(work, options.jobs), verify)
        assert staging.root is not None
        root = staging.root
        state.search_plan = plan(outcomes, lambda page: root / page)
        index = (stage_index(state.search_plan, staging.root, staging.output, state.search, staging.write)
                 if options.search and state.search_plan is not None else {})
        files = None if options.replace_output else listed(staging.output)
        if files is not None:
            staging.carry(foreign(staging.output, files))
        staging.write(MARKER, marker_bytes(outcomes.rels(), has_index(staging.root)))
        staging.commit(claim(spare_folder(staging.output)) if keep_spare and files is not None else None)
    state.search = index
    return outcomes


def update_in_place(renderer: PageRenderer, work: list[Work], options: BuildOptions, state: BuildState,
                     plan: Planner, verify: Verify, serving: AbstractContextManager[object] | None,
                     levelling: Background | None = None) -> Outcomes:
    """A rebuild of a known output: its changed files, and the search shards they change, go live only once
    every page has rendered and every shard has been indexed. The spare is levelled with the live output by a
    worker while the pages render (the live folder is only read), or since the build began (`levelling`:
    `spare.levelled_early`)."""
    output = options.output_dir.resolve()
    with output_lock(output):
        recover(output)
        spare = spare_folder(output)
        levelled = None if serving is not None else (
            levelling or Background(lambda: mirror(output, spare), options.jobs))
        try:
            outcomes = _checked(renderer.render_all(work, options.jobs), verify)
            temps = [(Path(o.temp), o.rel) for o in outcomes.looked.values() if o.temp]
            gone = _gone(outcomes)
            sources = {rel: temp for temp, rel in temps}
            state.search_plan = plan(outcomes, lambda page: sources.get(page, output / page))
            index = (patch_index(state.search_plan, output, sources, state.search)
                     if options.search and state.search_plan is not None else IndexPatch(state.search))
            moves, removals = [*temps, *index.moves], [*gone, *index.removals]
            if (moves or removals) and serving is not None:
                same_files = not gone and not index.moves and len(outcomes) == len(renderer.previous)
                _patch_live(output, moves, removals, None if same_files else outcomes.rels(), serving)
            elif (moves or removals) and levelled is not None:
                levelled.wait()
                _swap_in(output, spare, moves, removals, outcomes.rels())
            state.search = index.record
        finally:
            if levelled is not None:
                levelled.cancel()
            patch.clear(output)
    return outcomes


def _gone(outcomes: Outcomes) -> list[str]:
    """The files of the last build that this one no longer makes."""
    if outcomes.covers_previous():
        return []
    return sorted(set(outcomes.previous).difference(outcomes.rels()))


def _swap_in(output: Path, spare: Path, moves: list[tuple[Path, str]], removals: list[str],
             rels: Sequence[str]) -> None:
    """Make the spare (level with the live output) the new output, then exchange the two."""
    patch.commit(spare, moves, removals)
    write_marker(spare, rels)
    replace_folder(spare, output, spare)


def _patch_live(output: Path, moves: list[tuple[Path, str]], removals: list[str], rels: Sequence[str] | None,
                serving: AbstractContextManager[object]) -> None:
    """Rename the changed files (the search index's too) over the live ones while the server that reads them
    waits."""
    with serving:
        patch.commit(output, moves, removals)
        if rels is not None:  # None: the same files as the last build's, which its marker lists
            write_marker(output, rels)


def _checked(outcomes: Outcomes, verify: Verify) -> Outcomes:
    problems = verify(outcomes)
    if problems:
        raise BuildError(problems)
    return outcomes
