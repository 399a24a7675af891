"""``/raise`` (推分): the steps that would raise the player's rating most, one row each."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..game import format_achievement, rank_for
from ..views.raise_views import RaiseRow, RaiseView
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas

WIDTH = 1000
ROW_H = 104
JACKET = 80


def raise_figure(view: RaiseView) -> Figure:
    m, gap = style.MARGIN, style.GAP
    rows = max(1, len(view.rows))
    height = HEADER_H + 16 + rows * (ROW_H + gap) + FOOTER_H
    canvas = Canvas(WIDTH, height)
    floors = f"B50 {view.total} · 进入旧版本 B35 需 > {view.old_floor} · 进入新版本 B15 需 > {view.new_floor}"
    draw_header(canvas, view.player, "推分建议", floors)
    y = HEADER_H + 8
    if not view.rows:
        canvas.panel(m, y, WIDTH - 2 * m, ROW_H)
        canvas.note(WIDTH / 2, y + ROW_H / 2 + 6, "每张谱面都已到顶，没有可推的分了")
    for i, row in enumerate(view.rows):
        _row(canvas, row, i + 1, m, y, WIDTH - 2 * m)
        y += ROW_H + gap
    draw_footer(canvas, "每张谱面只算提升到下一个能涨分的评级 · 进入 B50 的谱面顶替原来最低的一首")
    return canvas.figure


def _row(canvas: Canvas, row: RaiseRow, number: int, x: float, y: float, w: float) -> None:
    chart = row.chart
    canvas.panel(x, y, w, ROW_H)
    canvas.rect(x, y + 10, 5, ROW_H - 20, style.difficulty_colour(chart.difficulty), zorder=3)
    canvas.text(x + 18, y + ROW_H / 2 + 6, f"{number}", style.HEADING_SIZE, style.TEXT_MUTED)
    jx = x + 50
    canvas.jacket(chart, jx, y + (ROW_H - JACKET) / 2, JACKET)
    left = jx + JACKET + 18
    right = x + w - 18
    badge_w = canvas.difficulty_badge(chart, left, y + 12)
    if not row.in_b50:
        canvas.badge(left + badge_w + 6, y + 12, "进入 B50", style.NEW_RECORD)
    canvas.text(left, y + 56, chart.title, 13, max_width=right - left - 190)

    now = "未游玩" if row.current is None else format_achievement(row.current)
    now_rank = "" if row.current is None else rank_for(row.current).label
    target_rank = rank_for(row.target)
    cursor = left + canvas.text(left, y + 88, now, style.BODY_SIZE, style.TEXT_MUTED)
    if now_rank:
        cursor += 6 + canvas.text(cursor + 6, y + 88, now_rank, style.BODY_SIZE, style.TEXT_MUTED)
    cursor += 10 + canvas.text(cursor + 10, y + 88, "→", style.BODY_SIZE, style.TEXT_MUTED)
    cursor += 10 + canvas.text(cursor + 10, y + 88, format_achievement(row.target), 14, bold=True)
    canvas.text(
        cursor + 8, y + 88, target_rank.label, 14, style.rank_colour(target_rank), bold=True
    )

    canvas.text(right, y + 50, f"+{row.gain}", 24, style.GOOD, ha="right", bold=True)
    before = "—" if row.rating is None else str(row.rating)
    canvas.text(
        right,
        y + 84,
        f"单曲 {before} → {row.new_rating}",
        style.SMALL_SIZE + 1,
        style.ACCENT,
        ha="right",
    )
