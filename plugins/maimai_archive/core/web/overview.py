"""The overview page and the every-play page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ..db.models import Play, Player
from ..game import FC, FS, Difficulty, Rank
from ..queries import visits
from ..queries.curve import rating_curve_view
from ..queries.plays import QueryContext, header
from . import stats
from .layout import Here, e, layout, pager, table, when
from .play_cells import achievement, chart_cell, diff_badge, lamps, level_text, rank_text
from .play_listing import PlayFilter, ShownPlay, play_page
from .svg import rating_curve

RANGES = (("all", "全部"), ("year", "一年"), ("month", "一个月"))


@dataclass(frozen=True, slots=True)
class Ctx:
    """One request's player (resolved from the token first), query context and link base."""

    player: Player
    archive: QueryContext
    here: Here


async def overview_page(ctx: Ctx, query: Mapping[str, str]) -> str:
    player, here = ctx.player, ctx.here
    span = query.get("range", "all")
    span = span if span in dict(RANGES) else "all"
    curve = await rating_curve_view(player, ctx.archive.catalogue)
    points = [(p.at, p.rating) for p in curve.points] if curve else []
    if points and span != "all":
        since = points[-1][0] - timedelta(days=365 if span == "year" else 31)
        points = [p for p in points if p[0] >= since]
    ranges = " ".join(
        f'<a href="{here.url("", {"range": k})}"{" class=on" if k == span else ""}>{e(v)}</a>'
        for k, v in RANGES
    )
    plays = await Play.filter(player_id=player.id).count()
    facts = (
        ("Rating", player.rating if player.rating is not None else "—"),
        ("游玩", plays),
        ("出勤天数", await stats.days_played(player)),
        ("PC 数", await stats.credits(player)),
    )
    body = (
        '<div class="facts">'
        + "".join(f"<div><b>{e(v)}</b><span>{e(k)}</span></div>" for k, v in facts)
        + "</div>"
    )
    body += (
        f"<section><h3>Rating 曲线</h3><p class=ranges>{ranges}</p>{rating_curve(points)}</section>"
    )
    body += await _latest_visit(ctx)
    return layout(here, header(player), "概览", body, "")


async def _latest_visit(ctx: Ctx) -> str:
    views = await visits.visit_views(ctx.player, ctx.archive)
    if not views:
        return "<section><h3>最近一次出勤</h3><p class=muted>还没有游玩记录。</p></section>"
    v = views[0]
    rating = ""
    if v.rating_start is not None and v.rating_end is not None:
        rating = f"，Rating {v.rating_start} → {v.rating_end}"
    rows = [
        (
            when(p.played_at),
            chart_cell(ctx.here, p.chart),
            diff_badge(p.chart.difficulty),
            achievement(p.achievement),
            rank_text(p.rank),
            lamps(p.fc, p.fs),
        )
        for p in v.plays
    ]
    return (
        f"<section><h3>最近一次出勤</h3><p>{when(v.start)} – {e(f'{v.end:%H:%M}')}，"
        f"{v.credits} PC，{len(v.plays)} 首，新纪录 {v.new_bests}{e(rating)}</p>"
        + table(("时间", "曲目", "难度", "达成率", "评级", "灯"), rows)
        + "</section>"
    )


def _select(name: str, current: str, options: list[tuple[str, str]]) -> str:
    opts = "".join(
        f'<option value="{e(v)}"{" selected" if v == current else ""}>{e(t)}</option>'
        for v, t in [("", "全部"), *options]
    )
    return f"<label>{e(LABELS[name])}<select name={name}>{opts}</select></label>"


LABELS = {
    "difficulty": "难度",
    "rank": "评级",
    "fc": "FC/AP",
    "fs": "FS/FDX",
    "sort": "排序",
}


def filter_form(here: Here, f: PlayFilter) -> str:
    diffs = [
        (d.value, d.value.upper() if d is not Difficulty.REMASTER else "Re:MASTER")
        for d in Difficulty
    ]
    ranks = [(r.value, r.label) for r in reversed(Rank)]
    fcs = [(c.value, c.value.upper().replace("P", "+")) for c in FC] + [("none", "无")]
    fss = [(c.value, c.value.upper().replace("SD", "DX").replace("P", "+")) for c in FS]
    fss.append(("none", "无"))
    sorts = [("achievement", "达成率"), ("rating", "单曲 Rating")]
    text = (
        f'<label>曲名<input name=title type=search value="{e(f.title)}" placeholder="曲名、别名或 id"></label>'
        f'<label>等级<input name=level value="{e(f.level)}" placeholder="13+" size=4></label>'
        f'<label>从<input name=since type=date value="{e(f.since or "")}"></label>'
        f'<label>到<input name=until type=date value="{e(f.until or "")}"></label>'
    )
    sort = _select("sort", "" if f.sort == "date" else f.sort, sorts).replace(">全部<", ">时间<")
    return (
        f'<form class=filter method=get action="{here.url("plays")}">{text}'
        + _select("difficulty", f.difficulty, diffs)
        + _select("rank", f.rank, ranks)
        + _select("fc", f.fc, fcs)
        + _select("fs", f.fs, fss)
        + sort
        + f'<button type=submit>筛选</button> <a href="{here.url("plays")}">清除</a></form>'
    )


def play_row(here: Here, s: ShownPlay) -> tuple[str, ...]:
    p = s.play
    title = f'<a href="{here.url(f"play/{p.id}")}">{e(p.title)}</a> <small>{e(p.type)}</small>'
    new = ' <span class="new">NEW</span>' if p.new_record else ""
    return (
        e(f"{p.at:%Y-%m-%d %H:%M}"),
        title,
        diff_badge(p.difficulty),
        level_text(s.level, s.constant),
        achievement(p.achievement) + new,
        rank_text(p.rank),
        lamps(p.fc, p.fs),
        e(s.rating) if s.rating is not None else "—",
        f'<a href="{here.url("chart", {"key": p.chart_key})}">谱面</a>',
    )


PLAY_HEAD = ("时间", "曲目", "难度", "定数", "达成率", "评级", "灯", "Rating", "")


async def plays_page(ctx: Ctx, query: Mapping[str, str]) -> str:
    f = PlayFilter.from_query(query)
    page = await play_page(ctx.player, ctx.archive, f)
    rows = [play_row(ctx.here, s) for s in page.rows]
    body = filter_form(ctx.here, f)
    body += f"<p class=count>共 <b>{page.total}</b> 条游玩记录</p>"
    if rows:
        body += table(PLAY_HEAD, rows, "plays")
        body += pager(ctx.here, "plays", page.page, page.pages, f.query())
    else:
        body += "<p class=muted>没有符合条件的游玩。</p>"
    return layout(ctx.here, header(ctx.player), "全部游玩", body, "plays")
