"""Chart attempts (/history <song>, second image): plays, days, average and best, how long each
milestone took, and the judgement trend (GREAT / GOOD / MISS, fast / late) over the plays."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from matplotlib.figure import Figure

from ..game import format_achievement
from ..views.progress_views import ChartAttemptsView
from . import style
from .cards import HEADER_H, draw_footer, draw_header
from .draw import Canvas
from .plot import Plot, dates

WIDTH = 1200
HEIGHT = 760
STATS_H = 150


def chart_attempts_figure(view: ChartAttemptsView) -> Figure:
    canvas = Canvas(WIDTH, HEIGHT)
    draw_header(canvas, view.player, "谱面攻略记录", f"{view.plays} 次游玩 · {view.days} 天")
    m = style.MARGIN
    chart = view.chart
    canvas.chart_heading(chart, HEADER_H, WIDTH)
    y = HEADER_H + 36
    canvas.panel(m, y, WIDTH - 2 * m, STATS_H)
    cells = [
        ("游玩", f"{view.plays} 次"),
        ("平均", format_achievement(view.average)),
        ("最佳", format_achievement(view.best)),
    ]
    col = (WIDTH - 2 * m) / 4
    for i, (label, value) in enumerate(cells):
        canvas.text(m + 20 + i * col, y + 30, label, style.SMALL_SIZE, style.TEXT_MUTED)
        canvas.text(m + 20 + i * col, y + 62, value, 17, bold=True)
    mcol = (WIDTH - 2 * m - 40) / max(len(view.milestones), 1)
    for i, ms in enumerate(view.milestones):
        x = m + 20 + i * mcol
        canvas.text(x, y + 100, f"首次 {ms.label}", style.SMALL_SIZE, style.TEXT_MUTED)
        if ms.plays is None:
            canvas.text(x, y + 128, "尚未达成", style.BODY_SIZE, style.TEXT_MUTED)
        else:
            days = "当天" if ms.days == 0 else f"{ms.days} 天"
            canvas.text(x, y + 128, f"第 {ms.plays} 次 · {days}", style.BODY_SIZE, style.GOOD)
    top = y + STATS_H + 8
    if not view.judgements:
        canvas.note(
            WIDTH / 2, (top + HEIGHT) / 2, "这个谱面的游玩还没有详情（判定）", style.HEADING_SIZE
        )
        draw_footer(canvas, "maimai archive")
        return canvas.figure
    plot = Plot(canvas, top)
    xs = dates([p.at for p in view.judgements])
    for values, label, colour in (
        ([p.great for p in view.judgements], "GREAT", "#ff7b9c"),
        ([p.good for p in view.judgements], "GOOD", "#3fae49"),
        ([p.miss for p in view.judgements], "MISS", "#8d93a8"),
    ):
        plot.line(xs, values, colour, marker="o", size=4, label=label, zorder=3)
    fl = [
        (x, p.fast, p.late)
        for x, p in zip(xs, view.judgements, strict=True)
        if p.fast is not None and p.late is not None
    ]
    if fl:
        fx, fast, late = zip(*fl, strict=True)
        plot.line(np.array(fx), fast, "#3a86ff", dashed=True, label="FAST", zorder=2)
        plot.line(np.array(fx), late, "#fb5607", dashed=True, label="LATE", zorder=2)
    if len(xs) == 1:
        hour = timedelta(hours=1)
        start, end = dates([view.judgements[0].at - hour, view.judgements[0].at + hour])
        plot.x_lim = (start, end)
    plot.y.lo = 0
    plot.y.label = "个数"
    # Above the plot, in the panel's top margin: inside it would cover the lines' highs.
    plot.legend("above", pad=0.2)
    plot.draw()
    draw_footer(canvas, "maimai archive · 判定来自每次游玩的详情页")
    return canvas.figure
