"""What changed (``/diff``): new bests old → new, rating contribution, lamps, B50 moves."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from ..game import format_achievement
from ..views.play_views import ChartRef, DiffEntry, DiffView
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas, pages_of

WIDTH = 1200
ROW_H = 64
ROWS_PER_PAGE = 30
SUMMARY_H = 86
LEFT_ROW_H = 30


def diff_pages(view: DiffView) -> list[Figure]:
    """One figure per page of at most ``ROWS_PER_PAGE`` changed charts; the charts that left
    the B50 follow on the last page."""
    entries = view.entries
    chunks = pages_of(entries, ROWS_PER_PAGE)
    figures = []
    for page, chunk in enumerate(chunks, 1):
        last = page == len(chunks)
        left = view.left_b50 if last else ()
        left_h = (50 + LEFT_ROW_H * len(left)) if left else 0
        body_h = max(1, len(chunk)) * ROW_H + 20
        height = (
            HEADER_H
            + SUMMARY_H
            + style.GAP
            + body_h
            + (style.GAP + left_h if left else 0)
            + FOOTER_H
        )
        canvas = Canvas(WIDTH, height)
        subtitle = view.label + (f" · 第 {page}/{len(chunks)} 页" if len(chunks) > 1 else "")
        draw_header(canvas, view.player, "成绩变化", subtitle)
        _summary(canvas, view, HEADER_H)
        top = HEADER_H + SUMMARY_H + style.GAP
        _entries(canvas, chunk, top, body_h)
        if left:
            _left_b50(canvas, left, top + body_h + style.GAP, left_h)
        draw_footer(canvas, "maimai archive · 成绩变化")
        figures.append(canvas.figure)
    return figures


def _summary(canvas: Canvas, view: DiffView, y: float) -> None:
    m = style.MARGIN
    w = canvas.width - 2 * m
    canvas.panel(m, y, w, SUMMARY_H)
    before, after = view.rating_before, view.rating_after
    canvas.text(m + 20, y + 34, "Rating", style.BODY_SIZE, style.TEXT_MUTED)
    text = f"{_or_dash(before)}  →  {_or_dash(after)}"
    width = canvas.text(m + 20, y + 68, text, 22, bold=True)
    if before is not None and after is not None:
        delta = after - before
        colour = style.GOOD if delta > 0 else (style.BAD if delta < 0 else style.TEXT_MUTED)
        canvas.text(m + 40 + width, y + 68, f"{delta:+d}", 22, colour, bold=True)
    stats = [
        ("新成绩", len(view.entries)),
        ("新点灯", sum(e.new_lamp for e in view.entries)),
        ("进入 B50", sum(e.entered_b50 for e in view.entries)),
        ("新游玩", view.new_plays),
    ]
    for i, (label, value) in enumerate(stats):
        x = m + w - 20 - (len(stats) - 1 - i) * 130
        canvas.text(x, y + 34, label, style.BODY_SIZE, style.TEXT_MUTED, ha="right")
        canvas.text(x, y + 68, str(value), 20, style.ACCENT, ha="right", bold=True)


def _entries(canvas: Canvas, entries: Sequence[DiffEntry], y: float, h: float) -> None:
    m = style.MARGIN
    w = canvas.width - 2 * m
    canvas.panel(m, y, w, h)
    if not entries:
        canvas.note(canvas.width / 2, y + 44, "这段时间没有新的最佳成绩", style.HEADING_SIZE)
        return
    for i, entry in enumerate(entries):
        ry = y + 10 + i * ROW_H
        if i:
            canvas.line(m + 14, ry, m + w - 14, ry)
        _entry(canvas, entry, m + 16, ry, w - 32)


def _entry(canvas: Canvas, e: DiffEntry, x: float, y: float, w: float) -> None:
    canvas.rect(x, y + 10, 4, ROW_H - 20, style.difficulty_colour(e.chart.difficulty), zorder=3)
    canvas.difficulty_badge(e.chart, x + 14, y + 8, size=8)
    canvas.text(x + 14, y + 50, e.chart.title, 13, max_width=360)
    # achievement old → new
    ax = x + 400
    old = format_achievement(e.old_achievement) if e.old_achievement is not None else "首次"
    canvas.text(ax, y + 40, old, style.BODY_SIZE, style.TEXT_MUTED, ha="right")
    canvas.text(ax + 16, y + 40, "→", style.BODY_SIZE, style.TEXT_MUTED, ha="center")
    canvas.text(ax + 32, y + 40, format_achievement(e.new_achievement), 14, bold=True)
    # rating contribution
    rx = x + 690
    if e.new_rating is not None:
        old_r = 0 if e.old_rating is None else e.old_rating
        canvas.text(
            rx, y + 40, f"{_or_dash(e.old_rating)} → {e.new_rating}", style.BODY_SIZE, ha="right"
        )
        delta = e.new_rating - old_r
        colour = style.GOOD if delta > 0 else style.TEXT_MUTED
        canvas.text(rx + 12, y + 40, f"{delta:+d}", style.BODY_SIZE, colour, bold=True)
    # lamps and B50
    cursor = x + 770
    if e.new_lamp:
        for label, colour in (
            (style.fc_label(e.new_fc) if e.new_fc != e.old_fc else None, style.fc_colour(e.new_fc)),
            (style.fs_label(e.new_fs) if e.new_fs != e.old_fs else None, style.fs_colour(e.new_fs)),
        ):
            if label:
                cursor += canvas.badge(cursor, y + 26, label, colour) + 6
    if e.dx_gain:  # a best can rise by its DX score alone: say what changed
        canvas.text(cursor + 2, y + 41, f"DX +{e.dx_gain}", style.SMALL_SIZE, style.GOOD, bold=True)
    if e.entered_b50:
        canvas.badge(x + w, y + 26, "进入 B50", style.ACCENT, align="right")


def _left_b50(canvas: Canvas, charts: tuple[ChartRef, ...], y: float, h: float) -> None:
    m = style.MARGIN
    canvas.panel(m, y, canvas.width - 2 * m, h)
    canvas.text(m + 18, y + 32, "离开 B50", style.HEADING_SIZE, style.BAD, bold=True)
    for i, chart in enumerate(charts):
        ry = y + 40 + i * LEFT_ROW_H
        width = canvas.difficulty_badge(chart, m + 18, ry, size=8)
        canvas.text(m + 30 + width, ry + 15, chart.title, style.BODY_SIZE, max_width=700)


def _or_dash(value: int | None) -> str:
    return "—" if value is None else str(value)
