"""``/fortune`` (今日舞萌): the day's luck, 宜 / 忌 and a chart to play, as one card."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..game import format_achievement, rank_for
from ..views.game_views import FortuneView
from . import style
from .draw import Canvas

WIDTH, HEIGHT = 760, 524
JACKET = 132
LUCK_COLOURS = {"大吉": "#e0402f", "中吉": "#ff8a00", "小吉": "#e0a100", "吉": "#2fa84f",
                "末吉": "#5b7fbf", "凶": "#6c7086"}  # fmt: skip


def fortune_figure(view: FortuneView) -> Figure:
    m = style.MARGIN
    canvas = Canvas(WIDTH, HEIGHT)
    canvas.rect(0, 0, WIDTH, 6, style.ACCENT)
    canvas.text(m, 46, f"今日舞萌 · {view.day:%Y/%m/%d}", style.TITLE_SIZE, bold=True)
    if view.name:
        canvas.text(WIDTH - m, 44, view.name, style.HEADING_SIZE, style.TEXT_MUTED, ha="right",
                    max_width=WIDTH * 0.35)  # fmt: skip

    y = 72
    canvas.panel(m, y, WIDTH - 2 * m, 216)
    colour = LUCK_COLOURS.get(view.luck, style.ACCENT)
    canvas.text(m + 100, y + 130, view.luck, 44, colour, ha="center", bold=True)
    left = m + 210
    canvas.line(left - 20, y + 20, left - 20, y + 196)
    row = y + 46
    for mark, lines, tone in (("宜", view.good, style.GOOD), ("忌", view.bad, style.BAD)):
        for what, why in lines:
            canvas.badge(left, row - 16, mark, tone, size=style.BODY_SIZE, height=24)
            cursor = left + 40 + canvas.text(left + 40, row, what, 14, bold=True)
            canvas.text(cursor + 12, row, why, style.BODY_SIZE, style.TEXT_MUTED,
                        max_width=WIDTH - m - 20 - cursor - 12)  # fmt: skip
            row += 44

    y += 216 + style.GAP
    h = HEIGHT - y - m
    canvas.panel(m, y, WIDTH - 2 * m, h)
    canvas.text(m + 20, y + 32, "今日推荐谱面", style.HEADING_SIZE, bold=True)
    chart = view.chart
    if chart is None:
        canvas.text(m + 20, y + 80, "曲库还没有加载好", style.BODY_SIZE, style.TEXT_MUTED)
        return canvas.figure
    jy = y + 48
    canvas.jacket(chart, m + 22, jy, JACKET)
    x = m + 22 + JACKET + 24
    width = WIDTH - m - 20 - x
    canvas.difficulty_badge(chart, x, jy + 2, size=style.BODY_SIZE)
    canvas.text(x, jy + 58, chart.title, 17, bold=True, max_width=width)
    canvas.text(x, jy + 90, view.reason, style.BODY_SIZE + 1, style.ACCENT, max_width=width)
    if view.best is not None:
        rank = rank_for(view.best).label
        canvas.text(x, jy + 122, f"你的成绩 {format_achievement(view.best)} {rank}",
                    style.BODY_SIZE + 1, style.TEXT_MUTED)  # fmt: skip
    return canvas.figure
