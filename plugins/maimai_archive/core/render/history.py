"""One chart's plays over time (`/history <song>`); the rating curve is in curve.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..views.play_views import ChartHistoryView
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas

WIDTH = 1200
HEIGHT = 720


def _local(at: datetime) -> datetime:
    """Plot the wall-clock time the view carries (the site's time), not UTC."""
    return at.replace(tzinfo=None)


def _plot_area(canvas: Canvas, top: float) -> Axes:
    """A real Axes over the panel below ``top`` px (figure fractions from pixels)."""
    m = style.MARGIN
    canvas.panel(m, top, canvas.width - 2 * m, canvas.height - top - FOOTER_H)
    left, right = m + 70, canvas.width - m - 30
    bottom_px, top_px = canvas.height - FOOTER_H - 50, top + 30
    ax = canvas.figure.add_axes(
        (
            left / canvas.width,
            1 - bottom_px / canvas.height,
            (right - left) / canvas.width,
            (bottom_px - top_px) / canvas.height,
        )
    )
    ax.set_zorder(2)  # above the canvas layer (zorder 1) that holds its panel
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]  # matplotlib.dates is untyped
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    return ax


def _empty(canvas: Canvas, top: float, text: str) -> None:
    m = style.MARGIN
    canvas.panel(m, top, canvas.width - 2 * m, canvas.height - top - FOOTER_H)
    canvas.text(
        canvas.width / 2,
        (top + canvas.height) / 2,
        text,
        style.HEADING_SIZE,
        style.TEXT_MUTED,
        ha="center",
    )


def chart_history_figure(view: ChartHistoryView) -> Figure:
    canvas = Canvas(WIDTH, HEIGHT)
    chart = view.chart
    points = view.points
    subtitle = f"{len(points)} 次游玩" if points else ""
    draw_header(canvas, view.player, "谱面历史", subtitle)
    top = HEADER_H + 44
    canvas.chart_heading(chart, HEADER_H, WIDTH)
    if not points:
        _empty(canvas, top, "这个谱面还没有存档的游玩")
        draw_footer(canvas, "maimai archive")
        return canvas.figure
    ax = _plot_area(canvas, top)
    xs = [_local(p.at) for p in points]
    ys = [p.achievement / 10_000 for p in points]
    colour = style.difficulty_colour(chart.difficulty)
    ax.plot(xs, ys, color=colour, marker="o", markersize=5, zorder=3, label="达成率")  # type: ignore[arg-type]
    best = [(_local(p.at), p.achievement / 10_000) for p in points if p.best]
    if best:
        bx, by = zip(*best, strict=True)
        ax.scatter(bx, by, s=120, marker="*", color=style.NEW_RECORD, zorder=5, label="刷新最佳")
        label_last(ax, f"{by[-1]:.4f}%", (bx[-1], by[-1]), style.NEW_RECORD, 12)
    low, high = min(ys), max(ys)
    pad = max(0.2, (high - low) * 0.1)
    ax.set_ylim(low - pad, high + pad)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2f}%"))
    dx = [(_local(p.at), p.dx_score) for p in points if p.dx_score is not None]
    if dx:
        ax2 = ax.twinx()
        dxs, dys = zip(*dx, strict=True)
        ax2.plot(
            dxs,
            dys,
            color=style.TEXT_MUTED,
            linestyle="--",
            linewidth=1.2,
            alpha=0.7,
            label="DX 分数",
        )
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        ax2.set_ylabel("DX 分数")
        handles = ax.get_legend_handles_labels()
        extra = ax2.get_legend_handles_labels()
        ax.legend(handles[0] + extra[0], handles[1] + extra[1], loc="lower right")
    else:
        ax.legend(loc="lower right")
    ax.set_ylabel("达成率")
    draw_footer(canvas, "maimai archive · 每个点是一次存档的游玩")
    return canvas.figure


def label_last(ax: Axes, text: str, at: tuple[Any, float], colour: str, above: float) -> None:
    """The last point's value written ``above`` points over it."""
    ax.annotate(
        text,
        at,
        textcoords="offset points",
        xytext=(0, above),
        ha="center",
        color=colour,
        fontsize=style.BODY_SIZE,
    )
