"""`beatgen serve` as a real subprocess on a free port, for the server and browser tests."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitekit import REPO


class Served:
    """A running server: its base URL and every line it printed so far."""

    def __init__(self, process: subprocess.Popen[str], startup: float = 20.0) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.url = self.wait_for(r"Serving at (http://\S+/)", startup).group(1)

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """The first line from now on (or already printed but not yet waited for) matching `pattern`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r}; output so far:\n" + "\n".join(self.seen))

    def stop(self) -> int:
        """Ctrl-C, as a writer stops it; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@contextmanager
def serving(site: Path, *args: str, startup: float = 20.0) -> Iterator[Served]:
    """`startup`: seconds the first build may take (the server listens once it is done)."""
    command = [sys.executable, "-m", "beatgen", "serve", "--source", str(site), "--port", "0", *args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env)
    served = None
    try:
        served = Served(process, startup)
        yield served
    finally:
        if served is not None:
            served.stop()
        elif process.poll() is None:
            process.kill()
            process.wait()
