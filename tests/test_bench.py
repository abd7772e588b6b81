"""`make bench` runs: the benchmark builds a tiny generated corpus through every scenario and prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitekit import REPO


def test_bench_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "12", "--runs", "1",
                             "--work", str(tmp_path)], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.splitlines()
    rows = {line.split("  ")[0]: line.split() for line in lines if line.startswith(("cold", "warm"))}
    assert set(rows) == {"cold, no search index", "cold", "warm, no change"}
    assert float(rows["cold"][1]) > 0 and int(rows["cold"][-1]) > 12
    assert rows["cold, no search index"][-1] == rows["cold"][-1]
    assert int(rows["warm, no change"][-1]) == 0
    assert "one story edited" in result.stdout and "one layout edited" in result.stdout
    stories = list((tmp_path / "corpus12" / "content" / "stories").rglob("*.md"))
    assert len(stories) == 12
