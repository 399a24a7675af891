"""The rating curve (/history): a step for every play's rating, snapshots in between, version
changes as vertical lines, an x axis that fits any span from an hour to years."""

from __future__ import annotations

import itertools
from datetime import timedelta

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from ..views.progress_views import RatingCurveView
from . import style
from .cards import HEADER_H, draw_footer, draw_header
from .draw import Canvas
from .history import _local, _plot_area, label_last

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
    ax = _plot_area(canvas, HEADER_H)
    # Concise labels at whatever scale the span needs (minutes for one visit, months for years).
    locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]  # matplotlib.dates is untyped
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    xs = [_local(p.at) for p in points]
    ys = [p.rating for p in points]
    low, high = min(ys), max(ys)
    pad = max(20, (high - low) * 0.12)
    ax.set_ylim(low - pad, high + pad)
    if xs[0] == xs[-1]:  # one moment: give the axis a width
        ax.set_xlim(xs[0] - timedelta(minutes=30), xs[0] + timedelta(minutes=30))  # type: ignore[arg-type]  # dates are fine
    bounds = sorted({b for b, _, _ in style.RATING_BANDS} | {100_000})
    for lo, hi in itertools.pairwise(bounds):
        if hi > low - pad and lo < high + pad:
            ax.axhspan(lo, hi, color=style.rating_colour(lo), alpha=0.12, linewidth=0, zorder=0)
    ax.step(xs, ys, where="post", color=style.ACCENT, zorder=3, linewidth=1.6)  # type: ignore[arg-type]
    play_pts = [(x, p.rating) for x, p in zip(xs, points, strict=True) if p.from_play]
    snap_pts = [(x, p.rating) for x, p in zip(xs, points, strict=True) if not p.from_play]
    if play_pts:
        px, py = zip(*play_pts, strict=True)
        ax.scatter(px, py, s=10, color=style.ACCENT, zorder=4, label="游玩后")
    if snap_pts:
        sx, sy = zip(*snap_pts, strict=True)
        ax.scatter(
            sx,
            sy,
            s=36,
            marker="D",
            facecolor="white",
            edgecolor=style.ACCENT,
            zorder=5,
            label="资料快照",
        )
    for mark in view.versions:
        x = _local(mark.at)
        ax.axvline(x, color=style.NEW_RECORD, linestyle="--", linewidth=1.2, zorder=2)  # type: ignore[arg-type]
        ax.annotate(
            mark.label,
            (x, high + pad * 0.6),
            textcoords="offset points",
            xytext=(4, 0),
            color=style.NEW_RECORD,
            fontsize=style.SMALL_SIZE,
            va="center",
        )
    label_last(ax, str(ys[-1]), (xs[-1], ys[-1]), style.ACCENT, 10)
    ax.legend(loc="lower right")
    ax.set_ylabel("DX Rating")
    draw_footer(
        canvas, "maimai archive · 每个点是一次有详情的游玩（游玩后的 Rating）或一次同步时的资料"
    )
    return canvas.figure
