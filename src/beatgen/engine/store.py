"""A build's fragments and story bodies kept in a file instead of in memory.

Held in memory, the rendered Markdown of 100,000 stories is a gigabyte in the builder, and their Markdown
half as much again, each pickled once more by the workers that made it, and inherited by every worker
forked after. So a `beatgen build` has its workers append what they make to one unnamed file and send back
only where it is and the little the builder reads of it (`Kept`): each fragment and each parsed story in
the cache's encoding (the cache saves the stored bytes as they are), and each story's body, which its model
in memory goes without. A worker reads a fragment when a page shows it, and a body when it renders the
story's Markdown (or a layout reads it: `layouts.RecordingEnvironment`). The file has no name (O_TMPFILE):
it is gone when the build ends, however it ends. `serve` keeps all of it in memory, for its next rebuild.

The persistent cache holds its fragments and parses the same way (`cache.CachedEntries`): a load decodes
what the builder reads of each (`Kept.outline`, its diagnostics and reads) and leaves the rest in the
cache file, read back when a page shows it. A one-story edit then decodes one story's HTML, not all of them.
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from beatgen.diagnostics import Diagnostic
from beatgen.engine.output import OutputError, describe
from beatgen.engine.parallel import Relayed
from beatgen.markdown.fragments import DocumentHtml, StoryHtml

Html = StoryHtml | DocumentHtml


class Source(Protocol):
    """Where kept entries' bytes are: the build's store, or the persistent cache."""

    def get(self, where: Any) -> bytes: ...


class EntryGone(Relayed):
    """An entry the cache held when it was loaded cannot be read back as it was (the cache file was changed
    or damaged since): the build starts again without the cache."""


class Store:
    """An append-only file that forked workers write to side by side and any process reads from."""

    def __init__(self, folder: Path, for_cache: bool) -> None:
        self.for_cache = for_cache
        """The build saves the persistent cache: stories' parses go in too, encoded as it stores them."""
        self.folder = folder
        self.file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - open for the whole build, closed by it
        self.fd = self.file.fileno()

    @classmethod
    def beside(cls, output: Path, for_cache: bool) -> Store | None:
        """A store in the output's nearest existing folder (an unnamed file: no folder is made, nothing is
        left); none where it cannot be made (a read-only file system), and the build keeps everything in memory
        (and stops where it writes its output, with that reason)."""
        folder = output.resolve().parent
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        try:
            return cls(folder, for_cache)
        except OSError:
            return None

    def put(self, blob: bytes) -> tuple[int, int]:
        """Append `blob`; its offset and length. A record lock (per process, unlike `flock`, whose lock
        forked workers would share through the inherited descriptor) keeps two workers' appends apart."""
        fcntl.lockf(self.fd, fcntl.LOCK_EX)
        try:
            offset = os.fstat(self.fd).st_size
            if os.pwrite(self.fd, blob, offset) != len(blob):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except OSError as exc:
            raise OutputError(describe(exc, f"beside {self.folder}")) from exc
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)
        return offset, len(blob)

    def get(self, where: tuple[int, int]) -> bytes:
        """The bytes `put` appended at (offset, length)."""
        offset, length = where
        return os.pread(self.fd, length, offset)

    def text(self, where: tuple[int, int]) -> str:
        """A story's body that `put` appended, UTF-8 encoded."""
        return self.get(where).decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class Kept:
    """A cache entry (a fragment, a parsed story) in the build's store or the persistent cache: where its
    bytes are, and what the builder reads of it without them."""

    source: Source
    where: Any
    outline: Any
    """A fragment with its texts left out (the glossary terms and pictures it uses); a parsed story whose
    model's body is left out."""
    diagnostics: tuple[Diagnostic, ...]
    reads: Any = None
    """A fragment's reads (`state.Fragment.reads`), which a recall checks; None for a parsed story."""

    def blob(self) -> bytes:
        """The whole entry, encoded as the cache stores it."""
        return self.source.get(self.where)


def outline(html: Html) -> Html:
    if isinstance(html, StoryHtml):
        return replace(html, body="", body_after="", takeaways=(), key_facts=(), watch="", corrections=(),
                       impact_reason="", sentiment_reason="")
    return replace(html, body="")


class StoredHtml(Mapping[str, Html]):
    """Each document's HTML by file, read from the store when asked for (or held, for fragments kept from the
    last build): nothing is decoded until a page shows it, and nothing decoded stays."""

    def __init__(self, found: Mapping[str, Html | Kept], decode: Callable[[bytes], Html]) -> None:
        self.found, self.decode = found, decode

    def __getitem__(self, file: str) -> Html:
        value = self.found[file]
        return self.decode(value.blob()) if isinstance(value, Kept) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)

    def outlines(self) -> dict[str, Html]:
        """What the builder reads of every fragment (pictures, glossary terms), without reading the store."""
        found: dict[str, Html] = {}
        for file, value in self.found.items():
            found[file] = value.outline if isinstance(value, Kept) else value
        return found
