"""The one-tap /bind's chat side: starts the login proxy with the bot (when configured) and
words its link and results. The proxy and the login itself live in core/login."""

from __future__ import annotations

import nonebot
from nonebot.log import logger

from ..core import (
    BIND_USAGE,
    ArchiveApp,
    LoginLink,
    MaimaiError,
)
from .registry import app


async def notify(qq: str, text: str, via: str | None) -> None:
    """Private message to ``qq`` through the bot account the /bind came to (any when gone)."""
    try:
        bot = nonebot.get_bot(via) if via else nonebot.get_bot()
    except (KeyError, ValueError):
        bot = nonebot.get_bot()
    await bot.send_private_msg(user_id=int(qq), message=text)


async def start(core: ArchiveApp) -> None:
    """The login proxy with the bot, when configured; the app owns it and stops it."""
    try:
        one_tap = await core.start_one_tap(notify)
    except (ValueError, OSError) as e:  # the archive still works; /bind alone explains cookies
        logger.error(f"login proxy not started ({e}); one-tap /bind is off")
        return
    if one_tap is not None and one_tap.public.split(":")[0] in (
        "0.0.0.0", "127.0.0.1", "localhost", "[::]", "::"
    ):  # fmt: skip
        logger.warning(
            f"players would be told to use {one_tap.public} as their proxy: "
            "set MAIMAI_BIND_PROXY_PUBLIC to the address they can reach"
        )


def link_text(link: LoginLink) -> str:
    return (
        f"一键绑定（链接 {link.minutes} 分钟内有效，只能用一次）：\n"
        f"1. 把微信所在设备的 HTTP 代理设为 {link.proxy}（手机：Wi-Fi 设置 → 代理 → 手动；电脑：系统代理设置）\n"
        "2. 在微信里打开下面的链接（可以先发到“文件传输助手”再点开）\n"
        "3. 网页上核对 QQ 号后点“确认绑定”，显示“绑定成功”后关闭代理\n"
        f"{link.url}\n"
        "不方便设置代理？发送 /bind 加上 Cookie 或登录回调链接也可以（/help 查看说明）。"
    )


async def bind_alone(qq: str, via: str) -> str:
    """The reply to /bind with nothing after it."""
    one_tap = app().one_tap
    if one_tap is None:
        return BIND_USAGE
    try:
        link = await one_tap.new_link(qq, via)
    except MaimaiError as e:
        logger.info(f"one-tap bind: no login link ({type(e).__name__})")
        return f"暂时拿不到微信登录链接：{e.user_message}\n\n{BIND_USAGE}"
    except Exception as e:  # /bind alone is always answered; the cookie ways still work
        logger.warning(
            f"one-tap bind: getting a login link failed unexpectedly: {type(e).__name__}"
        )
        return f"暂时拿不到微信登录链接，请稍后再试。\n\n{BIND_USAGE}"
    return link_text(link)
