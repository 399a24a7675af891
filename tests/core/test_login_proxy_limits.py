"""The login proxy's CONNECT on its own (loopback only, no real DNS): what a tunnel may reach,
and how much of the proxy one client network may take."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from plugins.maimai_archive.core.login.proxy import REFUSED, BindProxy, CallbackRequest, Page
from plugins.maimai_archive.core.login.targets import client_network, connect_name, is_public
from tests.core.test_login_proxy import _echo


@dataclass
class Upstream:
    """An echo server standing for the site behind a tunnel; counts who reached it."""

    port: int = 0
    hits: list[int] = field(default_factory=list)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.hits.append(1)
        await _echo(reader, writer)


@dataclass
class Dns:
    """The resolver the proxy asks: every name is ``answer``; the questions are kept."""

    answer: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    asked: list[tuple[str, int]] = field(default_factory=list)

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append((host, port))
        return list(self.answer)


async def _no_callback(request: CallbackRequest) -> Page:
    raise AssertionError("no callback here")


def _no_link(token: str, client: str) -> Page:
    return REFUSED


@pytest.fixture
async def setup() -> AsyncIterator[tuple[BindProxy, Upstream, Dns]]:
    upstream, dns = Upstream(), Dns()
    server = await asyncio.start_server(upstream.serve, "127.0.0.1", 0)
    upstream.port = server.sockets[0].getsockname()[1]
    proxy = BindProxy(
        intercept_host="tgk-wcaime.wahlap.com",
        on_callback=_no_callback,
        on_link=_no_link,
        may_tunnel=lambda ip: True,  # every client holds a pending bind here
        allow=("*.qq.com", "open.weixin.qq.com"),
        connect_port=upstream.port,
        resolver=dns,
    )
    await proxy.start("127.0.0.1", 0)
    try:
        yield proxy, upstream, dns
    finally:
        await proxy.stop()
        server.close()


async def _open(
    proxy: BindProxy, request: str | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(*proxy.address)
    if request is not None:
        writer.write(request.encode())
        await writer.drain()
    return reader, writer


async def _connect(
    proxy: BindProxy, host: str
) -> tuple[bytes, asyncio.StreamReader, asyncio.StreamWriter]:
    target = f"{host}:{proxy.connect_port}"
    reader, writer = await _open(proxy, f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n")
    status = await asyncio.wait_for(reader.readline(), 5)
    if b" 200 " in status:
        assert await reader.readline() == b"\r\n"  # end of the proxy's answer
    return status, reader, writer


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_an_allowed_name_that_resolves_to_a_private_address_is_refused(setup) -> None:
    proxy, upstream, dns = setup
    assert proxy.allow_private is False  # the default: only tests turn it on
    status, _, writer = await _connect(
        proxy, "localhost.ptlogin2.qq.com"
    )  # on the allowlist, but 127.0.0.1
    writer.close()
    assert b" 403 " in status and dns.asked == [("localhost.ptlogin2.qq.com", upstream.port)]
    for answer in (
        ["10.0.0.5"],
        ["169.254.169.254"],
        ["192.168.1.1"],
        ["100.64.0.1"],
        ["0.0.0.0"],
        ["224.0.0.1"],
        ["::1"],
        ["::ffff:127.0.0.1"],
        ["fe80::1%1"],
        ["fc00::1"],
        ["93.184.216.34", "127.0.0.1"],
    ):  # one private address among public ones is enough
        dns.answer = answer
        status, _, writer = await _connect(proxy, "open.weixin.qq.com")
        writer.close()
        assert b" 403 " in status, answer
    assert upstream.hits == []  # nothing reached the bot's host


async def test_the_tunnel_goes_to_the_checked_address_not_the_name_again(setup) -> None:
    proxy, upstream, dns = setup
    proxy.allow_private = True  # tests only: the checked address is the loopback echo server
    status, reader, writer = await _connect(proxy, "login.qq.com")  # no such name here without DNS
    assert b" 200 " in status
    writer.write(b"ping")
    await writer.drain()
    assert await asyncio.wait_for(reader.readexactly(4), 5) == b"ping"
    writer.close()
    assert upstream.hits == [1] and dns.asked == [("login.qq.com", upstream.port)]


def test_public_addresses_are_only_the_global_ones() -> None:
    assert is_public("8.8.8.8") and is_public("2001:4860:4860::8888")
    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.1.1",
        "100.64.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:10.0.0.1",
        "ff02::1",
        "not an address",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::a00:1",
        "::ffff:8.8.8.8",  # IPv4-mapped, even of a public address
        "::8.8.8.8",  # IPv4-compatible
        "198.18.0.1",  # benchmark
        "2001:2::1",
        "192.0.2.1",  # documentation
        "2001:db8::1",
        "100::1",  # discard
    ):
        assert not is_public(address), address


@pytest.mark.parametrize(
    "target",
    [
        "evil.example\x00.qq.com:443",
        "evil.example%00.qq.com:443",
        "evil.example\u3002qq.com:443",  # an ideographic full stop
        "evil.example\t.qq.com:443",
        "evil_example.qq.com:443",
        "a..qq.com:443",
        ".qq.com:443",
        "open.weixin.qq.com.:443",
        "x" * 64 + ".qq.com:443",
        ("a" * 60 + ".") * 5 + "qq.com:443",  # over 253
        "[::1]:443",
        "open.weixin.qq.com:80",
        "open.weixin.qq.com:0443x",
        "open.weixin.qq.com",
        "qq.com:443",  # "*.qq.com" is the subdomains only
        "weixin.qq.com.evil.example:443",
    ],
)
async def test_a_connect_target_that_is_no_strict_allowed_name_is_refused_unresolved(
    setup, target: str
) -> None:
    proxy, upstream, dns = setup
    proxy.connect_port = 443
    reader, writer = await _open(proxy)
    writer.write(b"CONNECT " + target.encode("utf-8") + b" HTTP/1.1\r\n\r\n")
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status.startswith(b"HTTP/1.1 403 "), (target, status)
    assert dns.asked == [] and upstream.hits == []


def test_connect_names_are_lowercased_ascii_dns_names() -> None:
    assert connect_name("Open.WeiXin.QQ.com:443", 443) == "open.weixin.qq.com"
    assert connect_name("\u212aq.com:443", 443) is None  # the Kelvin sign lowercases to "k"
    assert connect_name("a-b.c0.qq.com:443", 443) == "a-b.c0.qq.com"


async def test_an_allowed_name_that_does_not_resolve_answers_502(setup) -> None:
    proxy, upstream, dns = setup
    dns.answer = []
    status, _, writer = await _connect(proxy, "open.weixin.qq.com")
    writer.close()
    assert status.startswith(b"HTTP/1.1 502 ") and upstream.hits == []


def test_the_per_client_caps_count_a_network_not_an_address() -> None:
    assert client_network("203.0.113.7") == client_network("203.0.113.200") == "203.0.113.0/24"
    assert client_network("::ffff:203.0.113.7") == "203.0.113.0/24"
    assert client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2:ffff::9")
    assert client_network("2001:db8:1:2::1") != client_network("2001:db8:1:3::1")


async def test_addresses_of_one_network_share_its_connection_slots(setup) -> None:
    proxy, _, _ = setup
    proxy.max_connections_per_net = 2
    held = []
    for source in ("127.0.0.1", "127.0.0.2"):  # two addresses, one /24
        held.append(await asyncio.open_connection(*proxy.address, local_addr=(source, 0)))
    await _until(lambda: proxy.connections == 2)
    reader, writer = await asyncio.open_connection(*proxy.address, local_addr=("127.0.0.3", 0))
    writer.write(b"GET http://example.com/ HTTP/1.1\r\n\r\n")
    try:
        answer = await asyncio.wait_for(reader.read(), 5)
    except ConnectionResetError:
        answer = b""
    assert answer == b""  # closed unanswered: the network's slots are taken
    writer.close()
    for _, w in held:
        w.close()


async def test_a_client_that_says_nothing_is_dropped_after_the_head_timeout(setup) -> None:
    proxy, _, _ = setup
    assert proxy.head_timeout <= 5
    proxy.head_timeout = 0.3
    reader, writer = await _open(proxy, "CONNECT open.weixin.qq.com:")  # and then nothing
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()
    await _until(lambda: proxy.connections == 0)


async def test_a_refused_target_is_logged_cut_and_ascii(setup, caplog) -> None:
    proxy, _, _ = setup
    caplog.set_level(logging.INFO)
    target = "\x1b[31mevil" + "é" * 4000 + ".qq.com:443"
    reader, writer = await _open(proxy)
    writer.write(b"CONNECT " + target.encode() + b" HTTP/1.1\r\n\r\n")
    await writer.drain()
    assert (await asyncio.wait_for(reader.readline(), 5)).startswith(b"HTTP/1.1 403 ")
    writer.close()
    lines = [r.getMessage() for r in caplog.records if "refused CONNECT" in r.getMessage()]
    cut = ascii(target.encode().decode("latin-1")[:80])  # as the proxy read it, 80 characters
    assert len(lines) == 1 and lines[0] == f"login proxy: refused CONNECT {cut}", lines
    assert lines[0].isascii() and "\x1b" not in lines[0]


async def test_one_client_gets_a_few_tunnels_not_all(setup) -> None:
    proxy, _, _ = setup
    proxy.allow_private, proxy.max_tunnels, proxy.max_tunnels_per_net = True, 10, 1
    status, _, first = await _connect(proxy, "open.weixin.qq.com")
    assert b" 200 " in status
    status, _, second = await _connect(proxy, "open.weixin.qq.com")
    second.close()
    assert b" 503 " in status  # the same client's second tunnel, though 9 are free
    first.close()
    await _until(lambda: proxy.tunnels == 0)
    status, _, third = await _connect(proxy, "open.weixin.qq.com")
    third.close()
    assert b" 200 " in status  # its slot came back


async def test_one_client_gets_a_few_connections_not_all(setup) -> None:
    proxy, _, _ = setup
    proxy.max_connections_per_net = 2
    held = [await _open(proxy) for _ in range(2)]  # connected, saying nothing
    await _until(lambda: proxy.connections == 2)
    reader, writer = await _open(proxy, "GET http://example.com/ HTTP/1.1\r\n\r\n")
    try:
        answer = await asyncio.wait_for(reader.read(), 5)
    except ConnectionResetError:  # closed with the request unread
        answer = b""
    assert answer == b""  # closed unanswered
    writer.close()
    held[0][1].close()
    await _until(lambda: proxy.connections == 1)
    reader, writer = await _open(proxy, "GET http://example.com/ HTTP/1.1\r\n\r\n")
    assert (await asyncio.wait_for(reader.readline(), 5)).startswith(b"HTTP/1.1 403 ")
    writer.close()
    held[1][1].close()


async def test_a_busy_tunnel_still_ends_at_its_lifetime(setup) -> None:
    proxy, _, _ = setup
    proxy.allow_private, proxy.idle_timeout, proxy.max_tunnel_seconds = True, 30.0, 0.5
    status, reader, writer = await _connect(proxy, "open.weixin.qq.com")
    assert b" 200 " in status
    for _ in range(100):  # never idle: an echo every 50 ms, up to 5 s
        writer.write(b"ping")
        await writer.drain()
        try:
            echo = await asyncio.wait_for(reader.readexactly(4), 5)
        except asyncio.IncompleteReadError:
            break  # the proxy closed the tunnel
        assert echo == b"ping"
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the tunnel outlived its lifetime")
    writer.close()
