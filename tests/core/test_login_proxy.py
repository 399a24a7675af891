"""The login proxy on loopback: the bot's link → 302 to the simulator's WeChat chain → the
consent page at the callback → its form posted → bound; and everything it must refuse. The
"browser" is httpx with the proxy set, following redirects as WeChat does.

Name resolution: the simulator is the OAuth host as ``127.0.0.1:<port>`` (requests to it go
through the proxy, like WeChat's plain-http callback), and the fake WeChat host is the same
server as ``localhost:<port>``, reached directly — the real WeChat pages are https (CONNECT),
which a plain-http simulator cannot be, and the proxy rightly refuses plain http to it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet

from plugins.maimai_archive.config import MaimaiConfig
from plugins.maimai_archive.core.app import ArchiveApp
from plugins.maimai_archive.core.archiving.binding import BindingStore
from plugins.maimai_archive.core.db.models import Binding, Player
from plugins.maimai_archive.core.login.one_tap import OneTapBind
from plugins.maimai_archive.core.secret import SecretBox
from tests.simsite import RunningSim, World, run_simsite

CALLBACK = "/wc_auth/oauth/callback/maimai-dx"
QQ = "20001"


@dataclass
class Rig:
    sim: RunningSim
    one_tap: OneTapBind
    core: ArchiveApp
    told: list[tuple[str, str, str | None]] = field(default_factory=list)

    @property
    def proxy_url(self) -> str:
        host, port = self.one_tap.proxy.address
        return f"http://{host}:{port}"

    def browser(self, player_id: str | None = None) -> httpx.AsyncClient:
        """WeChat's built-in browser with the proxy set (the simulated WeChat host direct)."""
        headers = {"X-Sim-Wechat-User": player_id} if player_id else {}
        return httpx.AsyncClient(
            mounts={
                "http://localhost": httpx.AsyncHTTPTransport(),
                "all://": httpx.AsyncHTTPTransport(proxy=self.proxy_url),
            },
            follow_redirects=True,
            headers=headers,
            timeout=10,
        )

    def site_log(self) -> list[str]:
        return [e.page for e in self.sim.world.log]


@pytest.fixture
async def rig(db, tmp_path: Path) -> AsyncIterator[Rig]:
    async with run_simsite(World(seed=11)) as sim:
        config = MaimaiConfig(
            maimai_data_dir=tmp_path,
            maimai_net_base_url=sim.base_url,
            maimai_oauth_url=sim.root + "/wc_auth/oauth/authorize/maimai-dx",
            maimai_bind_proxy="127.0.0.1:0",
            maimai_bind_proxy_allow="127.0.0.1",
            maimai_request_interval=0,
            maimai_request_timeout=5,
        )
        core = ArchiveApp(config)
        core.box = SecretBox(Fernet.generate_key())
        core.store = BindingStore(core.box)
        told: list[tuple[str, str, str | None]] = []

        async def notify(qq: str, text: str, via: str | None) -> None:
            told.append((qq, text, via))

        echo = await asyncio.start_server(_echo, "127.0.0.1", 0)
        one_tap = OneTapBind(
            core, notify, connect_port=echo.sockets[0].getsockname()[1], allow_private=True
        )
        await one_tap.start()
        try:
            yield Rig(sim, one_tap, core, told)
        finally:
            await one_tap.stop()
            echo.close()


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def _open_link(rig: Rig, player_id: str) -> tuple[httpx.Response, str]:
    """/bind's link opened in the browser: the page the callback answered, and its URL."""
    link = await rig.one_tap.new_link(QQ, "10001")
    async with rig.browser(player_id) as browser:
        page = await browser.get(link.url)
    callback = next(
        str(r.url) for r in [*page.history, page] if urlsplit(str(r.url)).path == CALLBACK
    )
    return page, callback


async def _consent(rig: Rig, consent: httpx.Response, field: str | None = None) -> httpx.Response:
    """The consent page's form posted, as its button does (``field`` overrides its value)."""
    action = re.search(r"action='([^']*)'", consent.text)
    nonce = re.search(r"name=consent value='([^']*)'", consent.text)
    assert action is not None and nonce is not None, consent.text
    target = str(consent.url.join(action.group(1).replace("&amp;", "&")))
    async with rig.browser() as browser:
        return await browser.post(
            target, data={"consent": nonce.group(1) if field is None else field}
        )


