"""`make bench` runs: the benchmark builds a tiny generated corpus through every scenario and prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitekit import REPO

ROWS = ("cold", "cold, filling cache", "warm, no change", "one story edited", "one layout edited",
        "cold + search index", "story edit + search")


def test_bench_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "12", "--runs", "1",
                             "--work", str(tmp_path)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.splitlines()
    rows = {line[:22].strip(): line[22:].split() for line in lines if line[:22].strip() in ROWS}
    assert set(rows) == set(ROWS)
    assert float(rows["cold"][0]) > 0 and int(rows["cold"][-1]) > 12
    assert rows["cold, filling cache"][-1] == rows["cold"][-1] == rows["cold + search index"][-1]
    assert int(rows["warm, no change"][-1]) == 0
    assert 0 < int(rows["one story edited"][-1]) < int(rows["cold"][-1])
    assert all(float(row[1]) > 0 and float(row[2]) > 0 for row in rows.values())
    stories = list((tmp_path / "corpus12" / "content" / "stories").rglob("*.md"))
    assert len(stories) == 12
