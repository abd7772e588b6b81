"""The spare: the previous output, kept beside the live one so that a rebuild can go live atomically.

A rebuild that changes a few files of a large output cannot rename them over the live files one by
one: a build killed halfway would leave half of the pages old and half new. Nor can it afford a fresh
copy of the whole output each time. So the old output, once swapped out, is kept as `.NAME.spare`
beside it; the next rebuild brings it level with the live folder (a hard link per file that differs,
no byte copied: after one rebuild, only the files that rebuild changed), writes its changed files into
it, and exchanges it with the live folder in one atomic rename. The spare is beatgen's own: whatever
lies in it that the live folder lacks is removed.

Levelling reads the live folder only, so a command-line rebuild runs it in a worker from its start
(`levelled_early`): the first rebuild after a build through staging links every file (about a second of
system time at 10,000 stories) while the main process reads the cache and prepares the site.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from beatgen.engine.guard import OutputRefused
from beatgen.engine.marker import MARKER, is_marked
from beatgen.engine.output import OutputError, describe, output_lock, recover
from beatgen.engine.parallel import Background


def spare_folder(output: Path) -> Path:
    output = output.resolve()
    return output.parent / f".{output.name}.spare"


def claim(spare: Path) -> Path:
    """`spare`, once sure it is beatgen's to empty: absent, an empty folder, or a folder carrying the marker
    (a spare is a former output, and its marker is the first thing `mirror` links into it)."""
    if os.path.lexists(spare) and not (spare.is_dir() and not spare.is_symlink()
                                       and (is_marked(spare) or not any(spare.iterdir()))):
        raise OutputRefused(f"cannot keep the previous output as {spare.name} beside the output: {spare} holds "
                            "something beatgen did not write; move it away")
    return spare


@contextlib.contextmanager
def levelled_early(output: Path, jobs: int) -> Iterator[Background | None]:
    """For a build that will likely patch `output` (a folder beatgen wrote): its lock, held for the whole build,
    and the spare being levelled by a worker meanwhile (None when `output` is not such a folder). The worker
    is stopped when the build ends, whether it used the spare or not: a spare left half levelled is beatgen's,
    and the next levelling finishes it. A build that fails or is refused leaves no spare it made."""
    output = output.resolve()
    if not (output.is_dir() and is_marked(output)):
        yield None
        return
    with output_lock(output):
        recover(output)
        spare = spare_folder(output)
        made = not os.path.lexists(spare)
        levelling = Background(lambda: mirror(output, spare), jobs)
        try:
            yield levelling
        except BaseException:
            levelling.cancel()
            if made:
                shutil.rmtree(spare, ignore_errors=True)
            raise
        finally:
            levelling.cancel()


def mirror(live: Path, spare: Path) -> None:
    """Make `spare` hold exactly what `live` holds, each file a hard link of the live one."""
    claim(spare)
    try:
        spare.mkdir(exist_ok=True)
        if not os.path.lexists(spare / MARKER):
            os.link(live / MARKER, spare / MARKER)
        _mirror(str(live), str(spare))
    except OSError as exc:
        raise OutputError(describe(exc, f"beside {live}")) from exc


def _mirror(source: str, target: str) -> None:
    """One folder of `mirror`: entries are compared by name, kind and inode, so a file the live folder
    shares with the spare (the usual case) costs no system call beyond reading the two folders."""
    with os.scandir(source) as entries:
        wanted = {entry.name: entry for entry in entries}
    with os.scandir(target) as entries:
        present = {entry.name: entry for entry in entries}
    for name, entry in present.items():
        if name not in wanted:
            _remove(entry)
    for name, entry in wanted.items():
        have, path = present.get(name), os.path.join(target, name)
        folder = entry.is_dir(follow_symlinks=False)
        if have is not None and (folder != have.is_dir(follow_symlinks=False) or
                                 (not folder and have.inode() != entry.inode())):
            _remove(have)
            have = None
        if folder:
            if have is None:
                os.mkdir(path)
            _mirror(entry.path, path)
        elif have is None:
            os.link(entry.path, path, follow_symlinks=False)


def _remove(entry: os.DirEntry[str]) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)
