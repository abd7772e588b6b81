"""Source URLs are parsed as a browser reads them: a quote, a space, a user name, a bad host or port is refused at
its column (the catalogue is in fixtures/bad/source-url-*); real addresses, IDN hosts included, pass as written."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sitekit import REPO, Run, soup

NOW = "2026-06-01T00:00:00Z"
BETA = Path("content/stories/2026/02/beta.md")


def test_a_url_with_a_quote_and_a_space_is_refused_at_the_quote(mini_site: Path) -> None:
    """Finding 7, re-run as written."""
    beta = mini_site / BETA
    beta.write_text(beta.read_text().replace("url: https://wire.example/c/3",
                                             "url: https://example.com/a\" onmouseover=\"x"))
    command = [sys.executable, "-m", "beatgen", "check", "--source", str(mini_site), "--now", NOW]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120, check=False)
    assert result.returncode == 1
    assert (f"{BETA}:13:31: error: url contains a double quote ('\"'), which no web address can hold; copy the "
            "article's address again from the browser's address bar [bad-url]") in result.stderr.splitlines()


def test_real_addresses_pass_as_written(mini_site: Path, beatgen: Callable[..., Run]) -> None:
    urls = ["https://wiadomości.example/wisła-narew", "https://xn--wiadomoci-8zb.example/a?b=c&d=e#f",
            "https://en.wikipedia.example/wiki/Hawai'i", "http://192.0.2.7:8080/report", "https://[2001:db8::1]/x",
            "HTTPS://Wire.Example./Upper/Case"]
    beta = mini_site / BETA
    sources = "".join(f"  - outlet: outlet{n}.example\n    title: \"Report {n}\"\n    url: {url}\n"
                      for n, url in enumerate(urls))
    beta.write_text(beta.read_text().replace("sources:\n", f"sources:\n{sources}"))
    result = beatgen("build", "--source", mini_site, "--now", NOW)
    assert result.code == 0, result.err
    page = soup(mini_site / "public" / "stories" / "2026" / "02" / "beta" / "index.html")
    hrefs = [a["href"] for a in page.select("#sources a")]
    assert hrefs[:len(urls)] == urls
