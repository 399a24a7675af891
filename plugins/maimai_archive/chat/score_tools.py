"""/line (分数线): how much a chart forgives at a target; /raise (推分, 上分): what to push next.

/line finds the song the way /chart does (the same search, the same numbered pick list);
/raise reads the player's bests from the archive and shows the best steps as an image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from nonebot.adapters.onebot.v11 import Event
from nonebot.matcher import Matcher
from nonebot.typing import T_State

from ..core import (
    Chart,
    ChartType,
    Difficulty,
    Group,
    Song,
    format_achievement,
    raise_figure,
    raise_view,
    rank_for,
    score_line,
)
from .chart import DIFFICULTY_WORDS, TYPE_WORDS
from .registry import app, command, image, render_png
from .request import Arg, target
from .song_pick import pick_reply, pick_song

GROUP = "成绩工具"
line_cmd = command(
    "line",
    "分数线",
    usage="/line <曲名|id> [难度] [目标]",
    brief="谱面的分数线：SSS/SSS+ 能丢多少 TAP GREAT 和绝赞",
    group=GROUP,
)
raise_cmd = command(
    "raise",
    "推分",
    "上分",
    usage="/raise",
    brief="把哪些谱面推到下一评级涨分最多",
    group=GROUP,
    limit="image",
)

LINE_USAGE = (
    "用法：/line <曲名|id> [难度] [目标]，例如 /line 潘、/line 834 紫 100.5、/line 潘 白 sss"
)
SSS, SSSP = 1_000_000, 1_005_000
DEFAULT_TARGETS = (SSS, SSSP)
TARGET_WORDS = {
    "sss+": SSSP, "sssp": SSSP, "鸟加": SSSP, "sss": SSS, "鸟": SSS,
    "ss+": 995_000, "ssp": 995_000, "ss": 990_000, "s+": 980_000, "sp": 980_000, "s": 970_000,
}  # fmt: skip
_PERCENT = re.compile(r"\d{2,3}(?:\.\d{1,4})?%?")
MIN_TARGET, MAX_TARGET = 500_000, 1_010_000


# --- /line ----------------------------------------------------------------------------------


def parse_target(word: str) -> int | None:
    """ "sss+" / "100.5" / "99.5%" → achievement (1/10000 %); None when not a target."""
    word = word.lower()
    if word in TARGET_WORDS:
        return TARGET_WORDS[word]
    if not _PERCENT.fullmatch(word):
        return None
    try:
        value = int(Decimal(word.rstrip("%")) * 10_000)
    except InvalidOperation:
        return None
    return value if MIN_TARGET <= value <= MAX_TARGET else None


@dataclass(frozen=True)
class ChartWords:
    """A song command's argument: the song query, and what its last words name."""

    query: str
    difficulty: Difficulty | None = None
    type: ChartType | None = None
    target: int | None = None  # /line's


def chart_words(text: str, targets: bool = False) -> ChartWords:
    """ "潘 紫 100.5" → 潘, MASTER, 1005000: difficulty, type and (with ``targets``) target
    words are read from the end, in any order, and the rest is the song query (/line,
    /history)."""
    query = text.strip()
    difficulty: Difficulty | None = None
    type_: ChartType | None = None
    target: int | None = None
    # Peeled off the end one by one: the title before them keeps its own spaces (a
    # full-width space in a title is not a word break to put back as " ").
    while len(parts := query.rsplit(None, 1)) == 2:
        head, word = parts[0].rstrip(), parts[1].lower()
        if difficulty is None and word in DIFFICULTY_WORDS:
            difficulty = DIFFICULTY_WORDS[word]
        elif type_ is None and word in TYPE_WORDS:
            type_ = TYPE_WORDS[word]
        elif targets and target is None and (value := parse_target(word)) is not None:
            target = value
        else:
            break
        query = head
    return ChartWords(query, difficulty, type_, target)


def parse_line_args(text: str) -> tuple[str, Difficulty | None, ChartType | None, tuple[int, ...]]:
    """ "潘 紫 100.5" → ("潘", MASTER, None, (1005000,)); SSS and SSS+ unless told."""
    words = chart_words(text, targets=True)
    targets = DEFAULT_TARGETS if words.target is None else (words.target,)
    return words.query, words.difficulty, words.type, targets


