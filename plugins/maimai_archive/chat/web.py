"""/web: a personal link to the player's whole archive on a web page, served by the bot's own
HTTP server (the core's web app, mounted at /web here). /web off ends every link."""

from __future__ import annotations

from nonebot import get_app, get_driver
from nonebot.adapters.onebot.v11 import Event
from nonebot.log import logger
from nonebot.matcher import Matcher

from ..core import (
    RateLimit,
    build_web_app,
    end_links,
    issue_link,
)
from .registry import NOT_BOUND, app, command, is_private, player_of
from .request import Arg

MOUNT = "/web"
GROUP_REFUSAL = "网页存档链接只能私聊获取：请私聊我发送 /web。"

web_cmd = command(
    "web",
    "网页",
    usage="/web [off]",
    brief="个人网页存档链接（私聊）；/web off 让所有链接失效",
    group="账号",
    private_only=True,
)


def public_base() -> str:
    """MAIMAI_WEB_URL, or the bot's own HOST:PORT."""
    configured = app().config.maimai_web_url.strip().rstrip("/")
    if configured:
        return configured
    driver = get_driver().config
    return f"http://{driver.host}:{driver.port}"


@web_cmd.handle()
async def _web(event: Event, matcher: Matcher, arg: Arg) -> None:
    if not is_private(event):
        await matcher.finish(GROUP_REFUSAL)
    player = await player_of(event)
    if player is None:
        await matcher.finish(NOT_BOUND)
    word = arg.extract_plain_text().strip().lower()
    if word in ("off", "关闭"):
        ended = await end_links(player)
        await matcher.finish(
            f"已让你的 {ended} 个网页链接全部失效。" if ended else "你没有有效的网页链接。"
        )
    if word:
        await matcher.finish("用法：/web 获取链接，/web off 让所有链接失效。")
    days = app().config.maimai_web_link_days
    token = await issue_link(player, days)
    await matcher.finish(
        f"你的网页存档（{days:g} 天内有效，请勿转发）：\n{public_base()}{MOUNT}/{token}/\n"
        "发送 /web off 可让所有链接立即失效。"
    )


def mount() -> None:
    """Mount the web app on NoneBot's FastAPI server (nothing else to run)."""
    try:
        server = get_app()
    except Exception as e:  # a driver without an ASGI app: no web pages, the chat still works
        logger.warning(f"/web pages not served: the driver has no ASGI app ({type(e).__name__})")
        return
    if any(getattr(route, "path", None) == MOUNT for route in server.routes):
        return  # mounted by an earlier start of this process
    config = app().config
    limit = RateLimit(config.maimai_web_rate, config.maimai_web_period)
    server.mount(MOUNT, build_web_app(lambda: app().query_context(), limit))
