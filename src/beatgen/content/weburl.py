"""A source's web address, read the way a browser reads it, so a malformed one is refused at its bad character.

`urlsplit` splits almost anything: `https://example.com/a" onmouseover="x` has a scheme and a host, and
escaping keeps it harmless in the page, but it is not the article's address. A source URL must be an
http(s) URL with a real host name (IDN names such as `münchen.de` or `wiadomości.pl` included), a valid
port if any, no user name, and none of the characters that no URL may hold (spaces, controls, `"`, `<`,
`>`, backquotes, backslashes). Non-ASCII letters in the path and the apostrophe, which RFC 3986 allows
and real article addresses use, pass.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from beatgen.fields import describe

SCHEMES = ("http", "https")
NAMED = {" ": "a space", "\t": "a tab", "\u00a0": "a non-breaking space", '"': "a double quote ('\"')",
         "<": "a '<'", ">": "a '>'", "`": "a backquote ('`')", "\\": "a backslash ('\\')"}
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_ASCII_BAD = re.compile(r'[\x00-\x20"<>`\\\x7f]')
"""The refused characters an ASCII URL can hold (NAMED and the controls): most URLs need no other test."""
_COPY = "copy the article's address again from the browser's address bar"


@dataclass(frozen=True)
class UrlProblem:
    """What is wrong with a URL, and the offset of the character the message points at."""

    index: int
    message: str


def url_problem(url: str) -> UrlProblem | None:
    """The first problem of a source URL, or None when a browser would open it as written."""
    try:
        parts = urlsplit(url)
    except ValueError:  # brackets that do not hold an IPv6 address
        return UrlProblem(next((i for i, char in enumerate(url) if char in "[]"), 0),
                          f"url has '[' or ']' around no valid IPv6 address; {_COPY}")
    if parts.scheme.lower() not in SCHEMES or not url[len(parts.scheme):].startswith("://"):
        return UrlProblem(0, f"url must be an http:// or https:// address, got {describe(url)}")
    return _bad_character(url) or _bad_authority(parts.scheme, parts.netloc)


def _bad_character(url: str) -> UrlProblem | None:
    if url.isascii() and not _ASCII_BAD.search(url):
        return None
    for index, char in enumerate(url):
        category = unicodedata.category(char)
        if char in NAMED or char.isspace():
            what = NAMED.get(char, f"the space character U+{ord(char):04X}")
        elif category in ("Cc", "Cf"):
            what = f"the invisible character U+{ord(char):04X}"
        else:
            continue
        return UrlProblem(index, f"url contains {what}, which no web address can hold; {_COPY}")
    return None


def _bad_authority(scheme: str, netloc: str) -> UrlProblem | None:
    netloc_at = len(scheme) + 3
    if "@" in netloc:
        return UrlProblem(netloc_at, "url names a user before its host ('name@'); a source's address never needs "
                                     "one, and the browser would go to the host after the '@': remove the part up "
                                     "to the '@'")
    host, port = _host_and_port(netloc)
    return _bad_host(host, netloc_at) or _bad_port(port, netloc_at + len(host) + 1)


def _host_and_port(netloc: str) -> tuple[str, str | None]:
    """`[::1]:8080` → (`[::1]`, `8080`); the port is None when there is no ':' after the host."""
    if netloc.startswith("[") and "]" in netloc:
        end = netloc.index("]") + 1
        host, rest = netloc[:end], netloc[end:]
    else:
        host, colon, rest = netloc.partition(":")
        rest = colon + rest
    return host, rest[1:] if rest.startswith(":") else rest or None


def _bad_host(host: str, at: int) -> UrlProblem | None:
    if not host:
        return UrlProblem(at, f"url has no host name after '//'; {_COPY}")
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1] if host.endswith("]") else host[1:])
        except ValueError:
            return UrlProblem(at, f"url has an invalid IPv6 address {host!r} as its host; {_COPY}")
        return None
    name = host.lower().removesuffix(".")
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return UrlProblem(at, f"url has an invalid host name {host!r}; {_COPY}")
    labels = ascii_name.split(".")
    bad = next((label for label in labels if not _LABEL.match(label)), None)
    if bad is not None or len(ascii_name) > 253:
        return UrlProblem(at, f"url has an invalid host name {host!r} (each part between dots is letters, digits "
                              f"and inner hyphens); {_COPY}")
    if len(labels) < 2 and not _is_ipv4(name):
        return UrlProblem(at, f"url's host {host!r} has no domain such as .com or .org; {_COPY}")
    return None


def _is_ipv4(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def _bad_port(port: str | None, at: int) -> UrlProblem | None:
    if port is None or port == "" or (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        return None
    return UrlProblem(at, f"url has an invalid port {port!r} after the host; a port is a number from 1 to 65535 "
                          "(most addresses have none: remove ':' and what follows it)")
