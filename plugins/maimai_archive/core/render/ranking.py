"""Group ranking (/rank): public members by rating, with each one's change over the window."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..views.progress_views import RankingView
from . import style
from .cards import FOOTER_H
from .draw import Canvas

WIDTH = 900
ROW_H = 48
TOP = 100
MAX_ROWS = 60  # 60 × 48 px stays well under the side limit


def ranking_figure(view: RankingView) -> Figure:
    entries = view.entries[:MAX_ROWS]
    canvas = Canvas(WIDTH, TOP + len(entries) * ROW_H + 20 + FOOTER_H)
    m = style.MARGIN
    canvas.rect(0, 0, canvas.width, 6, style.ACCENT)
    canvas.text(m, 48, view.title, style.TITLE_SIZE, bold=True, max_width=canvas.width - 2 * m)
    canvas.text(
        m,
        78,
        f"公开存档的群成员 {len(view.entries)} 人 · 按 Rating 排名 · 近 {view.days} 天变化",
        style.BODY_SIZE,
        style.TEXT_MUTED,
    )
    for i, e in enumerate(entries):
        y = TOP + i * ROW_H
        canvas.panel(m, y + 4, canvas.width - 2 * m, ROW_H - 8)
        base = y + ROW_H / 2 + 6
        colour = (
            (style.NEW_RECORD, "#8d93a8", "#b0703c")[e.place - 1]
            if e.place <= 3
            else style.TEXT_MUTED
        )
        canvas.text(m + 18, base, f"{e.place}", style.HEADING_SIZE, colour, bold=True)
        canvas.text(m + 70, base, e.name, style.HEADING_SIZE, max_width=430)
        canvas.badge(
            m + 520,
            y + 12,
            f"{e.rating}",
            style.rating_colour(e.rating),
            style.rating_text_colour(e.rating),
            size=style.BODY_SIZE,
            height=24,
        )
        if e.change is None:
            change, tint = "—", style.TEXT_MUTED
        else:
            change, tint = (
                f"{e.change:+d}",
                style.GOOD if e.change > 0 else style.BAD if e.change < 0 else style.TEXT_MUTED,
            )
        canvas.text(canvas.width - m - 18, base, change, style.HEADING_SIZE, tint, ha="right")
    if len(view.entries) > MAX_ROWS:
        canvas.text(
            m,
            canvas.height - FOOTER_H - 4,
            f"另有 {len(view.entries) - MAX_ROWS} 人未列出",
            style.SMALL_SIZE,
            style.TEXT_MUTED,
        )
    canvas.note(
        canvas.width / 2,
        canvas.height - 14,
        "maimai archive · 发送 /privacy public 加入排行",
        style.SMALL_SIZE,
    )
    return canvas.figure
