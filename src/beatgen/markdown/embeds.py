"""What an ```embed block says: its `key: value` lines read and checked, its URL matched to a player.

A story never loads a third party by itself: the page shows a link card, and the player's URL (on a
privacy-friendly host where the provider has one) is only used when the reader asks for it. So every
provider here is a URL shape and the player URL it maps to, nothing fetched; any other https URL is a
plain link card.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qs, urlsplit

from beatgen.fields import describe, suggest

KEYS = ("url", "title", "thumbnail")
SYNTAX = ("write an embed as ```embed, then 'url: https://...' and 'title: ...' lines (and 'thumbnail: img/file.jpg' "
          "for an image under static/), then ```")
IMAGE_SUFFIXES = (".avif", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".webp")
_LINE = re.compile(r"\s*([A-Za-z_][\w-]*)\s*:\s*(.*)")
_NOT_IN_URLS = re.compile(r"[\s\"'<>\\^`{|}]")
# Hosts of the named providers: a URL of theirs in another shape (a channel page) is a link, never Mastodon.
PROVIDER_HOSTS = frozenset({"youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com", "player.vimeo.com",
                            "x.com", "twitter.com", "bsky.app"})


@dataclass(frozen=True)
class Player:
    provider: str  # "YouTube", or the host of a plain link
    kind: str  # "video", "post" or "link"
    src: str  # what the player's iframe loads once the reader asks; "" for a link


@dataclass(frozen=True)
class Embed:
    url: str
    title: str
    thumbnail: str  # the image's path in the output (content-hashed), "" for none
    player: Player


@dataclass(frozen=True)
class Problem:
    line: int  # of the block's content, from 0; -1 is the opening fence
    column: int  # from 1
    message: str


def read_block(content: str, static: Mapping[str, str]) -> tuple[Embed | None, list[Problem]]:
    """The embed a block describes, or the problems that stop it. `static`: files under static/ by name."""
    fields, problems = _fields(content)
    url, title, thumbnail = (fields.get(key) for key in KEYS)
    if url is None:
        problems.append(Problem(-1, 1, f"an embed needs a 'url:' line; {SYNTAX}"))
    elif message := _url_problem(url[0]):
        problems.append(Problem(url[1], url[2], message))
    if title is None or not title[0]:
        where = (title[1], title[2]) if title else (-1, 1)
        problems.append(Problem(*where, "an embed needs a 'title:', the words a reader sees before choosing to load "
                                        f"it (e.g. title: Starship's fifth flight, from SpaceX); {SYNTAX}"))
    image = _thumbnail(thumbnail, static, problems) if thumbnail else ""
    if problems or url is None or title is None:
        return None, problems
    return Embed(url[0], title[0], image, player_of(url[0])), []


def _fields(content: str) -> tuple[dict[str, tuple[str, int, int]], list[Problem]]:
    """Each `key: value` line as (value, line, column of the value); blank lines are skipped."""
    fields: dict[str, tuple[str, int, int]] = {}
    problems = []
    for number, text in enumerate(content.split("\n")):
        if not text.strip():
            continue
        match = _LINE.fullmatch(text.rstrip())
        column = len(text) - len(text.lstrip()) + 1
        if text.strip().lower().startswith(("https://", "http://")):
            problems.append(Problem(number, column, "write 'url: ' before the address (each line of an embed is "
                                                    "'key: value')"))
            fields.setdefault("url", (text.strip(), number, column))
        elif match is None:
            problems.append(Problem(number, column, f"each line of an embed is 'key: value', got "
                                                    f"{describe(text.strip())}; {SYNTAX}"))
        elif match[1] not in KEYS:
            problems.append(Problem(number, column, f"unknown embed key '{match[1]}' (an embed takes url:, title: "
                                                    f"and thumbnail: lines){suggest(match[1], KEYS)}"))
        elif match[1] in fields:
            problems.append(Problem(number, column, f"'{match[1]}' is given twice in this embed; keep one"))
        else:
            fields[match[1]] = (_unquoted(match[2]), number, match.start(2) + 1)
    return fields, problems


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def _url_problem(url: str) -> str:
    try:
        parts = urlsplit(url)
        fine = url.lower().startswith("https://") and bool(parts.hostname) and "@" not in parts.netloc
    except ValueError:  # a malformed host, such as an unclosed IPv6 bracket
        fine = False
    if fine and not _NOT_IN_URLS.search(url):
        return ""
    return f"an embed's url must be an https:// address of the post or video page, got {describe(url)}"


def _thumbnail(field: tuple[str, int, int], static: Mapping[str, str], problems: list[Problem]) -> str:
    """The content-hashed path of a thumbnail under static/; never a remote image, which would tell its host
    who reads the page."""
    value, line, column = field
    name = value.lstrip("/").removeprefix("static/")
    if "://" in value or value.startswith("//"):
        message = (f"thumbnail must be an image file of the site under static/ (e.g. img/launch.jpg), got "
                   f"{describe(value)}; a remote image would tell its host who reads the page")
    elif not name.lower().endswith(IMAGE_SUFFIXES):
        message = f"thumbnail must be an image ({', '.join(IMAGE_SUFFIXES)}), got {describe(value)}"
    elif (hashed := static.get(name)) is None:
        message = f"no file static/{name} for this embed's thumbnail; put the image under static/ or fix the path"
    else:
        return hashed
    problems.append(Problem(line, column, message))
    return ""


def player_of(url: str) -> Player:
    """The provider a URL belongs to and its player; an unknown shape is a plain link to its host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    for match in (_youtube, _vimeo, _x, _bluesky, _mastodon):
        if player := match(host.removeprefix("m.").removeprefix("mobile."), parts):
            return player
    return Player(host, "link", "")


