"""What only the full archive shows: /today (visits), /plate (plate progress), /rank (group
ranking of public members). Queries in core.queries.{visits,plates,ranking}; images in
core.render.{visit,plate,ranking}."""

from __future__ import annotations

from datetime import datetime

from nonebot.adapters.onebot.v11 import Bot, Event, GroupMessageEvent
from nonebot.log import logger
from nonebot.matcher import Matcher

from ..core import (
    SITE_TZ,
    group_ranking,
    parse_plate,
    plate_pages,
    plate_view,
    ranking_figure,
    valid_names,
    visit_views,
    visits_pages,
)
from .record_images import GROUP
from .registry import app, command
from .request import NOTHING_YET, Arg, date_argument, show, target
from .song_pick import EMPTY_CATALOGUE

today_cmd = command(
    "today",
    "出勤",
    "今日",
    usage="/today [日期]",
    brief="最近一次出勤（间隔不到一小时的游玩）；加日期看那天的每次出勤",
    group=GROUP,
    limit="image",
)


@today_cmd.handle()
async def _today(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    day = await date_argument(matcher, req.text, "用法：/today [日期]，日期如 2025-11-23。")
    views = await visit_views(req.player, app().query_context(), day)
    empty = f"{day:%Y/%m/%d} 没有出勤记录。" if day else NOTHING_YET
    await show(matcher, views or None, visits_pages, empty, pages=True)


plate_cmd = command(
    "plate",
    "牌子",
    usage="/plate <牌子> [日期]",
    brief="牌子进度（如 舞将、真极、祭神、霸者）；加日期看当时",
    group=GROUP,
    limit="image",
)


@plate_cmd.handle()
async def _plate(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    words = req.text.split()
    arc = app().query_context()
    if not len(arc.catalogue):
        await matcher.finish(EMPTY_CATALOGUE)
    if not words:
        await matcher.finish("用法：/plate <牌子> [日期]。" + valid_names(arc.catalogue))
    plate = parse_plate(words[0], arc.catalogue)
    if plate is None:
        await matcher.finish(f"没有「{words[0]}」这个牌子。" + valid_names(arc.catalogue))
    usage = "用法：/plate <牌子> [日期]，日期如 2025-10-01。"
    as_of = await date_argument(matcher, " ".join(words[1:]), usage)
    view = await plate_view(req.player, arc, plate, as_of)
    await show(matcher, view, plate_pages, "那时还没有存档的成绩。", pages=True)


rank_cmd = command(
    "rank",
    "排行",
    usage="/rank",
    brief="本群公开存档的成员按 Rating 排名（/privacy public 加入）",
    group=GROUP,
    limit="image",
)


@rank_cmd.handle()
async def _rank(bot: Bot, event: Event, matcher: Matcher) -> None:
    if not isinstance(event, GroupMessageEvent):
        await matcher.finish("排行只能在群里使用。")
    try:
        members = await bot.get_group_member_list(group_id=event.group_id)
    except Exception as e:  # ActionFailed, NetworkError, a timeout: no list, no ranking
        logger.info(f"/rank could not read the member list: {type(e).__name__}")
        await matcher.finish("暂时取不到群成员列表，请稍后再试。")
    qqs = [str(m["user_id"]) for m in members if "user_id" in m]
    view = await group_ranking(qqs, datetime.now(SITE_TZ), "本群 Rating 排行")
    await show(
        matcher, view, ranking_figure, "本群还没有人公开存档：发送 /privacy public 就能加入排行。"
    )
