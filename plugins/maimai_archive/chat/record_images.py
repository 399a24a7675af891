"""Archive views as images: /recent /play /diff /history /b50 /records /album, and /privacy
(/today /plate /rank: chat/progress.py).

Each command reads a view (core.archive.queries), renders it in the render process
(core.render) and sends the image(s); when there is nothing to show it says so in text.
``@someone`` in a group shows that member's archive only if they made it public; a member
without an archive gets the same answer as a private one (whether someone plays is theirs to tell).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from nonebot.adapters.onebot.v11 import Event, Message
from nonebot.matcher import Matcher
from nonebot.params import CommandArg

from ..core import (
    SITE_TZ,
    album_pages,
    album_view,
    b50_figure,
    b50_view,
    chart_attempts_figure,
    chart_attempts_view,
    chart_history_figure,
    chart_history_view,
    diff_pages,
    diff_view,
    find_played_chart,
    photo_figure,
    play_detail_figure,
    play_detail_view,
    player_by_qq,
    rating_curve_figure,
    rating_curve_view,
    recent_pages,
    recent_view,
    records_figure,
    records_view,
    set_public,
)
from .registry import NOT_BOUND, app, command, image, qq_of, render_pages, render_png

if TYPE_CHECKING:
    from ..core.db.models import Player

Arg = Annotated[Message, CommandArg()]
GROUP = "存档图片"
NOTHING_YET = "还没有存档的游玩：先 /sync 同步一次吧。"
NOT_SHOWN = "看不到对方的存档：对方没有公开存档（对方可以发送 /privacy public 公开）。"


@dataclass(frozen=True)
class Request:
    player: Player
    text: str  # the argument text without @mentions


async def target(event: Event, matcher: Matcher, arg: Message) -> Request:
    """Whose archive: the asker's, or a public member's named by @. Finishes on refusal."""
    mentioned = [
        str(seg.data.get("qq")) for seg in arg if seg.type == "at" and seg.data.get("qq") != "all"
    ]
    text = arg.extract_plain_text().strip()
    asker = qq_of(event)
    if mentioned and mentioned[0] != asker:
        player = await player_by_qq(mentioned[0])
        if player is None or not player.public:  # one answer for both: no archive, or private
            await matcher.finish(NOT_SHOWN)
        return Request(player, text)
    player = await player_by_qq(asker)
    if player is None:
        await matcher.finish(NOT_BOUND)
    return Request(player, text)


async def send_pages(matcher: Matcher, pngs: list[bytes]) -> None:
    await matcher.finish(Message([image(png) for png in pngs]))


async def show(
    matcher: Matcher, view: Any, renderer: Callable[..., Any], empty: str, *, pages: bool = False
) -> None:
    """Finish with the rendered view, or with ``empty`` when there is nothing to show."""
    if view is None:
        await matcher.finish(empty)
    if pages:
        await send_pages(matcher, await render_pages(renderer, view))
    await send_pages(matcher, [await render_png(renderer, view)])


def parse_int(text: str, default: int) -> int | None:
    """The first argument as a positive int; ``default`` when empty; None when not a number."""
    word = text.split()[0] if text.split() else ""
    if not word:
        return default
    return int(word) if word.isdigit() and int(word) > 0 else None


_DATE = re.compile(r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(text: str, today: date | None = None) -> date | None:
    """ "2025-10-01", "2025/10/01", "10-01" (this year) → date; None when not a date."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    today = today or datetime.now(SITE_TZ).date()
    year = int(match.group(1)) if match.group(1) else today.year
    try:
        return date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


recent_cmd = command(
    "recent",
    "最近",
    usage="/recent [n]",
    brief="最近 n 次游玩的成绩卡（默认 10，最多 50）",
    group=GROUP,
    limit="image",
)


