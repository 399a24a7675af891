"""The bot's login proxy: an HTTP proxy that exists only to catch the WeChat login callback.

What it does with a request (never anything else — it is not an open proxy):
- plain-http ``GET http://<OAuth host>/wc_auth/oauth/callback/…`` → handed to ``on_callback``
  (never forwarded); the browser gets the small page it returns;
- ``CONNECT host:443`` → a byte tunnel, only to hosts under an allowed suffix (what WeChat's
  browser needs for the login) whose every address is public (a name under ``qq.com`` may
  resolve to 127.0.0.1: the tunnel goes to the checked address, never to the bot's own host or
  network), only while ``tunnels_open()`` (a bind is pending), at most ``max_tunnels`` at once
  (``max_tunnels_per_ip`` per client), closed after ``idle_timeout`` without traffic,
  ``max_tunnel_seconds`` in all or ``max_tunnel_bytes``;
- at most ``max_connections`` open connections, ``max_connections_per_ip`` per client;
- every other request → 403, nothing forwarded.

Nothing of a request's query reaches a log line (it holds the login code).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .links import is_callback_path

log = logging.getLogger(__name__)

MAX_HEAD = 16 * 1024  # request line + headers
HEAD_TIMEOUT = 10.0
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Page:
    status: int
    html: str


Callback = Callable[[str, str], Awaitable[Page]]  # (path, query) → the page for the browser
Resolver = Callable[[str, int], Awaitable[list[str]]]  # (host, port) → its addresses

REFUSED = Page(403, "<h3>此代理只用于舞萌DX绑定，不转发其他请求。</h3>")
_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    431: "Request Header Fields Too Large",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def host_allowed(host: str, suffixes: Sequence[str]) -> bool:
    """``host`` equals an allowed suffix or is a subdomain of one (``x.qq.com`` under ``qq.com``)."""
    host = host.lower().rstrip(".")
    return any(
        host == s or host.endswith("." + s)
        for s in (s.strip().lower().strip(".") for s in suffixes)
        if s
    )


async def resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def is_public(address: str) -> bool:
    """A globally routable address: not loopback, private, link-local, reserved, multicast…"""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


def parse_allow(setting: str) -> tuple[str, ...]:
    return tuple(s.strip().lower().strip(".") for s in setting.split(",") if s.strip())


def split_host_port(target: str, default_port: int) -> tuple[str, int] | None:
    """``host:port`` / ``[v6]:port`` / ``host`` → (host, port); None when malformed."""
    try:
        parts = urlsplit("//" + target)
        return (parts.hostname or ""), (parts.port or default_port)
    except ValueError:
        return None


class BindProxy:
    def __init__(
        self,
        *,
        intercept_host: str,
        on_callback: Callback,
        tunnels_open: Callable[[], bool],
        allow: Sequence[str],
        connect_port: int = 443,
        max_tunnels: int = 32,
        idle_timeout: float = 30.0,
        max_tunnel_bytes: int = 8 * 1024 * 1024,
        max_connections: int = 256,
        max_connections_per_ip: int = 16,
        max_tunnels_per_ip: int = 8,  # a login page opens a few at once
        max_tunnel_seconds: float = 300.0,  # a login takes a minute; a busy tunnel ends anyway
        head_timeout: float = HEAD_TIMEOUT,
        resolver: Resolver = resolve,
        allow_private: bool = False,  # tests only: tunnels to loopback test servers
    ) -> None:
        self.intercept_host = intercept_host.lower()
        self.on_callback = on_callback
        self.tunnels_open = tunnels_open
        self.allow = tuple(allow)
        self.connect_port = connect_port
        self.max_tunnels = max_tunnels
        self.idle_timeout = idle_timeout
        self.max_tunnel_bytes = max_tunnel_bytes
        self.max_connections = max_connections
        self.max_connections_per_ip = max_connections_per_ip
        self.max_tunnels_per_ip = max_tunnels_per_ip
        self.max_tunnel_seconds = max_tunnel_seconds
        self.head_timeout = head_timeout
        self.resolver = resolver
        self.allow_private = allow_private
        self.tunnels = 0
        self.connections = 0
        self._connections_by_ip: Counter[str] = Counter()
        self._tunnels_by_ip: Counter[str] = Counter()
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

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        peer = writer.get_extra_info("peername")
        ip = str(peer[0]) if isinstance(peer, tuple) and peer else "-"
        self.connections += 1
        self._connections_by_ip[ip] += 1
        try:
            if (
                self.connections > self.max_connections
                or self._connections_by_ip[ip] > self.max_connections_per_ip
            ):
                return
            await self._handle(reader, writer, ip)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError):
            pass
        except Exception as exc:  # one bad connection must not reach asyncio's default handler
            log.warning("login proxy: a connection failed: %s", type(exc).__name__)
        finally:
            self.connections -= 1
            _release(self._connections_by_ip, ip)
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
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            await _answer(writer, Page(400, "<h3>Bad Request</h3>"))
            return
        method, target, _ = parts
        if method == "CONNECT":
            await self._connect(target, reader, writer, ip)
            return
        url = urlsplit(target) if target.startswith("http://") else None
        if (
            method == "GET"
            and url is not None
            and (url.hostname or "").lower() == self.intercept_host
            and is_callback_path(url.path)
        ):
            log.info("login proxy: a login callback arrived")
            try:
                page = await self.on_callback(url.path, url.query)
            except Exception:  # the browser still gets an answer; the cause is logged
                log.exception("login proxy: handling a callback failed")
                page = Page(502, "<h3>绑定失败，请回到QQ重新发送 /bind。</h3>")
            await _answer(writer, page)
            return
        # The host only (no path or query: they may hold secrets), to see what WeChat asks for.
        log.info("login proxy: refused %s %s", method[:10], (url.hostname if url else "-") or "-")
        await _answer(writer, REFUSED)

    async def _connect(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ip: str
    ) -> None:
        hp = split_host_port(target, 0)
        if hp is None or hp[1] != self.connect_port or not host_allowed(hp[0], self.allow):
            log.info("login proxy: refused CONNECT %s", hp[0][:80] if hp else "-")
            await _answer(writer, REFUSED)
            return
        if not self.tunnels_open():
            log.info("login proxy: refused CONNECT %s (nobody is binding now)", hp[0])
            await _answer(writer, REFUSED)
            return
        if self.tunnels >= self.max_tunnels or self._tunnels_by_ip[ip] >= self.max_tunnels_per_ip:
            await _answer(writer, Page(503, "<h3>代理繁忙，请稍后再试。</h3>"))
            return
        self.tunnels += 1
        self._tunnels_by_ip[ip] += 1
        try:
            try:
                addresses = await asyncio.wait_for(self.resolver(*hp), self.head_timeout)
            except (OSError, TimeoutError):
                addresses = []
            if not addresses:
                await _answer(writer, Page(502, "<h3>连接失败</h3>"))
                return
            if not self.allow_private and not all(is_public(a) for a in addresses):
                log.info("login proxy: refused CONNECT %s (not a public address)", hp[0])
                await _answer(writer, REFUSED)
                return
            try:  # the address just checked, not the name again (it may resolve elsewhere now)
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(addresses[0], hp[1]), self.head_timeout
                )
            except (OSError, TimeoutError):
                await _answer(writer, Page(502, "<h3>连接失败</h3>"))
                return
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await self._pipe_both(reader, writer, up_reader, up_writer)
        finally:
            self.tunnels -= 1
            _release(self._tunnels_by_ip, ip)

    async def _pipe_both(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up_reader: asyncio.StreamReader,
        up_writer: asyncio.StreamWriter,
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


def _release(counts: Counter[str], ip: str) -> None:
    counts[ip] -= 1
    if counts[ip] <= 0:
        del counts[ip]


async def _answer(writer: asyncio.StreamWriter, page: Page) -> None:
    body = (
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>舞萌DX 绑定</title>{page.html}"
    ).encode()
    head = (
        f"HTTP/1.1 {page.status} {_REASONS.get(page.status, 'Status')}\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()
