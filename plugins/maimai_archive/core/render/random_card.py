"""``/random`` (随个): one chart as a small card — jacket, title, level and constant, charter,
and the asker's best on it."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..game import format_achievement, rank_for
from ..views.game_views import RandomChartView
from . import style
from .draw import Canvas

WIDTH, HEIGHT = 900, 340
JACKET = 220
TOP = 64  # the strip above the card


def random_card_figure(view: RandomChartView) -> Figure:
    m = style.MARGIN
    canvas = Canvas(WIDTH, HEIGHT)
    canvas.rect(0, 0, WIDTH, 6, style.ACCENT)
    heading = "随个" + (f" · {view.asked}" if view.asked else "")
    canvas.text(m, 44, heading, style.HEADING_SIZE + 2, bold=True, max_width=WIDTH * 0.6)
    if view.player:
        canvas.text(WIDTH - m, 44, view.player, style.BODY_SIZE + 1, style.TEXT_MUTED, ha="right",
                    max_width=WIDTH * 0.3)  # fmt: skip

    y, h = TOP, HEIGHT - TOP - m
    chart = view.chart
    canvas.panel(m, y, WIDTH - 2 * m, h)
    canvas.rect(m, y + 12, 6, h - 24, style.difficulty_colour(chart.difficulty), zorder=3)
    jx, jy = m + 26, y + (h - JACKET) / 2
    canvas.jacket(chart, jx, jy, JACKET)

    left = jx + JACKET + 28
    width = WIDTH - m - 20 - left
    canvas.difficulty_badge(chart, left, y + 18, size=style.BODY_SIZE)
    canvas.text(WIDTH - m - 20, y + 34, f"id {view.song_id}", style.BODY_SIZE, style.TEXT_MUTED,
                ha="right")  # fmt: skip
    canvas.text(left, y + 82, chart.title, 20, bold=True, max_width=width)
    canvas.text(left, y + 112, view.artist or "—", style.BODY_SIZE + 1, style.TEXT_MUTED,
                max_width=width)  # fmt: skip
    facts = [f"谱师 {view.charter}", f"物量 {view.notes}"]
    if view.bpm:
        facts.append(f"BPM {view.bpm:g}")
    canvas.text(
        left, y + 140, " · ".join(facts), style.BODY_SIZE, style.TEXT_MUTED, max_width=width
    )
    canvas.line(left, y + 160, left + width, y + 160)
    _best(canvas, view, left, y + 204, width)
    return canvas.figure


def _best(canvas: Canvas, view: RandomChartView, x: float, y: float, width: float) -> None:
    best = view.best
    if best is None:
        words = "还没有玩过" if view.player else "绑定并同步后，这里显示你的成绩"
        canvas.text(x, y, words, 15, style.TEXT_MUTED)
    else:
        cursor = x + canvas.text(x, y, format_achievement(best.achievement), 22, bold=True)
        rank = rank_for(best.achievement)
        cursor += 12 + canvas.text(cursor + 12, y, rank.label, 18, style.rank_colour(rank),
                                   bold=True)  # fmt: skip
        for label, colour in (
            (style.fc_label(best.fc), style.fc_colour(best.fc)),
            (style.fs_label(best.fs), style.fs_colour(best.fs)),
        ):
            if label:
                cursor += 10 + canvas.badge(cursor + 10, y - 16, label, colour)
    if view.target is not None and view.gain is not None:
        rank = rank_for(view.target)
        canvas.text(
            x,
            y + 38,
            f"推到 {format_achievement(view.target)} {rank.label}：Rating +{view.gain}",
            style.BODY_SIZE + 2,
            style.GOOD,
            max_width=width,
        )
