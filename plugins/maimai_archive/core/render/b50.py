"""The B50 (``/b50``): best 35 of older versions + best 15 of the current one, each rated."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..game import format_achievement
from ..views.play_views import B50Tile, B50View
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas

COLUMNS = 5
TILE_W = 220
TILE_H = 92
SECTION_HEAD = 44
NOTE_H = 24  # the line under the header when bests were left out


def b50_figure(view: B50View) -> Figure:
    m, gap = style.MARGIN, style.GAP
    width = 2 * m + COLUMNS * TILE_W + (COLUMNS - 1) * gap

    def rows(n: int) -> int:
        return max(1, -(-n // COLUMNS))

    note = view.unrated_note
    height = (
        HEADER_H
        + (NOTE_H if note else 0)
        + 2 * SECTION_HEAD
        + (rows(len(view.old)) + rows(len(view.new))) * (TILE_H + gap)
        + gap
        + FOOTER_H
    )
    canvas = Canvas(width, height)
    when = "当前" if view.as_of is None else f"{view.as_of:%Y/%m/%d} 时"
    draw_header(
        canvas,
        view.player,
        f"B50 · {view.total}",
        f"{when} · 旧版本 {view.old_total} + 新版本 {view.new_total}",
    )
    y = HEADER_H
    if note:  # else the total differs from the player's rating with no reason given
        canvas.text(m, y + 14, note, style.BODY_SIZE, style.TEXT_MUTED)
        y += NOTE_H
    for name, entries, total in (
        ("旧版本 B35", view.old, view.old_total),
        ("新版本 B15", view.new, view.new_total),
    ):
        canvas.text(m, y + 30, name, style.HEADING_SIZE, bold=True)
        canvas.text(
            width - m, y + 30, f"合计 {total}", style.HEADING_SIZE, style.ACCENT, ha="right"
        )
        y += SECTION_HEAD
        if not entries:
            canvas.panel(m, y, width - 2 * m, TILE_H)
            canvas.note(width / 2, y + TILE_H / 2 + 6, "没有成绩")
        for i, entry in enumerate(entries):
            col, row = i % COLUMNS, i // COLUMNS
            _tile(canvas, entry, i + 1, m + col * (TILE_W + gap), y + row * (TILE_H + gap))
        y += rows(len(entries)) * (TILE_H + gap) + gap
    draw_footer(canvas, "maimai archive · Rating = 定数 × 达成率 × 系数（取整）")
    return canvas.figure


def _tile(canvas: Canvas, e: B50Tile, rank_no: int, x: float, y: float) -> None:
    chart = e.chart
    colour = style.difficulty_colour(chart.difficulty)
    canvas.panel(x, y, TILE_W, TILE_H)
    canvas.rect(x, y + 8, 4, TILE_H - 16, colour, zorder=3)
    size = 64
    canvas.jacket(chart, x + 14, y + 14, size)
    left = x + 14 + size + 10
    inner = x + TILE_W - 8 - left
    canvas.text(left, y + 24, chart.title, style.SMALL_SIZE + 1, max_width=inner)
    canvas.text(left, y + 48, format_achievement(e.achievement), 12, bold=True)
    canvas.rank(x + TILE_W - 10, y + 48, e.rank, style.SMALL_SIZE + 1, ha="right")
    const = "—" if chart.constant is None else f"{chart.constant // 10}.{chart.constant % 10}"
    canvas.text(
        left, y + 70, f"{const} → {e.rating}", style.SMALL_SIZE + 1, style.ACCENT, bold=True
    )
    lamps = " ".join(filter(None, (style.fc_label(e.fc), style.fs_label(e.fs))))
    canvas.text(x + TILE_W - 10, y + 70, lamps, style.SMALL_SIZE - 1, style.TEXT_MUTED, ha="right")
    # The bottom-right corner, under the lamps, is the one free spot (under the jacket the
    # number sat on its frame and on the tile's edge).
    canvas.text(x + TILE_W - 10, y + TILE_H - 7, f"#{rank_no}", 7, style.TEXT_MUTED, ha="right")