def _query(text: str) -> str:
    """A bare number is a song id when the catalogue has that id ("834" → "id834")."""
    if text.isdigit() and app().catalogue.song(int(text)) is not None:
        return f"id{text}"
    return text


def line_charts(
    songs: tuple[Song, ...], difficulty: Difficulty | None, type_: ChartType | None
) -> list[Chart]:
    """The charts a /line request means: MASTER unless told, of every chart set unless told."""
    chosen = [s for s in songs if type_ is None or s.type is type_]
    charts: list[Chart] = []
    for song in chosen:
        if song.type is ChartType.UTAGE:
            charts.extend(song.charts)  # one chart, whatever difficulty was asked
        elif chart := song.chart(difficulty or Difficulty.MASTER):
            charts.append(chart)
    return charts


def _pct(cost: Fraction) -> str:
    return f"{float(cost) / 10_000:.4f}%"


def _ratio(cost: Fraction, unit: Fraction) -> str:
    return f"{float(cost / unit):.2f}"


def line_text(chart: Chart, targets: tuple[int, ...]) -> str:
    """The score line of one chart, as a few short lines of Chinese."""
    kind = {"SD": "标准", "DX": "DX", "UTAGE": "宴"}[chart.type.value]
    n = chart.notes
    lines = [
        f"{chart.title}［{kind}］{chart.difficulty.label} {chart.level}（定数 {chart.constant_text}）",
        f"物量 {n.total}：TAP {n.tap} HOLD {n.hold} SLIDE {n.slide}"
        + ("" if chart.type is ChartType.SD else f" TOUCH {n.touch}")
        + f" 绝赞 {n.break_}",
    ]
    for goal in targets:
        line = score_line(n, goal)
        label = f"{rank_for(goal).label} {format_achievement(goal)}"
        if line is None:
            lines.append(f"{label}：达不到")
            continue
        lines.append(f"{label}：可丢 {format_achievement(line.allowed)}，单看一种失误最多")
        lines.append(f"  TAP GREAT {line.tap_greats} 个（每个 -{_pct(line.tap_great_cost)}）")
        if n.break_:
            lines.append(
                f"  绝赞 50落 {line.break_2550s} 个 · 100落 {line.break_2500s} 个 · GREAT {line.break_greats} 个"
            )
    if n.break_:
        unit = score_line(n, MAX_TARGET)
        assert unit is not None  # a chart with notes always has a line at 101%
        lines.append(
            f"换算：绝赞 50落 = {_ratio(unit.break_perfect_2550_cost, unit.tap_great_cost)} 个 TAP GREAT，"
            f"100落 = {_ratio(unit.break_perfect_2500_cost, unit.tap_great_cost)}，"
            f"GREAT = {_ratio(unit.break_great_cost, unit.tap_great_cost)}"
        )
    return "\n".join(lines)


async def _send_line(event: Event, matcher: Matcher, state: T_State, group: Group) -> None:
    difficulty, type_, targets = state["line_args"]
    charts = line_charts(group.songs, difficulty, type_)
    if not charts:
        what = " ".join(
            x for x in (type_.value if type_ else "", (difficulty or Difficulty.MASTER).label) if x
        )
        await matcher.finish(f"{group.title} 没有 {what} 谱面。")
    await matcher.finish("\n\n".join(line_text(c, targets) for c in charts))


@line_cmd.handle()
async def _line(event: Event, matcher: Matcher, state: T_State, arg: Arg) -> None:
    query, difficulty, type_, targets = parse_line_args(arg.extract_plain_text().strip())
    if not query:
        await matcher.finish(LINE_USAGE)
    state["line_args"] = (difficulty, type_, targets)
    await pick_song(event, matcher, state, _send_line, _query(query), shown=query)


pick_reply(line_cmd, _send_line)


# --- /raise ---------------------------------------------------------------------------------


@raise_cmd.handle()
async def _raise(event: Event, matcher: Matcher, arg: Arg) -> None:
    req = await target(event, matcher, arg)
    if req.text:
        await matcher.finish()  # "上分了" in a group is chat, not a request
    view = await app().view_with_covers(lambda arc: raise_view(req.player, arc))
    if view is None:
        await matcher.finish("存档里还没有能算 Rating 的成绩：先 /sync 同步一次吧。")
    await matcher.finish(image(await render_png(raise_figure, view)))