async def _login_through_proxy(rig: Rig, player_id: str) -> tuple[httpx.Response, str]:
    """The link opened and the consent given: the final page and the callback URL."""
    consent, callback = await _open_link(rig, player_id)
    assert consent.status_code == 200 and "确认绑定" in consent.text, consent.text
    return await _consent(rig, consent), callback


async def test_the_callback_through_the_proxy_binds_the_player_and_tells_them(
    rig: Rig, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    player = rig.sim.world.add_player(plays=8)
    page, callback = await _login_through_proxy(rig, player.id)

    assert page.status_code == 200 and "绑定成功，可以关闭代理了" in page.text
    assert urlsplit(callback).scheme == "http"  # WeChat was sent to plain http by the rewrite
    assert rig.told == [
        (
            QQ,
            f"绑定成功：{player.name}，DX Rating {player.rating}。\n可以关闭微信的代理了。"
            "在群里或这里发送 /sync 开始存档；/autosync on 让我定时同步，最近 50 条记录不再丢失。",
            "10001",
        )
    ]
    bound = await Player.get(qq=QQ)
    assert bound.name == player.name and bound.friend_code == player.friend_code
    assert rig.core.store is not None and player.session is not None
    jar = await rig.core.store.load(bound)
    assert jar is not None and (jar["userId"], jar["_t"]) == (
        player.session.user_id,
        player.session.t,
    )
    assert rig.sim.world.identify(jar["userId"], jar["_t"])[1] == "ok"  # the kept session works
    assert jar["userId"] not in (await Binding.get(player=bound)).cookies  # encrypted at rest
    code = parse_qs(urlsplit(callback).query)["code"][0]
    r = parse_qs(urlsplit(callback).query)["r"][0]
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "a login callback arrived" in logged
    assert code not in logged and f"r={r}" not in logged


async def test_the_link_redirects_to_wechat_and_the_callback_asks_before_it_binds(
    rig: Rig,
) -> None:
    player = rig.sim.world.add_player(plays=3)
    link = await rig.one_tap.new_link("1034567802", "10001")
    assert re.fullmatch(rf"{rig.proxy_url}/bind/[\w-]{{16,}}", link.url), link.url
    async with rig.browser(player.id) as browser:
        first = await browser.get(link.url, follow_redirects=False)
        assert first.status_code == 302
        pending = rig.one_tap.pending.peek(next(iter(rig.one_tap.pending._by_key)))
        assert pending is not None
        assert first.headers["location"] == pending.link  # the WeChat login link the site gave
        consent = await browser.get(link.url)
        again = await browser.get(str(consent.url))  # a GET again: still only asks
    assert consent.status_code == 200 and again.status_code == 200
    assert "将把这个舞萌DX账号绑定到 QQ 10******02" in consent.text
    assert "<form method=post" in consent.text and "1034567802" not in consent.text
    assert CALLBACK not in rig.site_log()  # the login code was not used by the GETs
    assert await Player.get_or_none(qq="1034567802") is None and rig.told == []

    refused = await _consent(rig, consent, field="not-the-field")
    assert refused.status_code == 403 and await Player.get_or_none(qq="1034567802") is None
    done = await _consent(rig, consent)
    assert done.status_code == 200 and "绑定成功" in done.text
    assert (await Player.get(qq="1034567802")).name == player.name
    assert rig.told and rig.told[0][0] == "1034567802" and player.name in rig.told[0][1]
    replay = await _consent(rig, consent)  # the form once more: single use
    assert replay.status_code == 403 and len(rig.told) == 1


async def test_someone_elses_link_opened_from_another_address_is_refused(rig: Rig) -> None:
    """The "帮我绑一下" scam: B opens A's link after A did, from B's own address."""
    player = rig.sim.world.add_player(plays=3)
    link = await rig.one_tap.new_link(QQ, "10001")
    async with rig.browser(player.id) as browser:
        assert (await browser.get(link.url, follow_redirects=False)).status_code == 302
    token = urlsplit(link.url).path
    host, port = rig.one_tap.proxy.address
    reader, writer = await asyncio.open_connection(host, port, local_addr=("127.0.0.2", 0))
    writer.write(f"GET {link.url} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 403 ") and token.encode() not in answer


async def test_a_replayed_callback_binds_nothing_and_reaches_no_site(rig: Rig) -> None:
    player = rig.sim.world.add_player(plays=3)
    _, callback = await _login_through_proxy(rig, player.id)
    before, told = len(rig.site_log()), len(rig.told)
    binding = await Binding.get(player__qq=QQ)

    async with rig.browser() as browser:
        page = await browser.get(callback)
    assert page.status_code == 403 and "无效或已过期" in page.text
    assert len(rig.site_log()) == before  # the simulator saw no request
    assert len(rig.told) == told
    assert (await Binding.get(player__qq=QQ)).cookies == binding.cookies


async def test_a_forged_callback_binds_nothing_and_reaches_no_site(rig: Rig) -> None:
    victim = rig.sim.world.add_player(plays=3)
    await rig.one_tap.new_link(QQ)  # a bind is pending, but not for this callback
    code = rig.sim.world.issue_oauth_code(victim)  # even a working code
    rig.sim.world.log.clear()
    forged = f"http://127.0.0.1:{rig.sim.port}{CALLBACK}?r=cFORGED&t=1&code={code}&state=FORGED"
    async with rig.browser() as browser:
        page = await browser.get(forged)
        incomplete = await browser.get(f"http://127.0.0.1:{rig.sim.port}{CALLBACK}?code={code}")
    assert page.status_code == 403 and incomplete.status_code == 403
    assert rig.site_log() == []
    assert rig.sim.world.redeem_oauth_code(code) is victim  # never used by anyone
    assert await Player.get_or_none(qq=QQ) is None and rig.told == []


async def test_an_expired_link_binds_nothing(rig: Rig) -> None:
    player = rig.sim.world.add_player(plays=3)
    clock = [0.0]
    rig.one_tap.pending.clock = lambda: clock[0]
    link = await rig.one_tap.new_link(QQ)
    clock[0] += 601
    rig.sim.world.log.clear()
    async with rig.browser(player.id) as browser:
        page = await browser.get(link.url)
    assert page.status_code == 403
    assert CALLBACK not in rig.site_log()  # only the fake WeChat host was asked
    assert await Player.get_or_none(qq=QQ) is None


async def test_plain_http_to_any_other_url_is_refused_and_never_forwarded(rig: Rig) -> None:
    hits: list[bytes] = []

    async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hits.append(await reader.read(1024))
        writer.close()

    other = await asyncio.start_server(upstream, "127.0.0.1", 0)
    port = other.sockets[0].getsockname()[1]
    await rig.one_tap.new_link(QQ)
    rig.sim.world.log.clear()
    try:
        async with httpx.AsyncClient(proxy=rig.proxy_url, timeout=5) as browser:
            answers = [
                await browser.get(f"http://127.0.0.1:{port}/"),
                await browser.get(f"http://localhost:{port}{CALLBACK}?r=1&t=2&code=3&state=4"),
                await browser.get(rig.sim.url("home/")),  # the OAuth host, not the callback
                await browser.post(
                    f"http://127.0.0.1:{rig.sim.port}{CALLBACK}?r=1&t=2&code=3&state=4"
                ),
            ]
        async with httpx.AsyncClient(timeout=5) as direct:  # the proxy as if it were a site
            answers.append(await direct.get(rig.proxy_url + "/"))
    finally:
        other.close()
    assert [a.status_code for a in answers] == [403] * 5
    assert hits == [] and rig.site_log() == []


async def _binding(rig: Rig, qq: str = QQ) -> str:
    """A bind pending for ``qq`` whose link this host (127.0.0.1) opened; the link."""
    link = await rig.one_tap.new_link(qq)
    async with rig.browser() as browser:
        assert (await browser.get(link.url, follow_redirects=False)).status_code == 302
    return link.url


async def _connect(
    rig: Rig, target: str, source: str = "127.0.0.1"
) -> tuple[bytes, asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = rig.one_tap.proxy.address
    reader, writer = await asyncio.open_connection(host, port, local_addr=(source, 0))
    writer.write(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    return status, reader, writer


async def test_connect_tunnels_only_to_allowed_hosts_on_the_login_port_while_a_bind_is_pending(
    rig: Rig,
) -> None:
    port = rig.one_tap.proxy.connect_port
    status, _, w = await _connect(rig, f"127.0.0.1:{port}")
    w.close()
    assert b" 403 " in status  # nothing pending: no tunnel at all
    await rig.one_tap.new_link(QQ)
    status, _, w = await _connect(rig, f"127.0.0.1:{port}")
    w.close()
    assert b" 403 " in status  # pending, but this address has not opened its link
    await _binding(rig)
    status, _, w = await _connect(rig, f"127.0.0.1:{port}", source="127.0.0.2")
    w.close()
    assert b" 403 " in status  # another address while this player's bind is pending
    for target in (f"localhost:{port}", f"127.0.0.1:{rig.sim.port}", "example.com:443"):
        status, _, w = await _connect(rig, target)
        w.close()
        assert b" 403 " in status, target  # off the allowlist, or another port
    status, reader, writer = await _connect(rig, f"127.0.0.1:{port}")
    assert b" 200 " in status
    assert await reader.readline() == b"\r\n"  # end of the proxy's answer
    writer.write(b"hello through the tunnel")
    await writer.drain()
    assert await asyncio.wait_for(reader.readexactly(24), 5) == b"hello through the tunnel"
    writer.close()


async def test_tunnels_are_capped_in_number_bytes_and_idle_time(rig: Rig) -> None:
    proxy = rig.one_tap.proxy
    proxy.max_tunnels, proxy.max_tunnel_bytes, proxy.idle_timeout = 1, 1000, 0.3
    await _binding(rig)
    target = f"127.0.0.1:{proxy.connect_port}"
    status, reader, writer = await _connect(rig, target)
    assert b" 200 " in status
    assert await reader.readline() == b"\r\n"  # end of the proxy's answer
    second, _, w2 = await _connect(rig, target)
    w2.close()
    assert b" 503 " in second  # one tunnel at a time here
    writer.write(b"x" * 2000)  # over the byte cap: the tunnel closes without echoing it
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()

    status, reader, writer = await _connect(rig, target)
    assert b" 200 " in status
    assert await reader.readline() == b"\r\n"  # end of the proxy's answer
    assert await asyncio.wait_for(reader.read(), 5) == b""  # idle: closed by the proxy
    writer.close()


async def test_tunnels_close_when_their_bind_ends(rig: Rig) -> None:
    target = f"127.0.0.1:{rig.one_tap.proxy.connect_port}"
    await _binding(rig)
    status, reader, writer = await _connect(rig, target)
    assert b" 200 " in status and await reader.readline() == b"\r\n"
    await rig.one_tap.new_link(QQ)  # the player asked again: the opened link is void
    assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the proxy at once
    writer.close()
    status, _, w = await _connect(rig, target)
    w.close()
    assert b" 403 " in status  # the new link is not opened yet

    clock = [0.0]
    rig.one_tap.pending.clock = lambda: clock[0]
    await _binding(rig)
    status, reader, writer = await _connect(rig, target)
    assert b" 200 " in status and await reader.readline() == b"\r\n"
    clock[0] += 601  # the bind expires: noticed within a second
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()


async def test_a_valid_callback_on_another_path_of_the_oauth_host_is_never_requested(
    rig: Rig,
) -> None:
    from plugins.maimai_archive.core.login.links import link_key

    player = rig.sim.world.add_player(plays=3)
    host, port = rig.one_tap.proxy.address
    for path in (
        f"{CALLBACK}/../../../_sim/health",
        "/wc_auth/oauth/callback/%2e%2e/%2e%2e/x",
        "/wc_auth/oauth/callback/other",
    ):
        await _binding(rig)  # the link opened from here: only the path is wrong below
        key = link_key(next(iter(rig.one_tap.pending._by_key.values())).link)
        code = rig.sim.world.issue_oauth_code(player)
        rig.sim.world.log.clear()
        # Raw bytes: an HTTP client would resolve the dot segments before sending.
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(
            f"GET http://127.0.0.1:{rig.sim.port}{path}?r={key.r}&t={key.t}&code={code}"
            f"&state={key.state} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        )
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 403 "), (path, answer[:80])
        assert rig.site_log() == [], path  # the bot asked the site for nothing
        assert rig.sim.world.redeem_oauth_code(code) is player  # the code was never used
    assert await Player.get_or_none(qq=QQ) is None and rig.told == []
