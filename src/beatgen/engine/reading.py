"""Content files → models, through two memos: a file whose stat is as recorded keeps its known digest
(`state.files`), a file whose bytes and config are known keeps its parse (`state.parsed`), and the rest are
read and parsed in worker processes."""

from __future__ import annotations

import functools
import os
from dataclasses import replace
from pathlib import Path

from beatgen.config import SiteConfig
from beatgen.content.load import Content, ContentFile, digest_of, discover, parse_file, unread_body
from beatgen.content.model import Story
from beatgen.diagnostics import error, has_errors
from beatgen.engine.cache import CODEC, stored_body
from beatgen.engine.fingerprint import digest
from beatgen.engine.memo import Answer, stat_answer
from beatgen.engine.parallel import fork_map
from beatgen.engine.state import BuildState, FileStamp, Parsed
from beatgen.engine.store import Kept, Store
from beatgen.engine.structure import story_signature


def parse_key(item: ContentFile, file_digest: str, config_token: str) -> str:
    return digest("parsed", item.kind, item.rel, file_digest, config_token)


def read_content(site_dir: Path, config: SiteConfig, config_token: str, state: BuildState,
                 jobs: int) -> tuple[Content, dict[str, str], dict[str, str]]:
    """Every content file as a model, the parse key of each (by file) for the fragment stage, and each
    story's signature (by file)."""
    files, problems = discover(site_dir)
    results: dict[str, Parsed] = {}
    keys: dict[str, str] = {}
    todo = []
    on_disk = content_stat(site_dir)
    for item in files:
        stamp = state.files.recall(item.rel, on_disk)
        key = parse_key(item, stamp.digest, config_token) if stamp else ""
        known = state.parsed.recall(key) if stamp else None
        if stamp and known is not None:
            results[item.rel], keys[item.rel] = _recalled(known, state), key
        else:
            todo.append(item)
    for item, (stamp, parsed) in zip(todo, _read_all(todo, config, state, jobs), strict=True):
        results[item.rel] = parsed.outline if isinstance(parsed, Kept) else parsed
        if stamp is None:
            state.files.forget(item.rel)
        else:
            keys[item.rel] = parse_key(item, stamp.digest, config_token)
            state.files.keep(item.rel, stamp)
            state.parsed.keep(keys[item.rel], parsed)
    state.files.forget_unused()
    state.parsed.forget_unused()
    content = Content(diagnostics=problems)
    for item in files:
        content.add(results[item.rel].model or results[item.rel].unread)
        content.diagnostics.extend(results[item.rel].diagnostics)
    signatures = {rel: parsed.signature for rel, parsed in results.items() if parsed.signature}
    return content, keys, signatures


def _read_all(todo: list[ContentFile], config: SiteConfig, state: BuildState, jobs: int
              ) -> list[tuple[FileStamp | None, Parsed | Kept]]:
    """Each file read and parsed in workers; with a store, each story's body goes into it (and its parse, for
    the cache) and the story comes back without its body (`engine/store.py`)."""
    store = state.store
    if store is None:
        return list(fork_map(lambda item: read_file(item, config), todo, jobs))
    found: list[tuple[FileStamp | None, Parsed | Kept]] = []
    for stamp, parsed, entry, body in fork_map(lambda item: _stored(store, item, config), todo, jobs):
        if body is not None:
            state.bodies[parsed.model.file] = functools.partial(store.text, body)
        found.append((stamp, parsed if entry is None else Kept(store, entry, parsed, parsed.diagnostics)))
    return found


def _recalled(known: Parsed | Kept, state: BuildState) -> Parsed:
    """A recalled parse as the build holds it: a story's kept in the cache goes without its body, read back from
    there when its Markdown is rendered again (`cache.stored_body`)."""
    if isinstance(known, Parsed):
        return known
    parsed: Parsed = known.outline
    if isinstance(parsed.model, Story):
        state.bodies[parsed.model.file] = functools.partial(stored_body, known)
    return parsed


Where = tuple[int, int] | None


def _stored(store: Store, item: ContentFile, config: SiteConfig) -> tuple[FileStamp | None, Parsed, Where, Where]:
    """In a worker: a story read, its parse (for the cache) and its body appended to the store, and sent back
    without its body."""
    stamp, parsed = read_file(item, config)
    model = parsed.model
    if stamp is None or not isinstance(model, Story) or not model.body:
        return stamp, parsed, None, None
    entry = store.put(CODEC.encode(parsed)) if store.for_cache else None
    body = store.put(model.body.encode("utf-8", "surrogatepass"))
    return stamp, replace(parsed, model=replace(model, body="")), entry, body


def content_stat(site_dir: Path) -> Answer:
    """How a build answers a stamp's read: the content file's size, modification time and inode now."""
    return stat_answer(str(site_dir), inode=True)


def read_file(item: ContentFile, config: SiteConfig) -> tuple[FileStamp | None, Parsed]:
    """One file read and parsed: its stamp (None when it cannot be read) and what parsing it gave."""
    try:
        with open(item.path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            raw = handle.read(config.max_file_size + 1)
    except OSError as exc:
        return None, Parsed(None, (error(item.rel, 1, 1, "unreadable", f"cannot read the file: {exc.strerror}"),))
    model, problems = parse_file(item.kind, item.rel, raw, config)
    stamp = FileStamp(stat.st_size, stat.st_mtime_ns, stat.st_ino, digest_of(raw), getattr(model, "front", ""))
    unread = unread_body(item.rel, raw, config) if model is None and has_errors(problems) else None
    return stamp, Parsed(model, tuple(problems), story_signature(model), unread)
