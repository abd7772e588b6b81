"""`make audit`: Lighthouse on the built sample site's home page, newest story, first topic and trends page,
as a phone and as a desktop, served on loopback.

Prints the four category scores of each page and form factor and exits 1 when any is under the bar (95).
Lighthouse runs Debian's Chromium (CHROME_PATH), never a browser of its own.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --no-first-run")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BAR = 95
FORMS = ("mobile", "desktop")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        return


def build_site(out: Path) -> None:
    subprocess.run([sys.executable, "-m", "beatgen", "build", "--source", str(REPO), "--output", str(out),
                    "--quiet"], check=True, cwd=REPO)


def first_link(out: Path, page: str, marker: str) -> str:
    """The first link after `marker` in a built page: the lead story of the home page, the first topic."""
    html = (out / page).read_text(encoding="utf-8")
    start = html.index(marker)
    start = html.index('<a href="', start) + len('<a href="')
    return html[start:html.index('"', start)]


def pages(out: Path) -> tuple[tuple[str, str], ...]:
    return (("home", "/"), ("story", first_link(out, "index.html", 'class="lead-title"')),
            ("topic", first_link(out, "topics/index.html", 'class="taxon-list"')), ("trends", "/trends/"))


def lighthouse(url: str, chrome: str, form: str) -> dict[str, int]:
    command = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}",
               *(["--preset=desktop"] if form == "desktop" else [])]
    result = subprocess.run(command, capture_output=True, text=True, check=True,
                            env={**os.environ, "CHROME_PATH": chrome})
    report = json.loads(result.stdout)
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not LIGHTHOUSE.exists() or chrome is None:
        print("audit: needs `npm ci` (Lighthouse) and Chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as temp:
        out = Path(temp) / "public"
        build_site(out)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=out))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        failed = False
        try:
            for name, path in pages(out):
                for form in FORMS:
                    scores = lighthouse(base + path, chrome, form)
                    failed |= min(scores.values()) < BAR
                    print(f"{name:6} {form:7} {path}: " + "  ".join(f"{k} {v}" for k, v in scores.items()),
                          flush=True)
        finally:
            server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
