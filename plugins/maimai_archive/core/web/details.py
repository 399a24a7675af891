"""One play, one chart, B50 (now or at a date), plate progress, the calendar, the album and
the export page. Each reads through the archive's own queries (the chat images' views)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import cast

from ..db.models import Photo, Play
from ..queries import plates
from ..queries.attempts import chart_attempts_view
from ..queries.plays import PLAY_ROW_FIELDS, SITE_TZ, PlayRow, b50_view, header, play_detail_view
from ..views.play_views import B50Tile, PlayCard
from . import stats
from .layout import e, layout, table, when
from .overview import Ctx
from .play_cells import achievement, chart_cell, diff_badge, lamps, level_text, rank_text
from .play_listing import shown
from .svg import calendar

JUDGEMENT_ROWS = ("tap", "hold", "slide", "touch", "break")
JUDGEMENT_HEAD = ("", "CRITICAL", "PERFECT", "GREAT", "GOOD", "MISS")


def _facts(items: list[tuple[str, str]]) -> str:
    return "<dl class=facts2>" + "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"


def _card_row(c: PlayCard) -> tuple[str, ...]:
    return (
        when(c.played_at),
        achievement(c.achievement),
        rank_text(c.rank),
        lamps(c.fc, c.fs),
        e(c.dx_score),
    )


async def play_page(ctx: Ctx, play_id: int) -> str | None:
    play = await Play.get_or_none(id=play_id, player_id=ctx.player.id)
    if play is None:
        return None
    newer = await Play.filter(player_id=ctx.player.id, played_unix__gt=play.played_unix).count()
    view = await play_detail_view(ctx.player, ctx.archive, newer + 1)
    if view is None:
        return None
    c = view.card
    dx = f"{c.dx_score} / {c.dx_score_max}" if c.dx_score_max else str(c.dx_score)
    items = [
        ("曲目", chart_cell(ctx.here, c.chart, play.chart_key)),
        ("难度", f"{diff_badge(c.chart.difficulty)} {level_text(c.chart.level, c.chart.constant)}"),
        ("时间", f"{when(c.played_at)}（第 {c.track} 首）"),
        ("达成率", achievement(c.achievement) + (" NEW" if c.new_record else "")),
        ("评级", f"{rank_text(c.rank)} {lamps(c.fc, c.fs)}"),
        ("DX 分数", e(dx) + ("★" * c.dx_stars)),
        ("单曲 Rating", e(c.rating if c.rating is not None else "—")),
    ]
    if c.place:
        items.append(("名次", e(c.place)))
    if view.rating_after is not None:
        delta = f"（{view.rating_delta:+d}）" if view.rating_delta is not None else ""
        items.append(("之后 Rating", e(f"{view.rating_after}{delta}")))
    if view.fast is not None or view.late is not None:
        items.append(("FAST / LATE", e(f"{view.fast} / {view.late}")))
    if view.max_combo:
        items.append(("最大连击", e(f"{view.max_combo[0]} / {view.max_combo[1]}")))
    if view.max_sync:
        items.append(("最大同步", e(f"{view.max_sync[0]} / {view.max_sync[1]}")))
    body = _facts(items)
    if view.judgements:
        rows = [
            (e(name.upper()), *(e(v if v is not None else "—") for v in view.judgements[name]))
            for name in JUDGEMENT_ROWS
            if view.judgements.get(name)
        ]
        body += "<h3>判定</h3>" + table(JUDGEMENT_HEAD, rows)
    if view.previous:
        body += "<h3>这张谱面之前的游玩</h3>" + table(
            ("时间", "达成率", "评级", "灯", "DX 分数"), map(_card_row, view.previous)
        )
    return layout(ctx.here, header(ctx.player), "游玩详情", body, "plays")


async def chart_page(ctx: Ctx, q: Mapping[str, str]) -> str | None:
    key = q.get("key", "")
    latest = (
        await Play.filter(player_id=ctx.player.id, chart_key=key).order_by("-played_unix").first()
    )
    if latest is None:
        return None
    view = await chart_attempts_view(ctx.player, ctx.archive, latest)
    ref = view.chart
    items = [
        ("曲目", chart_cell(ctx.here, ref)),
        ("难度", f"{diff_badge(ref.difficulty)} {level_text(ref.level, ref.constant)}"),
        ("游玩", e(f"{view.plays} 次，{view.days} 天")),
        ("平均 / 最高", f"{achievement(view.average)} / {achievement(view.best)}"),
    ]
    firsts = [
        (e(m.label), e(f"第 {m.plays} 次（首次游玩后 {m.days} 天）") if m.plays else "还没有")
        for m in view.milestones
    ]
    body = _facts(items) + "<h3>第一次达成</h3>" + table(("目标", "达成于"), firsts)
    if view.judgements:
        trend = [
            (when(j.at), e(j.great), e(j.good), e(j.miss), e(j.fast), e(j.late))
            for j in reversed(view.judgements)
        ]
        body += "<h3>判定与 FAST / LATE 趋势</h3>" + table(
            ("时间", "GREAT", "GOOD", "MISS", "FAST", "LATE"), trend
        )
    rows = [
        PlayRow(*r)
        for r in await Play.filter(player_id=ctx.player.id, chart_key=key)
        .order_by("-played_unix")
        .values_list(*PLAY_ROW_FIELDS)
    ]
    attempts = [
        (
            f'<a href="{ctx.here.url(f"play/{r.id}")}">{e(f"{r.at:%Y-%m-%d %H:%M}")}</a>',
            achievement(r.achievement),
            rank_text(r.rank),
            lamps(r.fc, r.fs),
            e(shown(ctx.archive, r).rating or "—"),
        )
        for r in rows
    ]
    body += "<h3>每一次游玩</h3>" + table(("时间", "达成率", "评级", "灯", "Rating"), attempts)
    return layout(ctx.here, header(ctx.player), "谱面记录", body, "plays")


def _date(q: Mapping[str, str], name: str) -> date | None:
    try:
        return date.fromisoformat(q.get(name, "").strip())
    except ValueError:
        return None


def _b50_rows(ctx: Ctx, tiles: tuple[B50Tile, ...]) -> list[tuple[str, ...]]:
    return [
        (
            str(i),
            chart_cell(ctx.here, t.chart),
            diff_badge(t.chart.difficulty),
            level_text(t.chart.level, t.chart.constant),
            achievement(t.achievement),
            lamps(t.fc, t.fs),
            e(t.rating),
        )
        for i, t in enumerate(tiles, 1)
    ]


async def b50_page(ctx: Ctx, q: Mapping[str, str]) -> str:
    as_of = _date(q, "date")
    view = await b50_view(ctx.player, ctx.archive, as_of)
    form = (
        f'<form class=filter method=get action="{ctx.here.url("b50")}"><label>日期'
        f'<input type=date name=date value="{e(as_of or "")}"></label>'
        f'<button type=submit>查看当时</button> <a href="{ctx.here.url("b50")}">现在</a></form>'
    )
    if view is None:
        body = form + "<p class=muted>那时还没有存档的成绩。</p>"
    else:
        head = ("#", "曲目", "难度", "定数", "达成率", "灯", "Rating")
        body = (
            form
            + f"<p class=count>合计 <b>{view.total}</b>（新 {view.new_total} + 旧 {view.old_total}）</p>"
        )
        if view.unrated_note:
            body += f"<p class=muted>{e(view.unrated_note)}</p>"
        body += f"<h3>新版本 15（{view.new_total}）</h3>" + table(head, _b50_rows(ctx, view.new))
        body += f"<h3>旧版本 35（{view.old_total}）</h3>" + table(head, _b50_rows(ctx, view.old))
    title = f"B50（{as_of:%Y-%m-%d}）" if as_of else "B50"
    return layout(ctx.here, header(ctx.player), title, body, "b50")


async def plate_page(ctx: Ctx, q: Mapping[str, str]) -> str:
    name = q.get("name", "").strip()[:16]
    as_of = _date(q, "date")
    catalogue = ctx.archive.catalogue
    form = (
        f'<form class=filter method=get action="{ctx.here.url("plate")}">'
        f'<label>牌子<input name=name value="{e(name)}" placeholder="舞将"></label>'
        f'<label>日期<input type=date name=date value="{e(as_of or "")}"></label>'
        f"<button type=submit>查看</button></form><p class=muted>{e(plates.valid_names(catalogue))}</p>"
    )
    body = form
    plate = plates.parse_plate(name, catalogue) if name else None
    if name and plate is None:
        body += f"<p>没有「{e(name)}」这个牌子。</p>"
    elif plate is not None:
        view = await plates.plate_view(ctx.player, ctx.archive, plate, as_of)
        if view is None:
            body += "<p class=muted>那时还没有存档的成绩。</p>"
        else:
            body += f"<p class=count>{e(view.name)}：{e(view.goal)}，已完成 <b>{view.done}</b> / {view.total}</p>"
            body += "".join(
                f"<p class=bar>{diff_badge(c.difficulty)} {c.done} / {c.total}"
                f' <meter min=0 max="{c.total}" value="{c.done}"></meter></p>'
                for c in view.counts
            )
            rows = [
                (
                    chart_cell(ctx.here, m.chart),
                    diff_badge(m.chart.difficulty),
                    level_text(m.chart.level, m.chart.constant),
                    achievement(m.achievement) if m.achievement is not None else "未游玩",
                    lamps(m.fc, m.fs),
                )
                for m in view.missing
            ]
            if rows:
                body += "<h3>还差的谱面</h3>" + table(("曲目", "难度", "定数", "成绩", "灯"), rows)
    return layout(ctx.here, header(ctx.player), "牌子进度", body, "plate")


async def calendar_page(ctx: Ctx, q: Mapping[str, str]) -> str:
    today = datetime.now(SITE_TZ).date()
    year_text = q.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    first, last = (
        (date(year, 1, 1), date(year, 12, 31)) if year else (today - timedelta(days=364), today)
    )
    lo = int(datetime(first.year, first.month, first.day, tzinfo=SITE_TZ).timestamp())
    hi = lo + ((last - first).days + 1) * 86400
    epoch = date(1970, 1, 1)
    counts = {
        epoch + timedelta(days=d): n
        for d, n in (await stats.day_counts(ctx.player, lo, hi)).items()
    }
    links = {
        d: ctx.here.url("plays", {"since": d.isoformat(), "until": d.isoformat()}) for d in counts
    }
    oldest = cast(
        "int | None",
        await Play.filter(player_id=ctx.player.id)
        .order_by("played_unix")
        .first()
        .values_list("played_unix", flat=True),
    )
    start_year = datetime.fromtimestamp(int(oldest), SITE_TZ).year if oldest else today.year
    years = " ".join(
        f'<a href="{ctx.here.url("calendar", {"year": str(y)})}"'
        f"{' class=on' if y == year else ''}>{y}</a>"
        for y in range(today.year, start_year - 1, -1)
    )
    years = (
        f'<a href="{ctx.here.url("calendar")}"{"" if year else " class=on"}>最近一年</a> ' + years
    )
    body = (
        f"<p class=ranges>{years}</p><p class=count>{len(counts)} 天出勤，"
        f"{sum(counts.values())} 次游玩</p>" + calendar(first, last, counts, links)
    )
    return layout(ctx.here, header(ctx.player), "出勤日历", body, "calendar")


async def album_page(ctx: Ctx, q: Mapping[str, str]) -> str:
    photos = (
        await Photo.filter(player_id=ctx.player.id)
        .order_by("-taken_at", "-id")
        .values_list("id", "path", "title", "taken_at", "place")
    )
    cells = []
    for pid, path, title, taken_at, place in photos:
        img = (
            f'<img alt="" loading=lazy src="{ctx.here.url(f"photo/{pid}")}">'
            if path
            else '<span class="jk none"></span>'
        )
        at = when(taken_at.astimezone(SITE_TZ)) if taken_at else "—"
        cells.append(
            f"<figure>{img}<figcaption>{e(title or '')}<br><small>{at} {e(place or '')}</small>"
            "</figcaption></figure>"
        )
    body = (
        f"<div class=album>{''.join(cells)}</div>" if cells else "<p class=muted>相册是空的。</p>"
    )
    return layout(ctx.here, header(ctx.player), "相册", body, "album")


def export_links(ctx: Ctx) -> str:
    body = (
        "<p>下载全部游玩记录（含判定详情）：</p><ul>"
        f'<li><a href="{ctx.here.url("export.jsonl")}" download>JSON Lines（.jsonl）</a></li>'
        f'<li><a href="{ctx.here.url("export.csv")}" download>CSV（.csv）</a></li></ul>'
    )
    return layout(ctx.here, header(ctx.player), "导出", body, "export")
