"""One chart's plays over time (`/history <song>`); the rating curve is in curve.py."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..views.play_views import ChartHistoryView
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas
from .plot import Plot, dates

WIDTH = 1200
HEIGHT = 720
HALF_HOUR = 1 / 48  # in date numbers (days)


def chart_history_figure(view: ChartHistoryView) -> Figure:
    canvas = Canvas(WIDTH, HEIGHT)
    chart = view.chart
    points = view.points
    subtitle = f"{len(points)} 次游玩" if points else ""
    draw_header(canvas, view.player, "谱面历史", subtitle)
    top = HEADER_H + 44
    canvas.chart_heading(chart, HEADER_H, WIDTH)
    if not points:
        m = style.MARGIN
        canvas.panel(m, top, canvas.width - 2 * m, canvas.height - top - FOOTER_H)
        middle = (top + canvas.height) / 2
        canvas.note(canvas.width / 2, middle, "这个谱面还没有存档的游玩", style.HEADING_SIZE)
        draw_footer(canvas, "maimai archive")
        return canvas.figure
    plot = Plot(canvas, top)
    xs = dates([p.at for p in points])
    if len(set(xs)) == 1:  # one moment: an hour around it, not the locator's four years
        plot.x_lim = (xs[0] - HALF_HOUR, xs[0] + HALF_HOUR)
    ys = [p.achievement / 10_000 for p in points]
    colour = style.difficulty_colour(chart.difficulty)
    plot.line(xs, ys, colour, marker="o", size=5, zorder=3, label="达成率")
    best = [i for i, p in enumerate(points) if p.best]
    if best:
        by = [ys[i] for i in best]
        plot.scatter(xs[best], by, style.NEW_RECORD, 120, marker="*", zorder=5, label="刷新最佳")
        label_last(plot, f"{by[-1]:.4f}%", (xs[best[-1]], by[-1]), style.NEW_RECORD, 12)
    low, high = min(ys), max(ys)
    pad = max(0.2, (high - low) * 0.1)
    plot.y.lo, plot.y.hi = low - pad, high + pad
    plot.y.formatter = FuncFormatter(lambda v, _: f"{v:.2f}%")
    plot.y.label = "达成率"
    dx = [(i, p.dx_score) for i, p in enumerate(points) if p.dx_score is not None]
    if dx:  # on a second value axis, at the right
        at, scores = zip(*dx, strict=True)
        muted = style.TEXT_MUTED
        dot = "o" if len(scores) == 1 else None  # one score is a point, not a line
        plot.line(
            xs[list(at)], scores, muted, 1.2, dashed=True, alpha=0.7, marker=dot, size=4,
            label="DX 分数", right=True,
        )  # fmt: skip
        plot.y2.label = "DX 分数"
    plot.legend()
    plot.draw()
    draw_footer(canvas, "maimai archive · 每个点是一次存档的游玩")
    return canvas.figure


def label_last(plot: Plot, text: str, at: tuple[float, float], colour: str, above: float) -> None:
    """The last point's value written ``above`` points over it."""
    plot.note(*at, text, colour, (0, above), ha="center")
