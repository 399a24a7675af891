"""Black-box: one-tap /bind through the bot's own login proxy, the real bot against the simulator.

/bind alone → the bot's link (http://<proxy>/bind/<token>) → 302 to the WeChat login → the
callback answers a consent page with the masked QQ (binding nothing) → its form posted → the
bot completes the login → private "绑定成功" → /sync archives the plays. The "WeChat browser"
is httpx with the bot's proxy set, following redirects.
The simulator is the OAuth host as 127.0.0.1:<port> (through the proxy) and the fake WeChat
host as localhost:<port> (direct: real WeChat pages are https and go through CONNECT, which a
plain-http simulator cannot be).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.e2e.botproc import BotProcess, free_port
from tests.e2e.conftest import _SELF_IDS, Sim, ask_private, new_qq, start_bot, sync_in_group
from tests.onebot_client import OneBotClient, message_text

pytestmark = pytest.mark.e2e

GROUP = 72_000_001
CALLBACK = "/wc_auth/oauth/callback/maimai-dx"


class ProxyBot:
    def __init__(self, bot: BotProcess, proxy: str) -> None:
        self.bot, self.proxy = bot, proxy


@pytest.fixture(scope="module")
def proxy_bot(sim: Sim, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProxyBot]:
    proxy = f"127.0.0.1:{free_port()}"
    bot = start_bot(
        tmp_path_factory.mktemp("e2e-proxy-bot") / "data",
        sim,
        MAIMAI_OAUTH_URL=sim.proc.root + "/wc_auth/oauth/authorize/maimai-dx",
        MAIMAI_BIND_PROXY=proxy,
    )
    yield ProxyBot(bot, proxy)
    bot.stop()


@pytest.fixture
async def client(proxy_bot: ProxyBot) -> AsyncIterator[OneBotClient]:
    async with OneBotClient(proxy_bot.bot.ws_url, self_id=next(_SELF_IDS)) as c:
        yield c


def wechat(proxy: str, player_id: str | None = None) -> httpx.AsyncClient:
    headers = {"X-Sim-Wechat-User": player_id} if player_id else {}
    return httpx.AsyncClient(
        mounts={
            "http://localhost": httpx.AsyncHTTPTransport(),
            "all://": httpx.AsyncHTTPTransport(proxy=f"http://{proxy}"),
        },
        follow_redirects=True,
        headers=headers,
        timeout=20,
    )


def site_callbacks(sim: Sim) -> int:
    return sum(1 for e in sim.http.get("/log").json() if e["page"] == CALLBACK)


def masked(qq: int) -> str:
    text = str(qq)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


async def one_tap(
    client: OneBotClient, qq: int, proxy: str, pid: str, sim: Sim | None = None
) -> tuple[str, httpx.Response, str]:
    """/bind alone, the link opened in "WeChat", the consent given: the bot's private answer,
    the final page, the callback URL. With ``sim``, also checks that nothing is bound before
    the consent form is posted."""
    reply = await ask_private(client, qq, "/bind")
    assert f"HTTP 代理设为 {proxy}" in reply and "点“确认绑定”" in reply, reply
    link = re.search(r"^http://(\S+)/bind/[\w-]+$", reply, re.MULTILINE)
    assert link is not None and link.group(1) == proxy, reply
    start = len(client.calls)
    async with wechat(proxy, pid) as browser:
        first = await browser.get(link.group(0), follow_redirects=False)
        assert first.status_code == 302 and "/connect/oauth2/authorize" in first.headers["location"]
        consent = await browser.get(link.group(0))
        assert consent.status_code == 200, consent.text
        assert f"将把这个舞萌DX账号绑定到 QQ {masked(qq)}" in consent.text, consent.text
        if sim is not None:
            before = site_callbacks(sim)
            await asyncio.sleep(1)
            assert site_callbacks(sim) == before  # the GET used no login code
            assert len(client.calls) == start  # and nobody was told anything
        action = re.search(r"action='([^']*)'", consent.text)
        nonce = re.search(r"name=consent value='([^']*)'", consent.text)
        assert action is not None and nonce is not None, consent.text
        page = await browser.post(
            str(consent.url.join(action.group(1).replace("&amp;", "&"))),
            data={"consent": nonce.group(1)},
        )
    told = message_text(await client.wait_for_reply(to_user=qq, start=start, timeout=20))
    callback = next(
        str(r.url) for r in [*consent.history, consent] if urlsplit(str(r.url)).path == CALLBACK
    )
    return told, page, callback


async def test_one_tap_bind_through_the_proxy_then_sync(
    sim: Sim, proxy_bot: ProxyBot, client: OneBotClient
) -> None:
    qq = new_qq()
    p = sim.new_player(plays=9)
    told, page, callback = await one_tap(client, qq, proxy_bot.proxy, p["id"], sim)

    assert page.status_code == 200 and "绑定成功，可以关闭代理了" in page.text
    assert told.startswith(f"绑定成功：{p['name']}，DX Rating {p['rating']}。"), told
    reply = await sync_in_group(client, qq, GROUP)
    assert "首次同步完成：存档 9 次游玩" in reply, reply

    # The same callback again (a replay), and a forged one: refused, no request reaches the site.
    before = site_callbacks(sim)
    query = parse_qs(urlsplit(callback).query)
    forged = callback.replace(query["state"][0], "FORGEDSTATE")
    async with wechat(proxy_bot.proxy) as browser:
        replayed = await browser.get(callback)
        posted = await browser.post(callback, data={"consent": "x"})
        faked = await browser.get(forged)
    assert replayed.status_code == 403 and posted.status_code == 403 and faked.status_code == 403
    assert site_callbacks(sim) == before
    assert "没有新成绩" in await sync_in_group(client, qq, GROUP)  # still the same session

    # Nothing of the login reached the bot's log.
    log = proxy_bot.bot.log()
    for name in ("code", "r", "t", "state"):
        assert query[name][0] not in log, name
    assert "a login callback arrived" in log


async def test_expired_session_one_tap_again_continues_the_same_archive(
    sim: Sim, proxy_bot: ProxyBot, client: OneBotClient
) -> None:
    qq = new_qq()
    p = sim.new_player(plays=6)
    told, _, _ = await one_tap(client, qq, proxy_bot.proxy, p["id"])
    assert "绑定成功" in told
    assert "首次同步完成：存档 6 次游玩" in await sync_in_group(client, qq, GROUP + 1)

    sim.http.post(f"/players/{p['id']}/expire").raise_for_status()
    reply = await sync_in_group(client, qq, GROUP + 1)
    assert "发送 /bind 重新登录" in reply, reply

    told, _, _ = await one_tap(client, qq, proxy_bot.proxy, p["id"])
    assert told.startswith(f"绑定成功：{p['name']}"), told
    sim.play(p["id"], 3)
    reply = await sync_in_group(client, qq, GROUP + 1)
    assert "同步完成：新增 3 次游玩" in reply, reply  # the same archive, not a first sync


async def test_proxy_refuses_what_it_is_not_for(sim: Sim, proxy_bot: ProxyBot) -> None:
    async with httpx.AsyncClient(proxy=f"http://{proxy_bot.proxy}", timeout=10) as browser:
        other = await browser.get(sim.proc.root + "/_sim/health")  # the OAuth host, another path
        with pytest.raises(httpx.ProxyError):
            await browser.get(
                "https://example.com/"
            )  # CONNECT off the allowlist (and no bind pending)
    assert other.status_code == 403


async def test_bind_alone_without_the_proxy_explains_the_cookie_ways(
    sim: Sim, qq_client: OneBotClient
) -> None:
    reply = await ask_private(qq_client, new_qq(), "/bind")
    assert reply.startswith("用法（仅私聊）：/bind 加上以下任意一种") and "Cookie" in reply, reply
