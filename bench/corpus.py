"""A deterministic synthetic newsroom for benchmarks: N stories shaped like ours, from a seed.

    python bench/corpus.py --stories 10000 --out bench/corpus10k [--seed 7]

Writes site.yaml, data/topics.yaml (the topic vocabulary), content/stories/YYYY/MM/<slug>.md (about 800 words, full front matter, 1-4 sources,
timelines naming earlier stories, internal links), 120 glossary terms and a methodology page, and copies
the repository's layouts/ and static/ so the folder is a complete site. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from vocabulary import (
    ADJECTIVES,
    CONNECTIVES,
    ENTITIES,
    GLOSSARY,
    NOUNS,
    OUTLETS,
    SENTIMENTS,
    SPEAKERS,
    TOPICS,
    VERBS,
)

REPO = Path(__file__).resolve().parents[1]
START = dt.datetime(2023, 11, 1, 6, 0)
SPAN_SECONDS = 3 * 365 * 24 * 3600
SITE_YAML = "title: Bench Beat\nbase_url: https://bench.example.org/\nlanguage: en\n"


@dataclass(frozen=True)
class Plan:
    """What a story is about, decided before any text so that later stories can name earlier ones."""

    index: int
    date: dt.datetime
    title: str
    slug: str
    topics: tuple[str, ...]
    affected: tuple[str, ...]
    impact: int
    sentiment: str

    @property
    def url(self) -> str:
        return f"/stories/{self.date:%Y}/{self.date:%m}/{self.slug}/"

    @property
    def rel(self) -> str:
        return f"content/stories/{self.date:%Y}/{self.date:%m}/{self.slug}.md"


def slugify(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    while "--" in out:
        out = out.replace("--", "-")
    return out.strip("-")


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plan_stories(count: int, rng: random.Random) -> list[Plan]:
    plans, used = [], set()
    for index in range(count):
        when = START + dt.timedelta(seconds=int(SPAN_SECONDS * index / max(count, 1)) + rng.randrange(0, 3600))
        a, b = rng.sample(ENTITIES, 2)
        title = (f"{a} {rng.choice(VERBS)} {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} "
                 f"as {b} {rng.choice(VERBS)} {rng.choice(NOUNS)}")
        slug = slugify(title)[:70].strip("-")
        slug = f"{slug}-{index}" if slug in used else slug
        used.add(slug)
        plans.append(Plan(index, when, title, slug, tuple(rng.sample(TOPICS, rng.randint(1, 4))),
                          tuple(rng.sample(ENTITIES, rng.randint(2, 6))), rng.randint(1, 10), rng.choice(SENTIMENTS)))
    return plans


class Writer:
    """Text for one corpus, drawn from one random stream in a fixed order."""

    def __init__(self, plans: list[Plan], rng: random.Random) -> None:
        self.plans = plans
        self.rng = rng

    def sentence(self, plan: Plan, glossary: bool = False) -> str:
        r = self.rng
        parts = [f"{r.choice(SPEAKERS).capitalize()} said {r.choice(plan.affected)} {r.choice(VERBS)} a "
                 f"{r.choice(ADJECTIVES)} {r.choice(NOUNS)}",
                 f"{r.choice(CONNECTIVES)}, the {r.choice(NOUNS)} could reshape {r.choice(plan.topics)}"]
        if glossary:
            parts.append(f"with implications for {r.choice(GLOSSARY)} and {r.choice(GLOSSARY)}")
        if r.random() < 0.3:
            parts.append(f"according to {r.randint(2, 40)} {r.choice(SPEAKERS)}")
        if r.random() < 0.2:
            parts.append(f"worth an estimated ${r.randint(10, 900)}M over {r.randint(2, 12)} years")
        return ", ".join(parts) + "."

    def paragraph(self, plan: Plan, sentences: int) -> str:
        r = self.rng
        text = [self.sentence(plan, glossary=r.random() < 0.35) for _ in range(sentences)]
        if r.random() < 0.25:
            text[0] = text[0][:-1] + f" (*{r.choice(ADJECTIVES)}*, **{r.choice(NOUNS)}**)."
        if r.random() < 0.25 and plan.index > 0:
            text.append(f"See [earlier coverage]({self.plans[r.randrange(0, plan.index)].url}) for background.")
        return " ".join(text)

    def body(self, plan: Plan) -> str:
        r = self.rng
        parts = [self.paragraph(plan, r.randint(4, 6)) for _ in range(r.randint(2, 3))]
        parts.append(f"## {r.choice(ADJECTIVES).capitalize()} {r.choice(NOUNS)} in context")
        parts.append(self.paragraph(plan, r.randint(4, 6)))
        parts.append("\n".join(f"- {self.sentence(plan)}" for _ in range(r.randint(3, 5))))
        parts.append("> " + self.sentence(plan, True))
        parts.append(self.paragraph(plan, r.randint(4, 6)))
        if r.random() < 0.2:
            rows = ["| System | Units | Value |", "|---|---|---|"]
            rows += [f"| {r.choice(GLOSSARY)} | {r.randint(1, 400)} | ${r.randint(5, 5000)}M |"
                     for _ in range(r.randint(3, 5))]
            parts.append("\n".join(rows))
        note = ""
        if r.random() < 0.2:
            parts.append(self.paragraph(plan, 3) + "[^1]")
            note = f"\n\n[^1]: Figures from {r.choice(OUTLETS)}, not independently verified."
        parts.append("## What comes next")
        parts.append(self.paragraph(plan, r.randint(3, 5)))
        return "\n\n".join(parts) + note + "\n"

    def front_matter(self, plan: Plan) -> str:
        r = self.rng
        lines = ["---", f"title: {quoted(plan.title)}", f"date: {plan.date:%Y-%m-%dT%H:%M:%S}Z",
                 f"summary: {quoted(self.sentence(plan))}", "takeaways:"]
        lines += [f"  - {quoted(self.sentence(plan))}" for _ in range(r.randint(2, 4))]
        lines.append("key_facts:")
        lines += [f"  - {quoted(self.sentence(plan))}" for _ in range(r.randint(3, 6))]
        lines += [f"impact: {plan.impact}", f"sentiment: {plan.sentiment}",
                  "affected: [" + ", ".join(quoted(a) for a in plan.affected) + "]",
                  "topics: [" + ", ".join(quoted(t) for t in plan.topics) + "]",
                  f"pullquote: {quoted(self.sentence(plan))}", "sources:"]
        lines += self.sources(plan)
        lines += self.timeline(plan)
        lines += ["watch: |", "  " + self.sentence(plan, True), "---"]
        return "\n".join(lines) + "\n\n"

    def sources(self, plan: Plan) -> list[str]:
        r = self.rng
        lines = []
        for _ in range(r.choices([1, 2, 3, 4], weights=[2, 5, 3, 1])[0]):
            outlet = r.choice(OUTLETS)
            day = plan.date - dt.timedelta(hours=r.randint(1, 48))
            lines += [f"  - outlet: {outlet}", f"    title: {quoted(self.sentence(plan)[:90])}",
                      f"    url: https://{outlet}/news/{day:%Y/%m/%d}/{r.randrange(10**6, 10**7)}",
                      f"    date: {day:%Y-%m-%d}"]
        return lines

    def timeline(self, plan: Plan) -> list[str]:
        r = self.rng
        if plan.index == 0 or r.random() >= 0.6:
            return []
        lines = ["timeline:"]
        for _ in range(r.randint(1, 3)):
            other = self.plans[r.randrange(max(0, plan.index - 200), plan.index)]
            lines += [f"  - date: {other.date:%Y-%m-%d}", f"    event: {quoted(other.title)}",
                      f"    story: {other.slug}"]
        return lines


def write_corpus(out: Path, stories: int, seed: int = 7, with_site: bool = True) -> list[Plan]:
    """Write the corpus into `out` (which should be empty) and return its story plans."""
    rng = random.Random(seed)
    plans = plan_stories(stories, rng)
    writer = Writer(plans, rng)
    for plan in plans:
        path = out / plan.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(writer.front_matter(plan) + writer.body(plan), encoding="utf-8")
    glossary = out / "content" / "glossary"
    glossary.mkdir(parents=True, exist_ok=True)
    for term in GLOSSARY:
        (glossary / f"{slugify(term)}.md").write_text(
            f"---\nterm: {quoted(term)}\n---\n\n{term} is a term used on this beat. {writer.sentence(plans[0])}\n",
            encoding="utf-8")
    pages = out / "content" / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    (pages / "methodology.md").write_text("---\ntitle: Methodology\n---\n\nHow stories are scored.\n", encoding="utf-8")
    (out / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    (out / "data").mkdir(exist_ok=True)
    (out / "data" / "topics.yaml").write_text(
        "".join(f"{slugify(topic)}: {quoted(topic[:1].upper() + topic[1:])}\n" for topic in TOPICS), encoding="utf-8")
    if with_site:
        for part in ("layouts", "static"):
            shutil.copytree(REPO / part, out / part, dirs_exist_ok=True)
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_corpus(args.out, args.stories, args.seed)


if __name__ == "__main__":
    main()
