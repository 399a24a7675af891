"""The WeChat login link a one-tap /bind hands out, and the binds waiting for its callback.

The site's authorize URL answers with a 302 to WeChat's ``…/connect/oauth2/authorize?…
&redirect_uri=https%3A%2F%2Ftgk-wcaime…%2Fcallback%2Fmaimai-dx%3Fr%3D…%26t%3D…&state=…``.
With ``redirect_uri`` turned to plain http, WeChat sends the player's browser to the callback
over http, where the bot's proxy sees it (DOMAIN.md §1). A link is recognised again at the
callback by its own ``state``, ``r`` and ``t``; the ``code`` is the secret that logs in.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx

from ..caps import read_capped
from ..client import browser_client
from ..errors import LoginFailed, NetworkError

TTL = 600.0  # seconds a pending bind waits for its callback
MAX_PENDING = 500  # binds waiting at once, all users together
CALLBACK_PATH = "/wc_auth/oauth/callback/"
MAX_AUTHORIZE_BYTES = 64_000  # the authorize answer is a 302 with a tiny body


@dataclass(frozen=True)
class LinkKey:
    """What ties a callback to the link that was handed out (no secret: the code is not here)."""

    state: str
    r: str
    t: str

    def __repr__(self) -> str:
        return "LinkKey(***)"


def rewrite_link(location: str) -> str:
    """``redirect_uri=https…`` → ``redirect_uri=http…`` (encoded or not); ValueError when the
    link has no https redirect_uri to rewrite."""
    for https, http in (
        ("redirect_uri=https%3A", "redirect_uri=http%3A"),
        ("redirect_uri=https%3a", "redirect_uri=http%3a"),
        ("redirect_uri=https:", "redirect_uri=http:"),
    ):
        if https in location:
            return location.replace(https, http, 1)
    if "redirect_uri=http%3A" in location or "redirect_uri=http:" in location:
        return location  # already plain http (a local simulator)
    raise ValueError("the login link has no https redirect_uri")


def link_key(link: str) -> LinkKey:
    """The key of a (rewritten) WeChat link: its ``state`` and the callback's ``r`` and ``t``."""
    query = parse_qs(urlsplit(link).query)
    redirect = query.get("redirect_uri", [""])[0]
    inner = parse_qs(urlsplit(redirect).query)  # parse_qs has decoded redirect_uri once
    key = LinkKey(_one(query, "state"), _one(inner, "r"), _one(inner, "t"))
    if not all((key.state, key.r, key.t)):
        raise ValueError("the login link lacks state, r or t")
    return key


def link_callback_path(link: str) -> str:
    """The callback path in a (rewritten) WeChat link's redirect_uri: the one path its callback
    may come to; ValueError when it is no plain callback path."""
    redirect = parse_qs(urlsplit(link).query).get("redirect_uri", [""])[0]
    path = urlsplit(redirect).path
    if not is_callback_path(path):
        raise ValueError("the login link's redirect_uri is no callback")
    return path


def is_callback_path(path: str) -> bool:
    """Under the callback folder, without a dot segment (``callback/../../x`` is another path
    on the OAuth host) or a backslash (some servers read it as ``/``)."""
    return (
        path.startswith(CALLBACK_PATH)
        and "\\" not in unquote(path)
        and not any(s in (".", "..") for s in unquote(path).split("/"))
    )


def callback_key(query: str) -> LinkKey | None:
    """The key of a callback request's query (``r, t, code, state``); None when incomplete."""
    values = parse_qs(query)
    key = LinkKey(_one(values, "state"), _one(values, "r"), _one(values, "t"))
    if not all((key.state, key.r, key.t, _one(values, "code"))):
        return None
    return key


def _one(query: dict[str, list[str]], name: str) -> str:
    values = query.get(name, [])
    return values[0] if len(values) == 1 else ""  # a repeated field is not trusted


