"""Models → HTML fragments, through the fragments' memo and in worker processes.

A fragment depends on its own file and on the answers the link targets gave while it rendered
("is /stories/2026/03/x/ a page?"). Those answers are recorded as the fragment's reads; the memo
recalls a fragment while its file is unchanged (its key) and every read still gets the same answer,
so adding a story does not re-render the Markdown of the ten thousand others.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from markdown_it import MarkdownIt

from beatgen.content.model import Page, Story, Term, Unread
from beatgen.diagnostics import Diagnostic
from beatgen.engine.cache import CODEC
from beatgen.engine.fingerprint import digest
from beatgen.engine.memo import Answer, Read
from beatgen.engine.parallel import fork_map
from beatgen.engine.state import BuildState, Fragment
from beatgen.engine.store import Kept, Store, outline
from beatgen.markdown.fragments import DocumentHtml, StoryHtml, document_html, story_html
from beatgen.markdown.renderer import LinkTargets

MISSING = "\x00missing"


class _Recorder:
    """A read-only view of one table of the link targets that notes every question asked of it."""

    def __init__(self, name: str, inner: Any, log: list[Read]) -> None:
        self.name, self.inner, self.log = name, inner, log

    def _note(self, key: Any) -> Any:
        answer = answer_of(self.inner, key)
        self.log.append((self.name, key, answer))
        return answer

    def __contains__(self, key: Any) -> bool:
        answer = self._note(key)
        return answer is not False and answer != MISSING

    def get(self, key: Any, default: Any = None) -> Any:
        answer = self._note(key)
        return default if answer == MISSING else answer

    def __getitem__(self, key: Any) -> Any:
        answer = self._note(key)
        if answer == MISSING:
            raise KeyError(key)
        return answer

    def __iter__(self) -> Any:
        self.log.append((self.name, MISSING, digest(*sorted(map(repr, _items(self.inner))))))
        return iter(self.inner)

    def __len__(self) -> int:
        return len(self.inner)


def _items(inner: Any) -> list[Any]:
    return list(inner.items()) if isinstance(inner, Mapping) else list(inner)


def answer_of(inner: Any, key: Any) -> Any:
    """What a table says of a key: its value (mappings), membership (sets), or MISSING."""
    if key == MISSING:
        return digest(*sorted(map(repr, _items(inner))))
    if isinstance(inner, Mapping):
        return inner.get(key, MISSING)
    return key in inner


def recording(targets: LinkTargets, log: list[Read]) -> LinkTargets:
    """The same targets, each table wrapped so that every lookup lands in `log`."""
    wrapped: dict[str, Any] = {f.name: _Recorder(f.name, getattr(targets, f.name), log)
                               for f in dataclasses.fields(targets)
                               if isinstance(getattr(targets, f.name), Mapping | set | frozenset)}
    return dataclasses.replace(targets, **wrapped)


def target_answers(targets: LinkTargets) -> Answer:
    """How a build answers a fragment's read: what the named table of its link targets says now."""
    def answer(table: str, key: Any) -> Any:
        return answer_of(getattr(targets, table), key)

    return answer


def fragment_key(parse_key: str, shared_token: str) -> str:
    return digest("fragment", parse_key, shared_token)


def render_fragments(md: MarkdownIt, documents: list[Story | Term | Page | Unread], keys: dict[str, str],
                     targets: LinkTargets, state: BuildState, jobs: int) -> dict[str, Fragment | Kept]:
    """Each document's fragment by file: recalled from the memo while its reads hold, else rendered in workers
    (into the state's store, when it has one)."""
    found: dict[str, Fragment | Kept] = {}
    todo = []
    answer = target_answers(targets)
    for document in documents:
        cached = state.fragments.recall(keys.get(document.file, ""), answer)
        if cached is None:
            todo.append(document)
        else:
            found[document.file] = cached
    store, render = state.store, _renderer(md, targets, state.body_of)
    made: list[Fragment | Kept] = []
    if store is None:
        made.extend(fork_map(render, todo, jobs))
    else:
        made.extend(Kept(store, *kept) for kept in fork_map(_stored(store, render), todo, jobs))
    for document, fragment in zip(todo, made, strict=True):
        found[document.file] = fragment
        if document.file in keys:
            state.fragments.keep(keys[document.file], fragment)
    return found


Where = tuple[tuple[int, int], StoryHtml | DocumentHtml, tuple[Diagnostic, ...], tuple[Read, ...]]


def _stored(store: Store, render: Callable[[Story | Term | Page | Unread], Fragment]
            ) -> Callable[[Story | Term | Page | Unread], Where]:
    """`render`, its fragment appended to the store in the cache's encoding: the worker sends back where, and
    what the builder and the cache read of it without its texts."""
    def keep(document: Story | Term | Page | Unread) -> Where:
        fragment = render(document)
        return store.put(CODEC.encode(fragment)), outline(fragment.html), fragment.diagnostics, fragment.reads

    return keep


def _renderer(md: MarkdownIt, targets: LinkTargets, body_of: Callable[[Story], str]
              ) -> Callable[[Story | Term | Page | Unread], Fragment]:
    """`body_of`: a story's body, which its model goes without when the build keeps it in the store."""
    def render(document: Story | Term | Page | Unread) -> Fragment:
        log: list[Read] = []
        watched = recording(targets, log)
        if isinstance(document, Story):
            whole = document if document.body else dataclasses.replace(document, body=body_of(document))
            rendered = story_html(md, whole, watched)
        else:
            rendered = document_html(md, document, watched)
        return Fragment(rendered.html, tuple(rendered.diagnostics), tuple(dict.fromkeys(log)))

    return render
