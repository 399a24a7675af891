"""The archive as a table of plays (``/records [page]``): one page per figure."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..game import format_achievement
from ..views.play_views import RecordsView
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas, format_dx

WIDTH = 1200
ROW_H = 34
PAGE_SIZE = 25  # rows per page (the query pages by this too)
# column: (label, x offset from the table's left, alignment)
COLUMNS = (
    ("#", 14, "left"),
    ("时间", 60, "left"),
    ("曲名", 210, "left"),
    ("难度", 560, "left"),
    ("达成率", 860, "right"),
    ("评级", 910, "center"),
    ("FC/FS", 950, "left"),
    ("DX 分数", 1080, "right"),
    ("Rating", 1130, "right"),
)


def records_figure(view: RecordsView) -> Figure:
    m = style.MARGIN
    rows = view.rows
    body = 40 + max(1, len(rows)) * ROW_H + 10
    height = HEADER_H + body + FOOTER_H
    canvas = Canvas(WIDTH, height)
    draw_header(
        canvas,
        view.player,
        "游玩记录",
        f"共 {view.total} 次游玩 · 第 {view.page}/{max(view.pages, 1)} 页",
    )
    x, y = m, HEADER_H
    canvas.panel(x, y, WIDTH - 2 * m, body)
    for label, dx, align in COLUMNS:
        canvas.text(x + dx, y + 28, label, style.SMALL_SIZE, style.TEXT_MUTED, ha=align)
    if not rows:
        canvas.note(WIDTH / 2, y + 40 + ROW_H, "这一页没有记录")
    for i, card in enumerate(rows):
        ry = y + 40 + i * ROW_H
        if i % 2 == 0:
            canvas.rect(x + 6, ry, WIDTH - 2 * m - 12, ROW_H, "#f7f8fc", zorder=1.5)
        base = ry + 23
        chart = card.chart
        canvas.text(x + 14, base, str(card.number), style.SMALL_SIZE, style.TEXT_MUTED)
        canvas.text(
            x + 60, base, f"{card.played_at:%Y/%m/%d %H:%M}", style.SMALL_SIZE, style.TEXT_MUTED
        )
        canvas.text(x + 210, base, chart.title, style.BODY_SIZE, max_width=330)
        canvas.difficulty_badge(chart, x + 560, ry + 7, size=8)
        canvas.text(
            x + 860,
            base,
            format_achievement(card.achievement),
            style.BODY_SIZE,
            ha="right",
            bold=card.new_record,
        )
        canvas.rank(x + 910, base, card.rank, ha="center")
        lamps = " ".join(filter(None, (style.fc_label(card.fc), style.fs_label(card.fs))))
        canvas.text(x + 950, base, lamps, style.SMALL_SIZE, style.TEXT_MUTED)
        canvas.text(
            x + 1080,
            base,
            format_dx(card.dx_score, card.dx_score_max),
            style.SMALL_SIZE,
            style.TEXT_MUTED,
            ha="right",
        )
        canvas.text(
            x + 1130,
            base,
            "—" if card.rating is None else str(card.rating),
            style.BODY_SIZE,
            style.ACCENT,
            ha="right",
        )
    draw_footer(canvas, "maimai archive · /records <页码> 翻页")
    return canvas.figure