async def fetch_login_link(
    oauth_url: str,
    *,
    request_timeout: float = 20.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> str:
    """Request the site's authorize URL (as WeChat would) and return its redirect, rewritten."""
    async with browser_client(request_timeout, transport) as http:
        try:
            async with http.stream("GET", oauth_url) as response:
                await read_capped(response, MAX_AUTHORIZE_BYTES, "authorize")
        except httpx.HTTPError as exc:  # a broken gzip body too (DecodingError), not only transport
            raise NetworkError(f"authorize: {type(exc).__name__}") from None
    location = response.headers.get("location", "")
    if not response.is_redirect or not location:
        raise LoginFailed(
            f"authorize answered HTTP {response.status_code} without a redirect",
            user_message="舞萌DX的登录入口没有给出微信登录链接，请稍后再试。",
        )
    try:
        return rewrite_link(location)
    except ValueError as exc:
        raise LoginFailed(
            str(exc), user_message="舞萌DX的登录链接格式变了，请用 Cookie 方式绑定。"
        ) from None


class LinkTaken(ValueError):
    """The site handed out a link another QQ already waits on."""


@dataclass
class PendingBind:
    qq: str
    key: LinkKey
    expires: float
    via: str | None = None  # the chat connection the /bind came through
    path: str = ""  # the callback path of the link handed out: its callback must use exactly it
    link: str = ""  # the WeChat login link the bot's own link redirects to
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))  # in the bot's link
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))  # the consent form's
    client: str | None = None  # the address that opened the bot's link: the only one served

    def __repr__(self) -> str:
        return f"PendingBind(qq={self.qq}, ***)"


class PendingBinds:
    """Binds waiting for their callback, in memory (a restart forgets them: /bind again).

    One per QQ user (a new /bind replaces the older link); each is used at most once, and
    only by the client address that opened its link first.
    """

    def __init__(
        self,
        ttl: float = TTL,
        clock: Callable[[], float] = time.monotonic,
        limit: int = MAX_PENDING,
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.limit = limit
        self._by_key: dict[LinkKey, PendingBind] = {}
        self._by_token: dict[str, PendingBind] = {}

    def add(
        self, qq: str, key: LinkKey, via: str | None = None, path: str = "", link: str = ""
    ) -> PendingBind | None:
        """Remember a bind for ``qq``; None when too many are waiting already. LinkTaken when
        another QQ waits on the same link: both are dropped (whose login would it be?)."""
        self._purge()
        for old in [p for p in self._by_key.values() if p.qq == qq]:
            self._drop(old)
        if key in self._by_key:
            self._drop(self._by_key[key])
            raise LinkTaken("another QQ waits on the same login link")
        if len(self._by_key) >= self.limit:
            return None
        pending = PendingBind(qq, key, self.clock() + self.ttl, via, path, link)
        self._by_key[key] = pending
        self._by_token[pending.token] = pending
        return pending

    def open(self, token: str, client: str) -> PendingBind | None:
        """The bot's link was opened from ``client``: the bind, now tied to that address; None
        when unknown, expired, or already opened from another address."""
        pending = self._by_token.get(token)
        if pending is None or pending.expires <= self.clock():
            return None
        if pending.client is None:
            pending.client = client
        return pending if pending.client == client else None

    def peek(self, key: LinkKey) -> PendingBind | None:
        """The bind this callback belongs to, left waiting (the consent page shows it)."""
        pending = self._by_key.get(key)
        return pending if pending is not None and pending.expires > self.clock() else None

    def take(self, key: LinkKey) -> PendingBind | None:
        """The bind this callback belongs to, removed (single use); None when unknown or expired."""
        pending = self._by_key.get(key)
        if pending is None:
            return None
        self._drop(pending)
        return pending if pending.expires > self.clock() else None

    def holds(self, client: str) -> bool:
        """Whether ``client`` opened the link of a bind still waiting (it may tunnel then)."""
        now = self.clock()
        return any(p.client == client and p.expires > now for p in self._by_key.values())

    def active(self) -> bool:
        """Whether any bind is waiting."""
        self._purge()
        return bool(self._by_key)

    def __len__(self) -> int:
        self._purge()
        return len(self._by_key)

    def _drop(self, pending: PendingBind) -> None:
        self._by_key.pop(pending.key, None)
        self._by_token.pop(pending.token, None)

    def _purge(self) -> None:
        now = self.clock()
        for pending in [p for p in self._by_key.values() if p.expires <= now]:
            self._drop(pending)


def callback_target(oauth_url: str, path: str, query: str) -> str:
    """The callback the bot requests itself: always on the configured OAuth host and scheme
    (https in production), never on a host the browser named."""
    parts = urlsplit(oauth_url)
    return f"{parts.scheme}://{parts.netloc}{quote(path, safe='/')}?{query}"
