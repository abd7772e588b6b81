"""The preview's HTTP side: files of the output folder only, the site's 404 page, and live reload.

Every request path is decoded and checked before it touches the disk, so `..` in any spelling
(`/../x`, `/%2e%2e/x`, `/a/..%2fx`) and links leading out of the folder all get the 404 page.
The reload script is added to HTML responses here, so no build output ever carries it.
A request whose `Host` is not the preview's own gets 403 (`hosts.py`), and files are read under the
`publishing` lock that a rebuild holds while it renames its files into the folder, so no answer
comes from a folder half old and half new.
"""

from __future__ import annotations

import errno
import mimetypes
import re
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

from beatgen.serve.hosts import AllowedHosts
from beatgen.serve.live import LiveState

PREFIX = "/__beatgen/"
EVENTS = PREFIX + "events"
CLIENT = PREFIX + "livereload.js"
HASHED = re.compile(r"^/static/.+\.[0-9a-f]{10}\.[A-Za-z0-9]+$")
"""A static file under its content-hashed name: a new version has a new name, so a tab keeps it across
reloads instead of fetching it again after every save."""
IMMUTABLE = "max-age=31536000, immutable"
DESK = PREFIX + "desk"
HEARTBEAT_SECONDS = 10.0
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/x-icon", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
    ".woff2": "font/woff2", ".webmanifest": "application/manifest+json", ".pf_meta": "application/octet-stream",
}
FALLBACK_404 = b"<!DOCTYPE html><html lang=en><title>Not found</title><body><h1>Page not found</h1></body></html>"
REFUSED = (b"This preview answers only its own address and localhost, not the host name this request was sent to "
           b"(a defence against DNS rebinding). To open it under another name, start it with: "
           b"beatgen serve --allow-host NAME\n")
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


class PortsBusy(Exception):
    """No port of the range could be bound."""


def resolve(root: Path, request_path: str) -> Path | None:
    """The file or folder a request path names inside `root`, or None when it would lead outside."""
    raw = urlsplit(request_path).path
    decoded = unquote(raw)
    if "\x00" in decoded or "\\" in decoded or not decoded.startswith("/"):
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") for part in parts):
        return None
    target = root.joinpath(*parts)
    try:
        if not target.resolve().is_relative_to(root.resolve()):
            return None
    except (OSError, RuntimeError):
        return None
    return target


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def inject(html: bytes, version: int) -> bytes:
    """Add the live-reload script before `</body>` (or at the end when there is none)."""
    tag = f'<script src="{CLIENT}" data-version="{version}" data-events="{EVENTS}"></script>'.encode()
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + tag
    at = ends[-1].start()
    return html[:at] + tag + html[at:]


class PreviewServer(ThreadingHTTPServer):
    """Serves one output folder; every connection runs in a daemon thread so shutdown never waits on a tab."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], root: Path, live: LiveState, hosts: AllowedHosts) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)
        self.root = root
        self.live = live
        self.hosts = hosts
        self.publishing = threading.Lock()
        self.desk: Callable[[], bytes] | None = None  # the editor's board (`serve` sets it), never a file
        self.client_js = files("beatgen.serve").joinpath("livereload.js").read_bytes()


def bind(host: str, port: int, root: Path, live: LiveState, hosts: AllowedHosts, tries: int = 20) -> PreviewServer:
    """A server on `port`, or on the next free one of `tries` ports when it is busy (port 0: any free port)."""
    last = port if port == 0 else port + tries - 1
    for candidate in range(port, last + 1):
        try:
            return PreviewServer((host, candidate), root, live, hosts)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
    raise PortsBusy(f"ports {port} to {last} on {host} are all in use; pass a free one with --port")


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "beatgen-serve"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        return

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        path = urlsplit(self.path).path
        if not self.server.hosts.allows(self.headers.get("Host")):
            self._send(HTTPStatus.FORBIDDEN, TYPES[".txt"], REFUSED, head)
        elif path == EVENTS and not head:
            self._events()
        elif path == CLIENT:
            self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", self.server.client_js, head)
        elif path == DESK and self.server.desk is not None:
            self._send(HTTPStatus.OK, TYPES[".html"], self.server.desk(), head)
        else:
            self._file(path, head)

    def _file(self, path: str, head: bool) -> None:
        with self.server.publishing:
            found = self._lookup(path)
        if isinstance(found, str):
            self._redirect(found)
        else:
            status, kind, body = found
            kept = status == HTTPStatus.OK and HASHED.search(path) is not None
            self._send(status, kind, body, head, IMMUTABLE if kept else "no-store")

    def _lookup(self, path: str) -> tuple[HTTPStatus, str, bytes] | str:
        """The answer the folder holds for `path`: (status, type, body), or where to redirect."""
        target = resolve(self.server.root, self.path)
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                return path + "/"
            target = target / "index.html"
        try:
            if target is not None and target.is_file():
                return HTTPStatus.OK, content_type(target), target.read_bytes()
        except OSError:
            pass
        page = self.server.root / "404.html"
        return HTTPStatus.NOT_FOUND, TYPES[".html"], page.read_bytes() if page.is_file() else FALLBACK_404

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, kind: str, body: bytes, head: bool, cache: str = "no-store") -> None:
        if kind.startswith("text/html"):
            body = inject(body, self.server.live.current.version)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the current state at once, then each new one, with heartbeats between."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        live, seen = self.server.live, -1
        try:
            while (state := live.wait_past(seen, HEARTBEAT_SECONDS)) is not None:
                message = f"data: {state.as_json()}\n\n" if state.version != seen else ": heartbeat\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = state.version
        except (BrokenPipeError, ConnectionResetError):
            return
