"""/chart (查歌, id), /charts (定数表, 完成表) and /alias: the song catalogue in chat."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from nonebot.adapters import Bot
from nonebot.adapters.onebot.v11 import Event
from nonebot.adapters.onebot.v11 import Message as OneBotMessage
from nonebot.matcher import Matcher
from nonebot.params import Command
from nonebot.permission import SUPERUSER
from nonebot.typing import T_State

from ..core import (
    FILTER_WORDS,
    ChartInfoView,
    ChartListView,
    ChartType,
    Difficulty,
    Group,
    ProposalStatus,
    RandomAsk,
    Verdict,
    approve_alias,
    chart_bests,
    chart_header,
    chart_info_figure,
    chart_list_figures,
    decide,
    pending_aliases,
    player_by_qq,
    propose_alias,
    reject_alias,
    reload_aliases,
)
from .registry import app, command, image, player_of, qq_of, render_pages, render_png
from .request import Arg, shown_qq
from .song_pick import EMPTY_CATALOGUE, group_line, not_found_text, pick_reply, pick_song

GROUP = "曲库"
chart_cmd = command(
    "chart",
    "查歌",
    "id",
    usage="/chart <id|曲名|别名>",
    brief="查一首歌的谱面、定数和你的成绩",
    group=GROUP,
    limit="image",
)
charts_cmd = command(
    "charts",
    "定数表",
    "完成表",
    usage="/charts <等级> [dx|sd] [难度]",
    brief="某等级全部谱面按定数排列，标出你的评级",
    group=GROUP,
    limit="image",
)
alias_cmd = command(
    "alias",
    "别名",
    usage="/alias add <别名> <歌曲>",
    brief="为歌曲添加别名（管理员审核）",
    group=GROUP,
)

DIFFICULTY_WORDS = {
    "basic": Difficulty.BASIC, "bas": Difficulty.BASIC, "绿": Difficulty.BASIC,
    "advanced": Difficulty.ADVANCED, "adv": Difficulty.ADVANCED, "黄": Difficulty.ADVANCED,
    "expert": Difficulty.EXPERT, "exp": Difficulty.EXPERT, "红": Difficulty.EXPERT,
    "master": Difficulty.MASTER, "mas": Difficulty.MASTER, "紫": Difficulty.MASTER,
    "remaster": Difficulty.REMASTER, "re:master": Difficulty.REMASTER, "rem": Difficulty.REMASTER, "白": Difficulty.REMASTER,
}  # fmt: skip
WHOSE = "whose"  # the state key: whose scores /chart shows
TYPE_WORDS = {"dx": ChartType.DX, "sd": ChartType.SD, "标准": ChartType.SD, "std": ChartType.SD}


async def _send_song(event: Event, matcher: Matcher, state: T_State, group: Group) -> None:
    player = await player_by_qq(state.get(WHOSE) or qq_of(event))
    charts = [c for s in group.songs for c in s.charts]
    aliases = tuple(sorted(app().catalogue.aliases_of(group.songs[0])))
    view = ChartInfoView(
        group.songs, aliases, chart_header(player), await chart_bests(player, charts, history=True)
    )
    await matcher.finish(image(await render_png(chart_info_figure, view)))


@chart_cmd.handle()
async def _(
    event: Event,
    matcher: Matcher,
    state: T_State,
    arg: Arg,
    cmd: Annotated[tuple[str, ...], Command()],
) -> None:
    query = arg.extract_plain_text().strip()
    if cmd[0] == "id":
        if not query.isdigit():
            await chart_cmd.finish()  # "idol…" in a group is not a query
        query = f"id{query}"
    if not query:
        await chart_cmd.finish("用法：/chart <id|曲名|别名>，例如 /chart 834、/chart 潘")
    state[WHOSE] = await shown_qq(event, matcher, arg)  # "/chart 潘 @someone": their scores
    await pick_song(event, matcher, state, _send_song, query)


pick_reply(chart_cmd, _send_song)


def _is_level(word: str) -> bool:
    number = word.removesuffix("+")
    return number.isdigit() and 1 <= int(number) <= 15


def parse_random_args(text: str) -> RandomAsk | None:
    """ "13+ 未SSS" → RandomAsk("13+", filter=NOT_SSS); None when a word is not understood."""
    level = type_ = difficulty = chart_filter = None
    for word in unicodedata.normalize("NFKC", text).lower().split():
        if word in TYPE_WORDS and type_ is None:
            type_ = TYPE_WORDS[word]
        elif word in DIFFICULTY_WORDS and difficulty is None:
            difficulty = DIFFICULTY_WORDS[word]
        elif word in FILTER_WORDS and chart_filter is None:
            chart_filter = FILTER_WORDS[word]
        elif _is_level(word) and level is None:
            level = word
        else:
            return None
    return RandomAsk(level, type_, difficulty, chart_filter)


def parse_charts_args(text: str) -> tuple[str, ChartType | None, Difficulty | None] | None:
    """ "13+ dx master" → ("13+", DX, MASTER): /random's words (full-width too) without its
    filters; None when there is no level or a word is not understood."""
    ask = parse_random_args(text)
    if ask is None or ask.level is None or ask.filter is not None:
        return None
    return ask.level, ask.type, ask.difficulty


@charts_cmd.handle()
async def _(event: Event, arg: Arg) -> None:
    parsed = parse_charts_args(arg.extract_plain_text())
    if parsed is None:
        await charts_cmd.finish(
            "用法：/charts <等级> [dx|sd] [难度]，例如 /charts 13+、/charts 14 master"
        )
    level, type_, difficulty = parsed
    catalogue = app().catalogue
    if not len(catalogue):
        await charts_cmd.finish(EMPTY_CATALOGUE)
    charts = catalogue.charts_at_level(level, type_, difficulty)
    filters = " · ".join(
        x for x in (type_.value if type_ else "", difficulty.label if difficulty else "") if x
    )
    if not charts:
        asked = f"{level} · {filters}" if filters else level
        await charts_cmd.finish(f"曲库里没有 {asked} 的谱面。")
    player = await player_of(event)
    view = ChartListView(
        level,
        tuple(charts),
        await chart_bests(player, charts, history=False),
        chart_header(player),
        filters,
    )
    pages = await render_pages(chart_list_figures, view)
    await charts_cmd.finish(OneBotMessage([image(png) for png in pages]))


ALIAS_USAGE = "用法：/alias add <别名> <歌曲>；管理员：/alias pending、/alias approve <编号>、/alias reject <编号>"


@alias_cmd.handle()
async def _(bot: Bot, event: Event, arg: Arg) -> None:
    words = arg.extract_plain_text().split()
    if not words:
        await alias_cmd.finish(ALIAS_USAGE)
    action, rest = words[0].lower(), words[1:]
    superuser = await SUPERUSER(bot, event)
    if action == "add" and len(rest) >= 2:
        await alias_cmd.finish(await _add_alias(event, rest[0], " ".join(rest[1:]), superuser))
    if action in ("pending", "approve", "reject"):
        if not superuser:
            await alias_cmd.finish("只有管理员可以审核别名。")
        await alias_cmd.finish(await _review(action, rest))
    await alias_cmd.finish(ALIAS_USAGE)


async def _add_alias(event: Event, alias: str, query: str, superuser: bool) -> str:
    catalogue = app().catalogue
    decision = decide(catalogue.search(query))
    if decision.verdict is Verdict.NONE:
        return not_found_text(query, decision)
    if decision.verdict is Verdict.CHOOSE:
        return "这个歌曲名能对应多首歌，请用 id 指定：\n" + "\n".join(
            group_line(i, g) for i, g in enumerate(decision.groups, 1)
        )
    song = decision.groups[0].songs[0]
    try:
        proposal = await propose_alias(song.id, alias, qq_of(event), superuser=superuser)
    except ValueError:
        return "别名长度需在 1–64 个字符之间。"
    if proposal.status is ProposalStatus.ADDED:
        await reload_aliases(catalogue)
        return f"已添加别名「{alias}」→ {song.title}"
    if proposal.status is ProposalStatus.PENDING:
        return f"已提交别名「{alias}」→ {song.title}，等待管理员审核（编号 {proposal.id}）。"
    return f"「{alias}」已经是 {song.title} 的别名（或已在审核中）。"


async def _review(action: str, rest: list[str]) -> str:
    catalogue = app().catalogue
    if action == "pending":
        rows = await pending_aliases()
        if not rows:
            return "没有待审核的别名。"
        lines = []
        for pending in rows[:20]:
            song = catalogue.song(pending.song_id) or catalogue.song(pending.song_id + 10_000)
            lines.append(
                f"{pending.id}. 「{pending.alias}」→ {song.title if song else pending.song_id}（提交者 {pending.proposer}）"
            )
        return "待审核别名：\n" + "\n".join(lines)
    if not rest or not rest[0].isdigit():
        return f"用法：/alias {action} <编号>"
    row = await (approve_alias if action == "approve" else reject_alias)(int(rest[0]))
    if row is None:
        return f"没有编号 {rest[0]} 的待审核别名。"
    if action == "approve":
        await reload_aliases(catalogue)
        return f"已通过别名「{row.alias}」。"
    return f"已拒绝别名「{row.alias}」。"
