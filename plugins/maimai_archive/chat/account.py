"""Binding an account: /bind (private only), /unbind, /forget, /autosync, /export."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from nonebot.adapters.onebot.v11 import (
    Bot,
    GroupMessageEvent,
    MessageEvent,
    MessageSegment,
)
from nonebot.log import logger
from nonebot.matcher import Matcher
from nonebot.params import ArgPlainText

from ..core import (
    BindingError,
    MaimaiError,
    SessionError,
    bound_message,
    export_plays,
    holds_secret,
    parse_bind_input,
    set_autosync,
)
from .bind_proxy import bind_alone
from .registry import NOT_BOUND, app, command, is_group, player_of, qq_of, within_limit
from .request import Arg, only_own, own_player

GROUP = "账号"

bind = command(
    "bind",
    "绑定",
    usage="/bind [Cookie 或登录回调链接]",
    brief="绑定舞萌DX账号（只发 /bind：一键登录）",
    group=GROUP,
    private_only=True,
)
unbind = command(
    "unbind", "解绑", usage="/unbind", brief="删除保存的 Cookie（存档保留）", group=GROUP
)
forget = command(
    "forget",
    "删除存档",
    usage="/forget",
    brief="删除你的全部存档（需确认）",
    group=GROUP,
    private_only=True,
)
autosync = command(
    "autosync",
    "自动同步",
    usage="/autosync on|off",
    brief="自动同步，50 条记录不再丢失",
    group=GROUP,
)
export = command(
    "export",
    "导出",
    usage="/export [jsonl|csv]",
    brief="导出全部游玩记录文件",
    group=GROUP,
    private_only=True,
)

STALE_COOKIE = (
    "绑定失败：这段 Cookie 已经失效（舞萌DX每次访问都会换新的）。"
    "请重新打开舞萌DX公众号后立刻复制新的 Cookie 再 /bind，或只发 /bind 一键登录。"
)
BIND_BROKE = "绑定失败：这段 Cookie 或链接无法使用。请重新登录舞萌DX公众号后复制完整的 Cookie 或回调链接再试。"
LEAKED = (
    "请不要在群里发送 Cookie！群里的人已经能看到它并登录你的账号。"
    "请马上重新登录一次舞萌DX公众号让旧 Cookie 失效，然后私聊我 /bind。"
)


async def recall(bot: Bot, event: GroupMessageEvent) -> bool:
    """Delete the leaked message when the bot is an admin of the group."""
    try:
        me = await bot.get_group_member_info(
            group_id=event.group_id, user_id=int(bot.self_id), no_cache=True
        )
        if me.get("role") not in ("admin", "owner"):
            return False
        await bot.delete_msg(message_id=event.message_id)
        return True
    except Exception as e:  # the QQ client may not support it; the warning still goes out
        logger.info(f"could not recall a leaked /bind: {type(e).__name__}")
        return False


@bind.handle()
async def _bind(bot: Bot, event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    text = arg.extract_plain_text()
    if isinstance(event, GroupMessageEvent):
        if not holds_secret(text):  # nothing secret in it: no alarm, no recall
            await matcher.finish("请私聊我使用 /bind（只发 /bind 就能一键登录）。")
        recalled = await recall(bot, event)
        note = "（已撤回那条消息）" if recalled else ""
        await matcher.finish(MessageSegment.at(event.user_id) + f" {LEAKED}{note}")
    if not text.strip():
        await within_limit("bind", event, matcher)  # the one-tap link asks the site too
        await matcher.finish(await bind_alone(qq_of(event), bot.self_id))
    await within_limit("bind", event, matcher)
    try:
        given = parse_bind_input(text)
    except BindingError as e:
        await matcher.finish(e.user_message)
    try:
        bound = await app().bind(qq_of(event), given)
    except SessionError:  # the errors' own advice ("/bind again") is for a sync
        await matcher.finish(STALE_COOKIE)
    except MaimaiError as e:
        await matcher.finish(f"绑定失败：{e.user_message}")
    except Exception as e:  # every /bind gets a reply; the type only (the text may hold the cookie)
        logger.warning(f"/bind failed unexpectedly: {type(e).__name__}")
        await matcher.finish(BIND_BROKE)
    await matcher.finish(bound_message(bound))


@unbind.handle()
async def _unbind(event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    await only_own(event, matcher, arg, "/unbind")
    if arg.extract_plain_text().strip():
        await matcher.finish()  # "/unbind something" is not the plain command: do nothing
    player = await player_of(event)
    if player is None or not await app().unbind(player):
        await matcher.finish("你没有绑定舞萌DX账号。")
    await matcher.finish("已删除保存的 Cookie。存档仍然保留；要删除全部存档请私聊 /forget。")


@forget.handle()
async def _forget(event: MessageEvent, matcher: Matcher) -> None:
    if is_group(event):
        await matcher.finish("请私聊我使用 /forget。")
    if await player_of(event) is None:
        await matcher.finish("你没有任何存档。")


@forget.got(
    "confirm",
    prompt="这会永久删除你的全部存档（每一次游玩、成绩、相册）和绑定，无法恢复。确认请回复“确认删除”，其他任何回复取消。",
)
async def _forget_confirm(
    event: MessageEvent, matcher: Matcher, confirm: str = ArgPlainText()
) -> None:
    if confirm.strip() != "确认删除":
        await matcher.finish("已取消，存档保留。")
    player = await player_of(event)
    if player is not None:
        await app().forget(player)
    await matcher.finish("已删除你的全部存档和绑定。")


@autosync.handle()
async def _autosync(event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    player = await own_player(event, matcher, arg, "/autosync")
    word = arg.extract_plain_text().strip().lower()
    if word in ("on", "开", "开启"):
        if not app().config.maimai_autosync_enabled:
            await matcher.finish("这个机器人的管理员关闭了自动同步，请用 /sync 手动同步。")
        await set_autosync(player, True)
        await matcher.finish("已开启自动同步：我会按你的游玩频率定时同步，失败时私聊告诉你一次。")
    if word in ("off", "关", "关闭"):
        await set_autosync(player, False)
        await matcher.finish("已关闭自动同步。")
    state = "开启" if player.autosync else "关闭"
    await matcher.finish(f"自动同步目前{state}。用法：/autosync on 或 /autosync off")


@export.handle()
async def _export(bot: Bot, event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    if is_group(event):
        await matcher.finish("请私聊我使用 /export。")
    player = await player_of(event)
    if player is None:
        await matcher.finish(NOT_BOUND)
    fmt = arg.extract_plain_text().strip().lower() or "jsonl"
    if fmt not in ("jsonl", "csv"):
        await matcher.finish("格式只能是 jsonl 或 csv。")
    data = (await export_plays(player, fmt)).encode()
    name = f"maimai-archive-{player.qq}-{datetime.now(UTC):%Y%m%d}.{fmt}"
    try:
        # NapCat / Lagrange: private file upload; base64 works when the client runs elsewhere.
        await bot.call_api(
            "upload_private_file",
            user_id=event.user_id,
            file="base64://" + base64.b64encode(data).decode(),
            name=name,
        )
    except Exception as e:
        logger.info(f"upload_private_file failed: {type(e).__name__}")
        await matcher.finish(
            "发送文件失败：你的 QQ 客户端不支持发送文件。请联系机器人管理员用 mai-archive export 导出。"
        )
    lines = data.count(b"\n") - (1 if fmt == "csv" else 0)
    await matcher.finish(f"已发送 {name}（{lines} 次游玩）。")
