"""Archive views as images: /recent /play /diff /history /b50 /records /album, and /privacy
(/today /plate /rank: chat/progress.py).

Each command reads a view (core.archive.queries), renders it in the render process
(core.render) and sends the image(s); when there is nothing to show it says so in text.
``@someone`` in a group shows that member's archive only if they made it public; a member
without an archive gets the same answer as a private one (whether someone plays is theirs to tell).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from nonebot.adapters.onebot.v11 import Event
from nonebot.matcher import Matcher
from nonebot.typing import T_State

from ..core import (
    Decision,
    Group,
    Verdict,
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
    find_unknown_chart,
    photo_figure,
    play_detail_figure,
    play_detail_view,
    played_songs,
    rating_curve_figure,
    rating_curve_view,
    recent_pages,
    recent_view,
    records_figure,
    records_view,
    set_public,
)
from .registry import app, command, render_png
from .request import (
    NOTHING_YET,
    Arg,
    Request,
    date_argument,
    number_argument,
    own_player,
    reply_view,
    send_pages,
    show,
    target,
)
from .score_tools import ChartWords, chart_words
from .song_pick import offer, pick_reply

if TYPE_CHECKING:
    from ..core.db.models import Play, Player

GROUP = "存档图片"


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
    n = await number_argument(matcher, req.text, 10, "用法：/recent [n]，n 是 1–50 的数字。")
    build = lambda ctx: recent_view(req.player, ctx, n)  # noqa: E731
    await reply_view(matcher, build, recent_pages, NOTHING_YET, pages=True)


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
    n = await number_argument(matcher, req.text, 1, "用法：/play <n>，n=1 是最近一次游玩。")
    empty = f"没有第 {n} 近的游玩记录。" if n > 1 else NOTHING_YET
    await reply_view(
        matcher, lambda ctx: play_detail_view(req.player, ctx, n), play_detail_figure, empty
    )


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
    text = "" if req.text.lower() == "sync" else req.text
    since = await date_argument(matcher, text, "用法：/diff [sync | 日期]，日期如 2025-10-01。")
    view = await diff_view(req.player, app().query_context(), since)
    if view is not None and not view.entries and not view.new_plays:
        await matcher.finish("这段时间没有新成绩。" if since else "还没有哪次同步带来新成绩。")
    await show(matcher, view, diff_pages, "还没有完成过同步：先 /sync 一次吧。", pages=True)


history_cmd = command(
    "history",
    "历史",
    usage="/history [曲名] [难度]",
    brief="Rating 曲线（每次游玩一个点）；加曲名看该谱面的每次游玩和攻略记录",
    group=GROUP,
    limit="image",
)


@history_cmd.handle()
async def _history(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    if req.text:
        await _history_of_song(event, matcher, req)
        return  # the song drawn, or a numbered list sent (the pick goes on at _send_history)
    rating_view = await rating_curve_view(req.player, app().catalogue)
    await show(
        matcher, rating_view, rating_curve_figure, "还没有 Rating 记录：先 /sync 同步一次吧。"
    )


async def _history_of_song(event: Event, matcher: Matcher, req: Request) -> None:
    """The song as /chart decides it, among the songs played; charts the song data does not
    know by title."""
    arc = app().query_context()
    ask = chart_words(req.text)
    matcher.state["history"] = (req.player, ask.difficulty)
    songs = await played_songs(req.player, arc, ask.query, ask.difficulty, ask.type)
    if songs.played.verdict is Verdict.NONE:
        play = await find_unknown_chart(req.player, arc, ask.query, ask.difficulty, ask.type)
        if play is None:
            await matcher.finish(_not_played(ask, songs.known))
        await _send_chart_history(matcher, req.player, play)
    await offer(event, matcher, matcher.state, _send_history, songs.played.groups)


def _not_played(ask: ChartWords, known: Decision) -> str:
    chart = "".join(f"{x} " for x in (ask.type, ask.difficulty and ask.difficulty.label) if x)
    if known.verdict is Verdict.ONE:  # a song they never played (of that chart)
        return f"存档里还没有「{known.groups[0].title}」{chart}的游玩。"
    return f"存档里没有找到「{ask.query}」{chart}的游玩。"


async def _send_history(event: Event, matcher: Matcher, state: T_State, group: Group) -> None:
    player, difficulty = state["history"]
    play = await find_played_chart(player, [s.id for s in group.songs], difficulty)
    if play is None:  # forgotten since the list was sent
        await matcher.finish(NOTHING_YET)
    await _send_chart_history(matcher, player, play)


async def _send_chart_history(matcher: Matcher, player: Player, play: Play) -> NoReturn:
    arc = app().query_context()
    chart_view = await chart_history_view(player, arc, play)
    attempts_view = await chart_attempts_view(player, arc, play)
    await send_pages(
        matcher,
        [
            await render_png(chart_history_figure, chart_view),
            await render_png(chart_attempts_figure, attempts_view),
        ],
    )


pick_reply(history_cmd, _send_history)


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
    as_of = await date_argument(matcher, req.text, "用法：/b50 [日期]，日期如 2025-10-01。")
    empty = "那时还没有存档的成绩。" if as_of else NOTHING_YET
    await reply_view(matcher, lambda ctx: b50_view(req.player, ctx, as_of), b50_figure, empty)


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
    page = await number_argument(matcher, req.text, 1, "用法：/records [页码]")
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
    n = await number_argument(matcher, req.text, 0, "用法：/album [n]")
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
    player = await own_player(event, matcher, arg, "/privacy")
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
