"""Which `Host` headers the preview answers: its defence against DNS rebinding.

A web page the writer visits can point a name it owns at 127.0.0.1 and then read the preview,
drafts and embargoed stories included, as if it were its own origin; the browser still sends that
name in `Host`. So the preview answers only its own address, `localhost` and the loopback addresses,
and the names the user allows. IP literals cannot be rebound: when it listens on every address
(0.0.0.0 or ::), any address of the machine is answered. The port is not compared, so a forwarded
port keeps working; rebinding is about the name.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

LOCAL_NAMES = frozenset({"localhost"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def host_name(header: str) -> str:
    """The name or address of a Host header, lower-case and without port or brackets ('' if malformed):
    `[::1]:8000` gives `::1`, `LocalHost:80` gives `localhost`."""
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        port = rest.removeprefix(":")
        return name if bracket and (not rest or (rest.startswith(":") and port.isdigit())) else ""
    name, colon, port = header.partition(":")
    return name if not colon or port.isdigit() else ""


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps the preview on this machine."""
    address = _address(host_name(host) or host)
    return host.lower() in LOCAL_NAMES or (address is not None and address.is_loopback)


@dataclass(frozen=True)
class AllowedHosts:
    bound: str
    """The address the server listens on, as given (`127.0.0.1`, `0.0.0.0`, a name)."""
    names: frozenset[str] = frozenset()
    """The names allowed by the user (`serve --allow-host`)."""

    @classmethod
    def of(cls, bound: str, names: tuple[str, ...] = ()) -> AllowedHosts:
        return cls(bound.strip("[]").lower(), frozenset(host_name(name) or name.lower() for name in names))

    def allows(self, header: str | None) -> bool:
        name = host_name(header or "")
        if not name:
            return False
        if name in LOCAL_NAMES or name in self.names or name == self.bound:
            return True
        address = _address(name)
        return address is not None and (address.is_loopback or self.bound in WILDCARDS)
