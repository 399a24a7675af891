"""The bot's login proxy: an HTTP proxy that exists only to catch the WeChat login callback.

What it does with a request (never anything else — it is not an open proxy):
- plain-http ``GET http://<public address>/bind/<token>`` (the link /bind sends) → ``on_link``:
  records the client's address for that bind and answers 302 to the WeChat login link;
- plain-http ``GET`` / ``POST`` of ``http://<OAuth host>/wc_auth/oauth/callback/…`` → handed
  to ``on_callback`` (never forwarded); the browser gets the page it returns (the consent
  page for a GET, the result for the consent form's POST);
- ``CONNECT host:443`` → a byte tunnel, only for a client address that holds a pending bind
  (``may_tunnel``), only to a strict DNS name on the allowlist whose every address is global
  unicast (the tunnel goes to the checked address), closed when the bind ends, after
  ``idle_timeout`` without traffic, ``max_tunnel_seconds`` in all or ``max_tunnel_bytes``;
- at most ``max_connections`` open connections and ``max_tunnels`` tunnels, each cap also per
  client network (/24 for IPv4, /64 for IPv6: one host has many addresses);
- every other request → 403, nothing forwarded.

Nothing of a request's query reaches a log line (it holds the login code); text a client sent
is logged cut to 80 characters, as ``ascii()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from .links import is_callback_path
from .targets import client_network, connect_name, host_allowed, is_public, plain_address, resolve

log = logging.getLogger(__name__)

MAX_HEAD = 16 * 1024  # request line + headers
MAX_FORM = 2048  # the consent form's body: one short field
HEAD_TIMEOUT = 5.0
CHUNK = 64 * 1024
LINK_PATH = "/bind/"


@dataclass(frozen=True)
class Page:
    status: int
    html: str
    location: str = ""  # a redirect's target (302)


@dataclass(frozen=True)
class CallbackRequest:
    """A callback request the proxy caught: ``form`` is the POSTed form (empty for a GET)."""

    method: str
    path: str
    query: str
    client: str
    form: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # the query and form hold the login code
        return f"CallbackRequest({self.method}, ***)"


Callback = Callable[[CallbackRequest], Awaitable[Page]]
OpenLink = Callable[[str, str], Page]  # (token, client address) → the page (302 or refused)
Resolver = Callable[[str, int], Awaitable[list[str]]]  # (host, port) → its addresses

REFUSED = Page(403, "<h3>此代理只用于舞萌DX绑定，不转发其他请求。</h3>")
_REASONS = {
    200: "OK",
    302: "Found",
    400: "Bad Request",
    403: "Forbidden",
    411: "Length Required",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def parse_allow(setting: str) -> tuple[str, ...]:
    return tuple(s.strip().lower().rstrip(".") for s in setting.split(",") if s.strip())


def split_host_port(target: str, default_port: int) -> tuple[str, int] | None:
    """``host:port`` / ``[v6]:port`` / ``host`` → (host, port); None when malformed."""
    try:
        parts = urlsplit("//" + target)
        return (parts.hostname or ""), (parts.port or default_port)
    except ValueError:
        return None


def _quoted(text: str) -> str:
    """Text a client sent, as a log line may carry it."""
    return ascii(text[:80])


class BindProxy:
    def __init__(
        self,
        *,
        intercept_host: str,
        on_callback: Callback,
        on_link: OpenLink,
        may_tunnel: Callable[[str], bool],
        allow: Sequence[str],
        link_host: str = "",
        connect_port: int = 443,
        max_tunnels: int = 64,
        idle_timeout: float = 30.0,
        max_tunnel_bytes: int = 8 * 1024 * 1024,
        max_connections: int = 256,
        max_connections_per_net: int = 16,
        max_tunnels_per_net: int = 8,  # a login page opens a few at once
        max_tunnel_seconds: float = 300.0,  # a login takes a minute; a busy tunnel ends anyway
        head_timeout: float = HEAD_TIMEOUT,
        bind_check: float = 1.0,  # seconds between checks that a tunnel's bind still waits
        resolver: Resolver = resolve,
        allow_private: bool = False,  # tests only: tunnels to loopback test servers
    ) -> None:
        self.intercept_host = intercept_host.lower()
        self.on_callback = on_callback
        self.on_link = on_link
        self.may_tunnel = may_tunnel
        self.allow = tuple(allow)
        self.link_host = link_host.lower()
        self.connect_port = connect_port
        self.max_tunnels = max_tunnels
        self.idle_timeout = idle_timeout
        self.max_tunnel_bytes = max_tunnel_bytes
        self.max_connections = max_connections
        self.max_connections_per_net = max_connections_per_net
        self.max_tunnels_per_net = max_tunnels_per_net
        self.max_tunnel_seconds = max_tunnel_seconds
        self.head_timeout = head_timeout
        self.bind_check = bind_check
        self.resolver = resolver
        self.allow_private = allow_private
        self.tunnels = 0
        self.connections = 0
        self._connections_by_net: Counter[str] = Counter()
        self._tunnels_by_net: Counter[str] = Counter()
        self._binds_changed = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def address(self) -> tuple[str, int]:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return host, port

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, host, port, limit=MAX_HEAD)
        log.info("login proxy listening on %s:%d", *self.address)

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2)
        self._server = None

    def binds_changed(self) -> None:
        """A bind ended or was replaced: every tunnel checks at once that its client may still
        tunnel (an expiry is noticed within ``bind_check`` anyway)."""
        ended, self._binds_changed = self._binds_changed, asyncio.Event()
        ended.set()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        peer = writer.get_extra_info("peername")
        ip = plain_address(str(peer[0])) if isinstance(peer, tuple) and peer else "-"
        net = client_network(ip)
        self.connections += 1
        self._connections_by_net[net] += 1
        try:
            if (
                self.connections > self.max_connections
                or self._connections_by_net[net] > self.max_connections_per_net
            ):
                return
            await self._handle(reader, writer, ip)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except Exception as exc:  # one bad connection must not reach asyncio's default handler
            log.warning("login proxy: a connection failed: %s", type(exc).__name__)
        finally:
            self.connections -= 1
            _release(self._connections_by_net, net)
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ip: str
    ) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.head_timeout)
        except asyncio.LimitOverrunError:
            await _answer(writer, Page(431, "<h3>请求头太大</h3>"))
            return
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            await _answer(writer, Page(400, "<h3>Bad Request</h3>"))
            return
        method, target, _ = parts
        if method == "CONNECT":
            await self._connect(target, reader, writer, ip)
            return
        url = urlsplit(target) if target.startswith("http://") else None
        host = ((url.hostname or "") if url else "").lower()
        path = url.path if url else target if target.startswith("/") else ""
        if method == "GET" and path.startswith(LINK_PATH) and host in ("", self.link_host):
            log.info("login proxy: a bind link was opened")
            await _answer(writer, self.on_link(path.removeprefix(LINK_PATH), ip))
            return
        if method in ("GET", "POST") and host == self.intercept_host and is_callback_path(path):
            await self._callback(method, path, url.query if url else "", lines, reader, writer, ip)
            return
        # The host only (no path or query: they may hold secrets), to see what WeChat asks for.
        log.info("login proxy: refused %s %s", _quoted(method), _quoted(host or "-"))
        await _answer(writer, REFUSED)

    async def _callback(
        self,
        method: str,
        path: str,
        query: str,
        lines: list[str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        ip: str,
    ) -> None:
        log.info("login proxy: a login callback arrived (%s)", method)
        form: dict[str, str] = {}
        if method == "POST":
            length = _content_length(lines)
            if length is None:
                await _answer(writer, Page(411, "<h3>Length Required</h3>"))
                return
            if length > MAX_FORM:
                await _answer(writer, Page(413, "<h3>请求太大</h3>"))
                return
            body = await asyncio.wait_for(reader.readexactly(length), self.head_timeout)
            fields = parse_qs(body.decode("latin-1"), max_num_fields=8)
            form = {k: v[0] for k, v in fields.items() if len(v) == 1}
        try:
            page = await self.on_callback(CallbackRequest(method, path, query, ip, form))
        except Exception:  # the browser still gets an answer; the cause is logged
            log.exception("login proxy: handling a callback failed")
            page = Page(502, "<h3>绑定失败，请回到QQ重新发送 /bind。</h3>")
        await _answer(writer, page)

    async def _connect(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ip: str
    ) -> None:
        name = connect_name(target, self.connect_port)
        if name is None or not host_allowed(name, self.allow):
            log.info("login proxy: refused CONNECT %s", _quoted(target))
            await _answer(writer, REFUSED)
            return
        if not self.may_tunnel(ip):
            log.info("login proxy: refused CONNECT %s (that address opened no waiting link)", name)
            await _answer(writer, REFUSED)
            return
        net = client_network(ip)
        if (
            self.tunnels >= self.max_tunnels
            or self._tunnels_by_net[net] >= self.max_tunnels_per_net
        ):
            await _answer(writer, Page(503, "<h3>代理繁忙，请稍后再试。</h3>"))
            return
        self.tunnels += 1
        self._tunnels_by_net[net] += 1
        try:
            try:
                addresses = await asyncio.wait_for(
                    self.resolver(name, self.connect_port), self.head_timeout
                )
            except (OSError, TimeoutError):
                addresses = []
            if not addresses:
                await _answer(writer, Page(502, "<h3>连接失败</h3>"))
                return
            if not self.allow_private and not all(is_public(a) for a in addresses):
                log.info("login proxy: refused CONNECT %s (not a global address)", name)
                await _answer(writer, REFUSED)
                return
            try:  # the address just checked, not the name again (it may resolve elsewhere now)
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(addresses[0], self.connect_port), self.head_timeout
                )
            except (OSError, TimeoutError):
                await _answer(writer, Page(502, "<h3>连接失败</h3>"))
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await self._pipe_both(reader, writer, up_reader, up_writer, ip)
        finally:
            self.tunnels -= 1
            _release(self._tunnels_by_net, net)

    async def _bind_ends(self, ip: str) -> None:
        """Returns once ``ip`` may no longer tunnel (its bind was used, replaced or expired)."""
        while self.may_tunnel(ip):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._binds_changed.wait(), self.bind_check)

    async def _pipe_both(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up_reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
        ip: str,
    ) -> None:
        loop = asyncio.get_running_loop()
        state = {"bytes": 0, "last": loop.time()}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            while True:
                try:
                    data = await asyncio.wait_for(src.read(CHUNK), self.idle_timeout)
                except TimeoutError:
                    if loop.time() - state["last"] >= self.idle_timeout:
                        return  # neither side said anything for a while
                    continue
                if not data:
                    return
                state["bytes"] += len(data)
                state["last"] = loop.time()
                if state["bytes"] > self.max_tunnel_bytes:
                    return
                dst.write(data)
                await dst.drain()

        tasks = [
            asyncio.create_task(pipe(reader, up_writer)),
            asyncio.create_task(pipe(up_reader, writer)),
            asyncio.create_task(self._bind_ends(ip)),
        ]
        try:
            await asyncio.wait(
                tasks, timeout=self.max_tunnel_seconds, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            up_writer.close()
            with contextlib.suppress(Exception):
                await up_writer.wait_closed()


def _release(counts: Counter[str], net: str) -> None:
    counts[net] -= 1
    if counts[net] <= 0:
        del counts[net]


def _content_length(lines: list[str]) -> int | None:
    values = [
        v.strip()
        for k, _, v in (line.partition(":") for line in lines[1:])
        if k.strip().lower() == "content-length"
    ]
    if (
        len(values) != 1
        or not values[0].isdigit()
        or any(line.lower().startswith("transfer-encoding:") for line in lines[1:])
    ):
        return None
    return int(values[0])


async def _answer(writer: asyncio.StreamWriter, page: Page) -> None:
    body = (
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>舞萌DX 绑定</title>{page.html}"
    ).encode()
    location = page.location.replace("\r", "").replace("\n", "")
    head = (
        f"HTTP/1.1 {page.status} {_REASONS.get(page.status, 'Status')}\r\n"
        + (f"Location: {location}\r\n" if location else "")
        + "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()
