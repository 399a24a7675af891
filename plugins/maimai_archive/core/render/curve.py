"""The rating curve (/history): a step for every play's rating, snapshots in between, version
changes as vertical lines, an x axis that fits any span from an hour to years."""

from __future__ import annotations

import itertools
from datetime import timedelta

import numpy as np
from matplotlib.cbook import pts_to_poststep
from matplotlib.dates import AutoDateLocator
from matplotlib.figure import Figure

from ..views.progress_views import RatingCurveView
from . import style
from .cards import HEADER_H, draw_footer, draw_header
from .draw import Canvas
from .history import label_last
from .plot import Plot, dates

WIDTH = 1200
HEIGHT = 720


def rating_curve_figure(view: RatingCurveView) -> Figure:
    canvas = Canvas(WIDTH, HEIGHT)
    points = view.points
    plays = sum(p.from_play for p in points)
    first, last = points[0].at, points[-1].at
    span = (
        f"{first:%Y/%m/%d %H:%M} — {last:%Y/%m/%d %H:%M}"
        if first.date() == last.date()
        else f"{first:%Y/%m/%d} — {last:%Y/%m/%d}"
    )
    draw_header(
        canvas,
        view.player,
        "Rating 变化",
        f"{span} · {plays} 次游玩 · {len(points) - plays} 次资料快照",
    )
    # Concise labels at whatever scale the span needs (minutes for one visit, months for years).
    locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]  # matplotlib.dates is untyped
    plot = Plot(canvas, HEADER_H, locator)
    xs = dates([p.at for p in points])
    ys = [p.rating for p in points]
    low, high = min(ys), max(ys)
    pad = max(20, (high - low) * 0.12)
    plot.y.lo, plot.y.hi = low - pad, high + pad
    plot.y.label = "DX Rating"
    if first == last:  # one moment: give the axis a width
        half = timedelta(minutes=30)
        start, end = dates([first - half, first + half])
        plot.x_lim = (start, end)
    bounds = sorted({b for b, _, _ in style.RATING_BANDS} | {100_000})
    for lo, hi in itertools.pairwise(bounds):
        if hi > low - pad and lo < high + pad:
            plot.hspan(lo, hi, style.rating_colour(lo), alpha=0.12)
    step_x, step_y = pts_to_poststep(xs, ys)
    plot.line(step_x, step_y, style.ACCENT, 1.6, zorder=3)
    from_play = np.array([p.from_play for p in points])
    if from_play.any():
        plot.scatter(
            xs[from_play], np.asarray(ys)[from_play], style.ACCENT, 10, zorder=4, label="游玩后"
        )
    if not from_play.all():
        plot.scatter(
            xs[~from_play],
            np.asarray(ys)[~from_play],
            style.ACCENT,
            36,
            marker="D",
            face="white",
            zorder=5,
            label="资料快照",
        )
    for mark, x in zip(view.versions, dates([m.at for m in view.versions]), strict=True):
        plot.vline(x, style.NEW_RECORD, 1.2)
        plot.note(
            x,
            high + pad * 0.6,
            mark.label,
            style.NEW_RECORD,
            (4, 0),
            size=style.SMALL_SIZE,
            va="center",
        )
    label_last(plot, str(ys[-1]), (xs[-1], ys[-1]), style.ACCENT, 10)
    plot.legend()
    plot.draw()
    draw_footer(
        canvas, "maimai archive · 每个点是一次有详情的游玩（游玩后的 Rating）或一次同步时的资料"
    )
    return canvas.figure
