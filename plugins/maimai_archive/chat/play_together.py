"""/random (随个) and /fortune (今日舞萌): a random chart and the day's fortune, both with
the asker's archive behind them when they have one (/guess: chat/guess.py)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Annotated

from nonebot.adapters.onebot.v11 import Event
from nonebot.matcher import Matcher
from nonebot.params import CommandStart

from ..core import (
    fortune_figure,
    player_fortune,
    random_card_figure,
    random_chart_view,
)
from .chart import parse_random_args
from .registry import NOT_BOUND, app, command, image, player_of, qq_of, render_png
from .request import Arg
from .song_pick import EMPTY_CATALOGUE

GROUP = "一起玩"
random_cmd = command(
    "random",
    "随个",
    usage="/random [等级] [dx|sd] [难度] [未玩|未SSS|未FC|推分]",
    brief="随机一张谱面；可按你的存档只挑没玩过、没 SSS、没 FC 或最能推分的",
    group=GROUP,
    limit="image",
)
fortune_cmd = command(
    "fortune",
    "今日舞萌",
    "今日运势",
    usage="/fortune",
    brief="今日运势：宜 / 忌和一张推荐谱面（同一天不变）",
    group=GROUP,
    limit="image",
)

RANDOM_USAGE = (
    "用法：/random [等级] [dx|sd] [难度] [未玩|未SSS|未FC|推分]，"
    "例如 随个 13+ 未SSS、随个 14 紫 dx、随个 推分"
)


@random_cmd.handle()
async def _random(event: Event, matcher: Matcher, arg: Arg) -> None:
    ask = parse_random_args(arg.extract_plain_text())
    if ask is None:
        await matcher.finish(RANDOM_USAGE)
    core = app()
    if not len(core.catalogue):
        await matcher.finish(EMPTY_CATALOGUE)
    player = await player_of(event)
    if ask.filter is not None and player is None:
        await matcher.finish(NOT_BOUND)
    # One seed for both builds of the view (the second one after jackets arrive).
    seed = random.getrandbits(64)
    view = await core.view_with_covers(
        lambda arc: random_chart_view(player, arc, ask, random.Random(seed))
    )
    if view is None:
        await matcher.finish(f"没有符合「{ask.label}」的谱面。")
    await matcher.finish(image(await render_png(random_card_figure, view)))


@fortune_cmd.handle()
async def _fortune(
    event: Event,
    matcher: Matcher,
    arg: Arg,
    start: Annotated[str, CommandStart()],
) -> None:
    if arg.extract_plain_text().strip():
        # "今日舞萌 好玩" in a group is chat; "/fortune 1" asked the bot.
        await matcher.finish("用法：/fortune（今日舞萌），不用加参数。" if start else None)
    core = app()
    if not len(core.catalogue):
        await matcher.finish(EMPTY_CATALOGUE)
    player = await player_of(event)
    qq = qq_of(event)
    now = datetime.now(UTC)
    view = await core.view_with_covers(lambda arc: player_fortune(player, qq, arc, now))
    await matcher.finish(image(await render_png(fortune_figure, view)))