def _youtube(host: str, parts: SplitResult) -> Player | None:
    """youtube.com/watch?v=, /shorts/, /live/, /embed/ and youtu.be/ links (with a start time in seconds,
    `t=90`), played from youtube-nocookie.com."""
    if host == "youtu.be":
        video = parts.path.strip("/")
    elif host in ("youtube.com", "youtube-nocookie.com"):
        found = re.fullmatch(r"/(?:embed|shorts|live|v)/([^/]+)/?", parts.path)
        watch = parts.path.rstrip("/") == "/watch"
        video = found[1] if found else parse_qs(parts.query).get("v", [""])[0] if watch else ""
    else:
        return None
    if not re.fullmatch(r"[A-Za-z0-9_-]{11}", video):
        return None
    query = parse_qs(parts.query)
    start = re.fullmatch(r"(\d+)s?", (query.get("t") or query.get("start") or [""])[0])
    return Player("YouTube", "video", f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
                                      + (f"&start={start[1]}" if start else ""))


def _vimeo(host: str, parts: SplitResult) -> Player | None:
    """vimeo.com/ID (with an unlisted video's hash), channel and group links; the player told not to track."""
    if host == "vimeo.com":
        found = re.fullmatch(r"/(?:channels/[\w-]+/|groups/[\w-]+/videos/)?(\d+)(?:/([0-9a-f]+))?/?", parts.path)
        key = found[2] if found else None
    elif host == "player.vimeo.com":
        found = re.fullmatch(r"/video/(\d+)/?", parts.path)
        key = parse_qs(parts.query).get("h", [None])[0]
    else:
        return None
    if not found or (key and not re.fullmatch(r"[0-9a-f]+", key)):
        return None
    return Player("Vimeo", "video", f"https://player.vimeo.com/video/{found[1]}?dnt=1&autoplay=1"
                                    + (f"&h={key}" if key else ""))


def _x(host: str, parts: SplitResult) -> Player | None:
    found = re.fullmatch(r"/\w{1,15}/status(?:es)?/(\d+)(?:/.*)?", parts.path)
    if host not in ("x.com", "twitter.com") or not found:
        return None
    return Player("X", "post", f"https://platform.twitter.com/embed/Tweet.html?id={found[1]}&dnt=true")


def _bluesky(host: str, parts: SplitResult) -> Player | None:
    found = re.fullmatch(r"/profile/([A-Za-z0-9.:_-]+)/post/([A-Za-z0-9._~:-]+)/?", parts.path)
    if host != "bsky.app" or not found:
        return None
    return Player("Bluesky", "post", f"https://embed.bsky.app/embed/{found[1]}/app.bsky.feed.post/{found[2]}")


def _mastodon(host: str, parts: SplitResult) -> Player | None:
    """Any Mastodon server: a post is /@name/ID (or /@name@server/ID, /users/name/statuses/ID) on its host."""
    found = re.fullmatch(r"/(@\w+(?:@[A-Za-z0-9.-]+)?/\d+|users/\w+/statuses/\d+)/?", parts.path)
    if not found or host in PROVIDER_HOSTS or parts.hostname is None:
        return None
    server = (parts.hostname or host) + (f":{parts.port}" if parts.port else "")
    return Player("Mastodon", "post", f"https://{server}/{found[1]}/embed")
