"""/bind alone: the one-tap link and its three steps when the login proxy is on, the cookie
ways when it is off."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

import httpx
import pytest
from nonebug import App

from .helpers import USER, onebot, private_message

if TYPE_CHECKING:
    from plugins.maimai_archive.core.app import ArchiveApp

CALLBACK = "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=cAbC123&t=987654321"
LOCATION = (
    "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx0000000000000000"
    f"&redirect_uri={quote(CALLBACK, safe='')}&response_type=code&scope=snsapi_base&state=F00D#wechat_redirect"
)


def core_app():
    from plugins.maimai_archive.chat.registry import app

    return app()


@pytest.fixture
def one_tap(monkeypatch):
    """The chat layer's one-tap service with the site's authorize URL mocked (proxy not listening)."""
    from plugins.maimai_archive.chat import bind_proxy
    from plugins.maimai_archive.config import MaimaiConfig
    from plugins.maimai_archive.core.login.one_tap import OneTapBind

    class MockedOneTap(OneTapBind):
        answers: list[httpx.Response | Exception]  # what the authorize URL answers next

    answers: list[httpx.Response | Exception] = []

    def authorize(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0) if answers else httpx.Response(302, headers={"location": LOCATION})
        if isinstance(answer, Exception):
            raise answer
        return answer

    config = MaimaiConfig(
        maimai_bind_proxy="0.0.0.0:2560", maimai_bind_proxy_public="bind.example.com:2560"
    )
    service = MockedOneTap(
        cast("ArchiveApp", SimpleNamespace(config=config)),
        bind_proxy.notify,
        transport=httpx.MockTransport(authorize),
    )
    monkeypatch.setattr(core_app(), "one_tap", service)
    service.answers = answers
    return service


async def test_bind_alone_with_the_proxy_on_replies_the_link_and_three_steps(
    app: App, db, one_tap, monkeypatch
) -> None:
    from plugins.maimai_archive.chat.account import bind
    from plugins.maimai_archive.core.login import links
    from plugins.maimai_archive.core.login.links import LinkKey

    monkeypatch.setattr(
        links, "secrets", SimpleNamespace(token_urlsafe=lambda n: "T0KEN-one-time_x")
    )
    async with app.test_matcher(bind) as ctx:
        bot = onebot(ctx)
        event = private_message("/bind")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            (
                "一键绑定（链接 10 分钟内有效，只能用一次）：\n"
                "1. 把微信所在设备的 HTTP 代理设为 bind.example.com:2560（手机：Wi-Fi 设置 → 代理 → 手动；电脑：系统代理设置）\n"
                "2. 在微信里打开下面的链接（可以先发到“文件传输助手”再点开）\n"
                "3. 网页上核对 QQ 号后点“确认绑定”，显示“绑定成功”后关闭代理\n"
                "http://bind.example.com:2560/bind/T0KEN-one-time_x\n"
                "不方便设置代理？发送 /bind 加上 Cookie 或登录回调链接也可以（/help 查看说明）。"
            ),
            result=None,
        )
        ctx.should_finished(bind)
    pending = one_tap.pending.take(LinkKey("F00D", "cAbC123", "987654321"))
    assert pending is not None and pending.qq == str(USER) and pending.via == "10001"
    # The bot's link leads to the WeChat login link the site gave, made plain http.
    assert pending.link == LOCATION.replace("redirect_uri=https%3A", "redirect_uri=http%3A")


async def test_bind_alone_when_the_site_gives_no_link_falls_back_to_the_cookie_ways(
    app: App, db, one_tap
) -> None:
    from plugins.maimai_archive.chat.account import bind
    from plugins.maimai_archive.core.archiving.binding import USAGE

    one_tap.answers.append(httpx.ConnectError("down"))
    async with app.test_matcher(bind) as ctx:
        bot = onebot(ctx)
        event = private_message("绑定")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            f"暂时拿不到微信登录链接：连接舞萌DX网站失败（网络问题），请稍后再试。\n\n{USAGE}",
            result=None,
        )
        ctx.should_finished(bind)
    assert len(one_tap.pending) == 0


async def test_bind_alone_with_the_proxy_off_explains_the_cookie_ways(app: App, db) -> None:
    from plugins.maimai_archive.chat.account import bind
    from plugins.maimai_archive.core.archiving.binding import USAGE

    assert core_app().one_tap is None  # MAIMAI_BIND_PROXY is empty by default
    async with app.test_matcher(bind) as ctx:
        bot = onebot(ctx)
        event = private_message("/bind")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, USAGE, result=None)
        ctx.should_finished(bind)


@pytest.mark.allow_error_log(
    "a busy proxy port is the operator's to fix: bind_proxy logs it at ERROR"
)
async def test_the_proxy_starts_and_stops_with_the_bot_and_a_busy_port_leaves_one_tap_off(
    app: App, monkeypatch
) -> None:
    import socket

    from plugins.maimai_archive.chat import bind_proxy
    from plugins.maimai_archive.config import MaimaiConfig
    from plugins.maimai_archive.core.app import ArchiveApp

    core = ArchiveApp(MaimaiConfig(maimai_bind_proxy="127.0.0.1:0"))
    await bind_proxy.start(core)
    assert core.one_tap is not None
    host, port = core.one_tap.proxy.address
    with socket.create_connection((host, port), timeout=5):
        pass  # listening
    await core.stop_one_tap()
    assert core.one_tap is None
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=5):
        pass

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        busy_app = ArchiveApp(MaimaiConfig(maimai_bind_proxy=f"127.0.0.1:{taken}"))
        await bind_proxy.start(busy_app)
    assert busy_app.one_tap is None  # the bot runs on; /bind alone explains the cookie ways


async def test_a_login_link_another_qq_waits_on_is_refused_and_void_for_both(one_tap) -> None:
    from plugins.maimai_archive.chat import bind_proxy
    from plugins.maimai_archive.core.login.links import LinkKey

    assert "一键绑定" in await bind_proxy.bind_alone("20001", "10001")
    reply = await bind_proxy.bind_alone("20002", "10001")  # the site gave the same link again
    assert reply.startswith(
        "暂时拿不到微信登录链接：这个登录链接撞车了，已作废，请重新发送 /bind。"
    ), reply
    assert one_tap.pending.take(LinkKey("F00D", "cAbC123", "987654321")) is None  # nobody's login


async def test_bind_alone_is_answered_whatever_the_authorize_request_raises(one_tap) -> None:
    from plugins.maimai_archive.chat import bind_proxy
    from plugins.maimai_archive.core.archiving.binding import USAGE

    async def not_gzip():
        yield b"not gzip"

    one_tap.answers.append(
        httpx.Response(
            302, headers={"location": LOCATION, "content-encoding": "gzip"}, content=not_gzip()
        )
    )  # httpx.DecodingError on reading
    one_tap.answers.append(RuntimeError("a bug"))
    assert await bind_proxy.bind_alone("20001", "10001") == (
        f"暂时拿不到微信登录链接：连接舞萌DX网站失败（网络问题），请稍后再试。\n\n{USAGE}"
    )
    assert (
        await bind_proxy.bind_alone("20001", "10001")
        == f"暂时拿不到微信登录链接，请稍后再试。\n\n{USAGE}"
    )
    assert len(one_tap.pending) == 0