@recent_cmd.handle()
async def _recent(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    n = parse_int(req.text, 10)
    if n is None:
        await matcher.finish("用法：/recent [n]，n 是 1–50 的数字。")
    view = await app().view_with_covers(lambda arc: recent_view(req.player, arc, n))
    await show(matcher, view, recent_pages, NOTHING_YET, pages=True)


play_cmd = command(
    "play",
    "详情",
    usage="/play <n>",
    brief="第 n 近的一次游玩的详情（判定、快慢、历史对比）",
    group=GROUP,
    limit="image",
)


@play_cmd.handle()
async def _play(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    n = parse_int(req.text, 1)
    if n is None:
        await matcher.finish("用法：/play <n>，n=1 是最近一次游玩。")
    view = await app().view_with_covers(lambda arc: play_detail_view(req.player, arc, n))
    empty = f"没有第 {n} 近的游玩记录。" if n > 1 else NOTHING_YET
    await show(matcher, view, play_detail_figure, empty)


diff_cmd = command(
    "diff",
    "变化",
    usage="/diff [sync | 日期]",
    brief="上次有变化的同步（或某天以来）的成绩变化",
    group=GROUP,
    limit="image",
)


@diff_cmd.handle()
async def _diff(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    since = None
    if req.text and req.text.lower() != "sync":
        since = parse_date(req.text)
        if since is None:
            await matcher.finish("用法：/diff [sync | 日期]，日期如 2025-10-01。")
    view = await diff_view(req.player, app().query_context(), since)
    if view is not None and not view.entries and not view.new_plays:
        await matcher.finish("这段时间没有新成绩。" if since else "还没有哪次同步带来新成绩。")
    await show(matcher, view, diff_pages, "还没有完成过同步：先 /sync 一次吧。", pages=True)


history_cmd = command(
    "history",
    "历史",
    usage="/history [曲名]",
    brief="Rating 曲线（每次游玩一个点）；加曲名看该谱面的每次游玩和攻略记录",
    group=GROUP,
    limit="image",
)


@history_cmd.handle()
async def _history(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    arc = app().query_context()
    if not req.text:
        rating_view = await rating_curve_view(req.player, arc.catalogue)
        await show(
            matcher,
            rating_view,
            rating_curve_figure,
            "还没有 Rating 记录：先 /sync 同步一次吧。",
        )
    play = await find_played_chart(req.player, arc, req.text)
    if play is None:
        await matcher.finish(f"存档里没有找到「{req.text}」的游玩。")
    chart_view = await chart_history_view(req.player, arc, play)
    attempts_view = await chart_attempts_view(req.player, arc, play)
    await send_pages(
        matcher,
        [
            await render_png(chart_history_figure, chart_view),
            await render_png(chart_attempts_figure, attempts_view),
        ],
    )


b50_cmd = command(
    "b50",
    "B50",
    usage="/b50 [日期]",
    brief="当前 B50；加日期看当时的 B50",
    group=GROUP,
    limit="image",
)


@b50_cmd.handle()
async def _b50(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    as_of = None
    if req.text:
        as_of = parse_date(req.text)
        if as_of is None:
            await matcher.finish("用法：/b50 [日期]，日期如 2025-10-01。")
    view = await app().view_with_covers(lambda arc: b50_view(req.player, arc, as_of))
    await show(matcher, view, b50_figure, "那时还没有存档的成绩。" if as_of else NOTHING_YET)


records_cmd = command(
    "records",
    "记录",
    usage="/records [页码]",
    brief="存档的全部游玩，分页表格",
    group=GROUP,
    limit="image",
)


@records_cmd.handle()
async def _records(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    page = parse_int(req.text, 1)
    if page is None:
        await matcher.finish("用法：/records [页码]")
    view = await records_view(req.player, app().query_context(), page)
    await show(matcher, view, records_figure, NOTHING_YET)


album_cmd = command(
    "album",
    "相册",
    usage="/album [n]",
    brief="存档的照片；加序号看单张",
    group=GROUP,
    limit="image",
)


@album_cmd.handle()
async def _album(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    n = parse_int(req.text, 0)
    if n is None:
        await matcher.finish("用法：/album [n]")
    view = await album_view(req.player, app().query_context())
    if view is None or not n:
        await show(matcher, view, album_pages, "还没有存档的照片。", pages=True)
    assert view is not None  # show() finished the reply otherwise
    if n > len(view.photos):
        await matcher.finish(f"相册里只有 {len(view.photos)} 张照片。")
    await send_pages(matcher, [await render_png(photo_figure, view.player, view.photos[n - 1])])


privacy_cmd = command(
    "privacy",
    "隐私",
    usage="/privacy public|private",
    brief="是否允许群友 @你 查看你的存档（默认不公开）",
    group=GROUP,
)
_PUBLIC = {"public": True, "公开": True, "private": False, "私密": False, "不公开": False}


@privacy_cmd.handle()
async def _privacy(event: Event, matcher: Matcher, arg: Arg) -> None:
    player = await player_by_qq(qq_of(event))
    if player is None:
        await matcher.finish(NOT_BOUND)
    choice = _PUBLIC.get(arg.extract_plain_text().strip().lower())
    if choice is None:
        state = "公开" if player.public else "不公开"
        await matcher.finish(f"你的存档现在{state}。用法：/privacy public|private")
    await set_public(player, choice)
    await matcher.finish(
        "已公开：群友可以 @你 查看你的存档，你也会出现在 /rank 群排行。"
        if choice
        else "已设为不公开：只有你自己能查看。"
    )
