"""Plate progress (/plate): done / total per difficulty, then the charts still missing, hardest
first, each with the score held on it. At most ``MAX_PAGES`` pages; the rest is counted."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..game import format_achievement
from ..views.progress_views import PlateMissing, PlateView
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas, _difficulty_label, pages_of

WIDTH = 1200
COUNTS_H = 64
COLUMNS = 3
ROW_H = 30
ROWS = 30  # per column and page
MAX_PAGES = 3


def plate_pages(view: PlateView) -> list[Figure]:
    per_page = COLUMNS * ROWS
    chunks = pages_of(view.missing, per_page)
    shown = chunks[:MAX_PAGES]
    hidden = len(view.missing) - sum(len(c) for c in shown)
    figures = []
    for page, chunk in enumerate(shown):
        rows = -(-len(chunk) // COLUMNS)
        top = HEADER_H + 8 + (COUNTS_H + 16 if page == 0 else 0)
        tail = 30 if page == len(shown) - 1 else 0
        height = top + 36 + max(rows, 1) * ROW_H + tail + 16 + FOOTER_H
        canvas = Canvas(WIDTH, int(height))
        when = f" · 截至 {view.as_of:%Y/%m/%d}" if view.as_of else ""
        pages = f" · 第 {page + 1}/{len(shown)} 页" if len(shown) > 1 else ""
        draw_header(
            canvas,
            view.player,
            f"{view.name} 进度 {view.done}/{view.total}",
            f"{view.goal}{when}{pages}",
        )
        if page == 0:
            _counts(canvas, view, HEADER_H + 8)
        m = style.MARGIN
        y = top
        left = (
            "全部完成！"
            if not view.missing
            else f"未完成 {len(view.missing)} 个谱面（按定数从高到低）"
        )
        canvas.text(m, y + 22, left, style.HEADING_SIZE)
        y += 36
        col_w = (canvas.width - 2 * m) / COLUMNS
        for i, item in enumerate(chunk):
            _item(canvas, item, m + (i // rows) * col_w, y + (i % rows) * ROW_H, col_w - 10)
        if tail and hidden:
            canvas.text(
                m,
                y + rows * ROW_H + 22,
                f"还有 {hidden} 个谱面未列出。",
                style.BODY_SIZE,
                style.TEXT_MUTED,
            )
        draw_footer(canvas, "maimai archive · 版本按歌曲数据的 from 字段；舞/霸者含 Re:MASTER")
        figures.append(canvas.figure)
    return figures


def _counts(canvas: Canvas, view: PlateView, y: float) -> None:
    m = style.MARGIN
    w = canvas.width - 2 * m
    canvas.panel(m, y, w, COUNTS_H)
    cell = w / max(len(view.counts), 1)
    for i, count in enumerate(view.counts):
        x = m + 16 + i * cell
        colour = style.difficulty_colour(count.difficulty)
        canvas.text(
            x, y + 24, _difficulty_label(count.difficulty), style.SMALL_SIZE, style.TEXT_MUTED
        )
        canvas.text(x, y + 50, f"{count.done}/{count.total}", 15, bold=True)
        bar = cell - 130
        canvas.rect(x + 96, y + 40, bar, 8, style.PLACEHOLDER, zorder=2)
        if count.total:
            canvas.rect(x + 96, y + 40, bar * count.done / count.total, 8, colour, zorder=3)


def _item(canvas: Canvas, item: PlateMissing, x: float, y: float, w: float) -> None:
    chart = item.chart
    canvas.rect(x, y + 4, 5, ROW_H - 8, style.difficulty_colour(chart.difficulty), zorder=3)
    constant = (
        f"{chart.constant // 10}.{chart.constant % 10}"
        if chart.constant is not None
        else (chart.level or "?")
    )
    base = y + ROW_H / 2 + 5
    canvas.text(x + 12, base, constant, style.SMALL_SIZE, style.TEXT_MUTED)
    kind = "DX" if chart.type == "DX" else "SD"
    canvas.text(x + 44, base, kind, style.SMALL_SIZE, style.TEXT_MUTED)
    score = "未游玩" if item.achievement is None else format_achievement(item.achievement)
    lamps = " ".join(lbl for lbl in (style.fc_label(item.fc), style.fs_label(item.fs)) if lbl)
    right = f"{score} {lamps}".strip()
    used = canvas.text(
        x + w,
        base,
        right,
        style.SMALL_SIZE,
        style.ACCENT if item.achievement else style.TEXT_MUTED,
        ha="right",
    )
    canvas.text(x + 70, base, chart.title, style.SMALL_SIZE, max_width=w - 80 - used)
