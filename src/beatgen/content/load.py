"""Find content files and read each one into a model: a pure function per file, so it can run in
worker processes and be cached by the hash of the file's bytes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from beatgen.config import SiteConfig
from beatgen.content.frontmatter import Split, split_file
from beatgen.content.model import Page, Story, Term, Unread
from beatgen.content.validate import StoryReader, read_page, read_story, read_term
from beatgen.diagnostics import Diagnostic, error
from beatgen.fields import Reader
from beatgen.yamlsource import YamlDoc, load_yaml

KINDS = {"stories": "story", "glossary": "term", "pages": "page"}
Model = Story | Term | Page


@dataclass(frozen=True)
class ContentFile:
    kind: str
    rel: str
    path: str


@dataclass
class Content:
    stories: list[Story] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    def add(self, model: Model | Unread | None) -> None:
        if isinstance(model, Story):
            self.stories.append(model)
        elif isinstance(model, Term):
            self.terms.append(model)
        elif isinstance(model, Page):
            self.pages.append(model)
        elif isinstance(model, Unread):
            self.unread.append(model)


def discover(site_dir: Path) -> tuple[list[ContentFile], list[Diagnostic]]:
    """Every `.md` file under content/stories, content/glossary and content/pages, in a stable order."""
    root = (site_dir / "content").resolve()
    files, problems = [], []
    for folder, kind in KINDS.items():
        top = site_dir / "content" / folder
        top_inside = top.resolve().is_relative_to(root)
        for path, rel in _markdown_files(top, f"content/{folder}"):
            # os.walk does not enter linked folders: only the top folder and linked files can lead outside.
            if not (top_inside and (not os.path.islink(path) or Path(path).resolve().is_relative_to(root))):
                problems.append(error(rel, 1, 1, "outside-content",
                                      "this file is a link to a file outside content/; copy the file in instead"))
                continue
            files.append(ContentFile(kind, rel, path))
    return files, problems


def _markdown_files(folder: Path, rel_folder: str) -> Iterator[tuple[str, str]]:
    """(path, path relative to the site) of every Markdown file, in path-component order; plain strings,
    as a site holds tens of thousands of them."""
    found: list[tuple[str, str]] = []
    top = str(folder)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        inner = dirpath[len(top):].strip(os.sep).replace(os.sep, "/")
        prefix = f"{rel_folder}/{inner}/" if inner else f"{rel_folder}/"
        found.extend((os.path.join(dirpath, name), prefix + name) for name in filenames
                     if name.endswith(".md") and not name.startswith("."))
    return iter(sorted(found, key=lambda item: item[1].split("/")))


def digest_of(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def parse_file(kind: str, rel: str, raw: bytes, config: SiteConfig) -> tuple[Model | None, list[Diagnostic]]:
    """Bytes of one content file → its model and problems. Pure: same inputs, same result.

    No content may end a build in a traceback: a failure of ours becomes an error naming the file.
    """
    try:
        return _parse(kind, rel, raw, config)
    except Exception as exc:  # the last guard: the message asks for a report
        return None, [error(rel, 1, 1, "internal-error", f"beatgen failed to read this file ({type(exc).__name__}: "
                                                          f"{exc}); please report it with the file attached")]


def _parse(kind: str, rel: str, raw: bytes, config: SiteConfig) -> tuple[Model | None, list[Diagnostic]]:
    split, problems = split_file(raw, rel, config.max_file_size)
    if split is None:
        return None, problems
    doc, problems = load_yaml(split.yaml_text, rel, split.yaml_line)
    if doc is None:
        return None, problems
    return read_model(kind, rel, split, doc, problems, config, digest_of(raw))


def read_model(kind: str, rel: str, split: Split, doc: YamlDoc, problems: list[Diagnostic], config: SiteConfig,
               digest: str) -> tuple[Model | None, list[Diagnostic]]:
    """The model that a file's parsed front matter and body make, once its YAML is read."""
    stem = Path(rel).stem
    if kind == "story":
        story_reader = StoryReader(doc, rel, problems)
        reader: Reader = story_reader
        front = digest_of(f"{split.yaml_text}\x1f{split.body_line}".encode("utf-8", "surrogatepass"))
        model: Model | None = read_story(story_reader, config, split.body, split.body_line, stem, digest, front)
    elif kind == "term":
        reader = Reader(doc, rel, problems)
        model = read_term(reader, split.body, split.body_line, stem, digest)
    else:
        reader = Reader(doc, rel, problems)
        model = read_page(reader, split.body, split.body_line, stem, digest)
    return (model if not any(p.severity == "error" for p in reader.problems) else None), reader.problems


def unread_body(rel: str, raw: bytes, config: SiteConfig) -> Unread | None:
    """The body of a file that failed to read, when its front matter at least closes (the body is known)."""
    split, _ = split_file(raw, rel, config.max_file_size)
    return Unread(rel, split.body, split.body_line) if split else None
