"""What one build leaves for the next: one memo per stage (`engine/memo.py`) and the last build's summary.

`serve` keeps a `BuildState` in memory between rebuilds; `beatgen build` loads it from and saves it to
the persistent cache (`engine/cache.py`). Every entry is keyed by the hashes of its inputs, so a stale
entry is never found, only left unused (and forgotten by its memo).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from beatgen.content.model import Story
from beatgen.diagnostics import Diagnostic
from beatgen.engine.memo import Memo, Read, ReadsOf, no_reads
from beatgen.engine.search_plan import SearchPlan
from beatgen.engine.shortcut import Summary
from beatgen.engine.store import Kept, Store
from beatgen.markdown.fragments import DocumentHtml, StoryHtml


@dataclass(frozen=True, slots=True)
class FileStamp:
    """A content file's stat and the digest of its bytes: same stat, same bytes, no need to read it."""

    size: int
    mtime_ns: int
    inode: int
    digest: str
    front: str = ""
    """A story's `Story.front` (empty for other files): what changed of it when `digest` did."""


@dataclass(frozen=True, slots=True)
class Parsed:
    model: Any
    diagnostics: tuple[Diagnostic, ...]
    signature: str = ""
    """A story's `structure.story_signature`: its place in the site, text left out."""
    unread: Any = None
    """The body of a file with front matter errors (`model.Unread`), whose links are checked all the same."""


@dataclass(frozen=True, slots=True)
class Fragment:
    html: StoryHtml | DocumentHtml
    diagnostics: tuple[Diagnostic, ...]
    reads: tuple[Read, ...]
    """Every question the Markdown asked of the link targets while rendering: (table, key, answer)."""


@dataclass(frozen=True, slots=True)
class PageRecord:
    """An output file as the last build left it: the key of its inputs and its stat, to spot edits."""

    key: str
    size: int
    mtime_ns: int
    whole_site: bool = False
    refs: tuple[str, ...] | None = None
    """The files of the stories the page's context holds (None: unknown, as for static files)."""
    template: str = ""
    """The digest of the page's layouts when it was made."""
    links: bytes | None = None
    """The internal links the file holds, as site paths with their fragment, sorted, joined and compressed
    (`links.joined`); None for files that are not scanned (static files). Kept joined: most builds never look
    at an unchanged page's links, so a load from the cache does not split them."""
    ids: bytes | None = None
    """The ids of its elements, which links from other pages may name, joined the same way."""
    text: bool = True
    """Its data held a story's rendered body (`fingerprint.PageFingerprint.text`); True when unknown."""


def stamp_reads(rel: str, stamp: FileStamp) -> tuple[Read, ...]:
    """A content file's stamp holds while the file keeps its stat (answered by `reading.content_stat`)."""
    return (("content", rel, (stamp.size, stamp.mtime_ns, stamp.inode)),)


def fragment_reads(_key: str, fragment: Fragment | Kept) -> tuple[Read, ...] | None:
    """A fragment in memory, in the build's store or in the cache: its reads are kept beside its texts."""
    return fragment.reads


def page_reads(rel: str, record: PageRecord) -> tuple[Read, ...]:
    """An output file's record holds while the file keeps its size and time (`pages.on_disk`)."""
    return (("output", rel, (record.size, record.mtime_ns)),)


def picture_reads(rel: str, probed: tuple[tuple[int, int, int], Any]) -> tuple[Read, ...]:
    """An image's probe holds while the file keeps its stat, and a picture found in it (not the reason it holds
    none) while the encoder is the one that probed it (`images.scan`)."""
    stamp, found = probed
    encoder = getattr(found, "encoder", None)
    return (("image", rel, stamp),) if encoder is None else (("image", rel, stamp), ("encoder", "", encoder))


READS: dict[str, ReadsOf] = {"files": stamp_reads, "fragment": fragment_reads, "pages": page_reads,
                             "pictures": picture_reads}
"""How each memo finds its entries' reads; the others' keys name all they read."""


def memo_of(name: str) -> Memo[Any]:
    """An empty memo of a stage kind, with how its entries' reads are found."""
    return Memo(name, READS.get(name, no_reads))


@dataclass
class BuildState:
    files: Memo[FileStamp] = field(default_factory=lambda: memo_of("files"))
    """Content file → its stamp: the file's digest, known without reading it while its stat is the same."""
    parsed: Memo[Parsed | Kept] = field(default_factory=lambda: memo_of("parsed"))
    """Parse key (`reading.parse_key`: the file's digest and the config) → what parsing it gave."""
    fragments: Memo[Fragment | Kept] = field(default_factory=lambda: memo_of("fragment"))
    """Fragment key (`markup.fragment_key`) → its HTML, while its link lookups get the same answers."""
    pages: Memo[PageRecord] = field(default_factory=lambda: memo_of("pages"))
    """Output file → its record, while the file keeps the stat it was left with."""
    related: Memo[dict[str, tuple[str, ...]]] = field(default_factory=lambda: memo_of("related"))
    """Related coverage by story path, under the digest of what the ranking read (`prepare._indexed_site`)."""
    template_tokens: Memo[dict[str, str]] = field(default_factory=lambda: memo_of("templates"))
    """Each layout's digest (its source and every layout it uses) under the layouts' key, so that a rebuild
    does not parse every layout again to find what it includes."""
    pictures: Memo[tuple[tuple[int, int, int], Any]] = field(default_factory=lambda: memo_of("pictures"))
    """Image file → its stat (size, mtime, inode) and what its probe found (`engine/images.py`)."""
    output: str = ""
    inputs: str = ""
    """A digest of every input of the last build: when it is unchanged, so is every page."""
    structure: str = ""
    """The last build's `structure.structure_token`."""
    templates: tuple[str, Any, Any] | None = None
    """The Jinja environment and template digests of the last build, under their key (in memory only)."""
    summary: Summary | None = None
    """The last successful build's report and input stamp (`engine/shortcut.py`)."""
    search_plan: SearchPlan | None = None
    """The search shards of the last build's pages, indexed or not (`serve` indexes them in the background)."""
    search: dict[str, tuple[tuple[str, int, int], ...]] = field(default_factory=dict)
    """The files (name, size, time) of each search shard in the output, as the last build left them."""
    search_pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Each story page's key and the digest of its bytes (what a shard's name is made of)."""
    prepared: Any = None
    """The last successful build's `Prepared` (in memory only): `serve` patches it for a save of text only
    (`engine/text_edits.py`)."""
    store: Store | None = None
    """Where this build's new fragments and stories go instead of memory (`engine/store.py`): `build`, not
    `serve`."""
    bodies: dict[str, Callable[[], str]] = field(default_factory=dict)
    """How to read the body of each story whose model goes without it: from the store (a story this build
    read) or from the cache (a parse it recalled)."""

    def memos(self) -> tuple[Memo[Any], ...]:
        return self.files, self.parsed, self.fragments, self.pages, self.related, self.template_tokens, self.pictures

    def begin(self) -> None:
        """A new build: every memo starts its book of what is used, kept and forgotten afresh."""
        for memo in self.memos():
            memo.begin()

    def body_of(self, story: Story) -> str:
        """A story's Markdown body, read where it is kept when its model goes without."""
        read = None if story.body else self.bodies.get(story.file)
        return story.body if read is None else read()
