"""A time plot drawn as layer records: dates across, one or two value axes, series, legend.

Profiled (bench/README.md "## render"): with a real Axes, ~40 ms of a ~65 ms plot went to
tick objects (a Tick each with its lines, markers and texts, rebuilt at every draw), axis
layout and the Axes themselves (twice with a twin axis). Here matplotlib's locators and
formatters still choose the ticks and write their labels (they need no Axes), and what an
Axes would draw — frame, ticks, grid, labels, legend, lines, markers — becomes a few dozen
records in the canvas's layer. Sizes, pads, colours and margins are the style file's
rcParams, as an Axes would read them. Build a ``Plot``, add to it, then ``draw()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import numpy as np
from matplotlib import rcParams
from matplotlib.colors import to_hex, to_rgb, to_rgba
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num, num2date
from matplotlib.ticker import AutoLocator, Formatter, Locator, ScalarFormatter

from . import style
from .cards import FOOTER_H
from .draw import Canvas
from .layer import Box, Clip, Label, Markers, Polyline, label_metrics

_PT = style.DPI / 72  # points → px
# The concise date labels in the players' own terms (matplotlib's are English: "Nov",
# "2025-Nov-05"); by level: years, months, days, hours, minutes, seconds.
DATE_FORMATS = {
    "formats": ["%Y", "%m月", "%d日", "%H:%M", "%H:%M", "%S.%f"],
    "zero_formats": ["", "%Y", "%m月", "%m/%d", "%H:%M", "%H:%M"],
    "offset_formats": ["", "%Y", "%Y/%m", "%Y/%m/%d", "%Y/%m/%d", "%Y/%m/%d %H:%M"],
}
Record = Box | Label | Markers | Polyline


def dates(values: Sequence[datetime]) -> np.ndarray:
    """matplotlib's date numbers of the wall-clock times the views carry (the site's time,
    not UTC)."""
    naive = [v.replace(tzinfo=None) for v in values]
    return np.asarray(date2num(naive), dtype=float)  # type: ignore[no-untyped-call]  # matplotlib.dates is untyped


@dataclass(frozen=True)
class _Series:
    x: np.ndarray  # date numbers
    y: np.ndarray
    colour: str
    width: float  # line width in points; 0: markers only
    dashed: bool
    marker: str | None
    size: float  # marker size in points
    face: str
    label: str
    zorder: float
    right: bool  # on the right-hand value axis


@dataclass(frozen=True)
class _Note:
    x: float
    y: float
    text: str
    colour: str
    size: float
    dx: float  # points right of the point
    dy: float  # points above it
    ha: str
    va: str


@dataclass
class Axis:
    """A value axis: its ticks' locator and formatter, fixed ends (None: from the data, as
    an Axes autoscales), its label."""

    locator: Locator
    formatter: Formatter
    lo: float | None = None
    hi: float | None = None
    label: str = ""


@dataclass(frozen=True)
class _Scale:
    """Data → canvas px, linear: ``lo`` at ``a`` px, ``hi`` at ``b`` px."""

    lo: float
    hi: float
    a: float
    b: float

    def at(self, v: float) -> float:
        return self.a + (v - self.lo) * (self.b - self.a) / (self.hi - self.lo)

    def many(self, v: np.ndarray) -> np.ndarray:
        return self.a + (v - self.lo) * (self.b - self.a) / (self.hi - self.lo)


class Plot:
    """The plot area of a panel below ``top`` px; x in dates (``dates``)."""

    def __init__(
        self, canvas: Canvas, top: float, x_locator: AutoDateLocator | None = None
    ) -> None:
        m = style.MARGIN
        canvas.panel(m, top, canvas.width - 2 * m, canvas.height - top - FOOTER_H)
        self.canvas = canvas
        self.left, self.right = m + 70, canvas.width - m - 30
        self.top, self.bottom = top + 30, canvas.height - FOOTER_H - 50
        self.x_locator = x_locator or AutoDateLocator()  # type: ignore[no-untyped-call]
        self.x_lim: tuple[float, float] | None = None  # None: from the data
        self.y = Axis(AutoLocator(), ScalarFormatter())
        self.y2 = Axis(AutoLocator(), ScalarFormatter())  # used once a series is on it
        self.series: list[_Series] = []
        self.spans: list[tuple[float, float, str]] = []
        self.vlines: list[tuple[float, str, float]] = []
        self.notes: list[_Note] = []
        self.legend_loc: str | None = None
        self.legend_pad = rcParams["legend.borderaxespad"]

    # --- what to draw (data coordinates) ---------------------------------------------------

    def line(
        self,
        xs: np.ndarray,
        ys: Sequence[float] | np.ndarray,
        colour: str,
        width: float | None = None,
        *,
        dashed: bool = False,
        alpha: float = 1.0,
        marker: str | None = None,
        size: float | None = None,
        label: str = "",
        zorder: float = 2,
        right: bool = False,
    ) -> None:
        """A line through the points, markers on them if ``marker``; width and marker size
        default to the style's."""
        rgba = to_hex(to_rgba(colour, alpha), keep_alpha=True)
        width = rcParams["lines.linewidth"] if width is None else width
        size = rcParams["lines.markersize"] if size is None else size
        y = np.asarray(ys, dtype=float)
        self.series.append(
            _Series(xs, y, rgba, width, dashed, marker, size, rgba, label, zorder, right)
        )

    def scatter(
        self,
        xs: np.ndarray,
        ys: Sequence[float] | np.ndarray,
        colour: str,
        area: float,
        *,
        marker: str = "o",
        face: str | None = None,
        label: str = "",
        zorder: float = 1,
    ) -> None:
        """Markers of ``area`` pt² (``Axes.scatter``'s ``s``) edged in ``colour``, filled
        with ``face`` (default: the same)."""
        y = np.asarray(ys, dtype=float)
        size = float(np.sqrt(area))
        self.series.append(
            _Series(xs, y, colour, 0, False, marker, size, face or colour, label, zorder, False)
        )

    def hspan(self, lo: float, hi: float, colour: str, alpha: float) -> None:
        """A band across the plot (clipped to it), under everything: ``colour`` at ``alpha``
        over the panel."""
        self.spans.append((lo, hi, _over(colour, alpha, style.PANEL)))

    def vline(self, x: float, colour: str, width: float) -> None:
        """A dashed line from the bottom to the top; the x axis reaches it."""
        self.vlines.append((x, colour, width))

    def note(
        self,
        x: float,
        y: float,
        text: str,
        colour: str,
        offset: tuple[float, float],
        *,
        size: float = style.BODY_SIZE,
        ha: str = "left",
        va: str = "baseline",
    ) -> None:
        """Text ``offset`` points (right, up) from a data point, as ``Axes.annotate``."""
        self.notes.append(_Note(x, y, text, colour, size, *offset, ha, va))

    def legend(self, loc: str = "lower right", pad: float | None = None) -> None:
        """The labelled series: in the plot's ``lower right`` corner, or ``above`` it in one
        row ending at its right edge; ``pad`` from the plot in font sizes."""
        self.legend_loc = loc
        if pad is not None:
            self.legend_pad = pad

    # --- drawing ---------------------------------------------------------------------------

    def draw(self) -> None:
        """Everything above as layer records (call once, after adding everything)."""
        xs = [s.x for s in self.series] + [np.array([x for x, _, _ in self.vlines])]
        x_lo, x_hi = self.x_lim or _auto(xs, self.x_locator, rcParams["axes.xmargin"])
        sx = _Scale(x_lo, x_hi, self.left, self.right)
        sy = self._scale(self.y, [s.y for s in self.series if not s.right])
        right = [s.y for s in self.series if s.right]
        sy2 = self._scale(self.y2, right) if right else None
        for lo, hi, colour in self.spans:
            y0, y1 = (max(min(sy.at(v), self.bottom), self.top) for v in (hi, lo))
            if y1 > y0:
                self._add(Box(self.left, y0, self.right - self.left, y1 - y0, colour, None, 0), 0)
        self._frame(twin=sy2 is not None)
        self._x_axis(sx)
        self._y_axis(self.y, sy, -1)
        if sy2 is not None:
            self._y_axis(self.y2, sy2, 1)
        # What lies in the plot is clipped to it, as an Axes clips; a note whose point lies
        # outside is not drawn (``annotate``'s default).
        area = (self.left, self.top, self.right, self.bottom)
        for x, colour, width in self.vlines:
            xy = np.array([[sx.at(x), self.bottom], [sx.at(x), self.top]])
            self._add(Polyline(xy, colour, width, _dashes(width), clip=area), 2)
        for s in self.series:
            scale = sy2 if s.right and sy2 else sy
            xy = np.column_stack([sx.many(s.x), scale.many(s.y)])
            self._series(s, xy, xy, s.label, s.zorder, area)
        for n in self.notes:
            x, y = sx.at(n.x), sy.at(n.y)
            if self.left <= x <= self.right and self.top <= y <= self.bottom:
                at = (x + n.dx * _PT, y - n.dy * _PT)
                self._add(Label(*at, n.text, n.size, n.colour, n.ha, n.va, False), 3)
        if self.legend_loc:
            self._legend()

    def _scale(self, axis: Axis, values: list[np.ndarray]) -> _Scale:
        lo, hi = _auto(values, axis.locator, rcParams["axes.ymargin"])
        lo = lo if axis.lo is None else axis.lo
        hi = hi if axis.hi is None else axis.hi
        return _Scale(lo, hi, self.bottom, self.top)

    def _add(self, item: Record, zorder: float) -> None:
        """At an Axes zorder (0 bands … 5 legend): above the panel (layer zorder 1) and
        below the canvas's own text (4)."""
        self.canvas.layer.add(item, 1 + (zorder + 1) / 10)

    def _series(
        self,
        s: _Series,
        xy: np.ndarray,
        marks: np.ndarray,
        label: str,
        zorder: float,
        clip: Clip | None = None,
    ) -> None:
        """The line through ``xy`` and markers at ``marks`` (a legend sample has one)."""
        if s.width:
            dashes = _dashes(s.width) if s.dashed else None
            self._add(Polyline(xy, s.colour, s.width, dashes, label, clip), zorder)
        if s.marker:
            self._add(Markers(marks, s.marker, s.size, s.face, s.colour, label, clip), zorder)

    def _frame(self, twin: bool) -> None:
        """The spines the style shows (and the right one for a second axis)."""
        lt, lb = (self.left, self.top), (self.left, self.bottom)
        rt, rb = (self.right, self.top), (self.right, self.bottom)
        sides = {"left": (lt, lb), "bottom": (lb, rb), "top": (lt, rt), "right": (rt, rb)}
        for side, ends in sides.items():
            if _rc(f"axes.spines.{side}") or (side == "right" and twin):
                look = _rc("axes.edgecolor"), _rc("axes.linewidth")
                self._add(Polyline(np.array(ends), *look), 2.5)

    def _x_axis(self, sx: _Scale) -> None:
        """Date ticks, their labels, and the date the labels leave out under the last."""
        formatter = ConciseDateFormatter(self.x_locator, **DATE_FORMATS)  # type: ignore[no-untyped-call]
        values = self.x_locator.tick_values(num2date(sx.lo), num2date(sx.hi))  # type: ignore[no-untyped-call]
        labels = formatter.format_ticks(values)  # type: ignore[no-untyped-call]
        reach, size = _reach("x"), _rc("xtick.labelsize")
        under = self.bottom + reach
        for value, text in _visible(values, labels, sx):
            x = sx.at(value)
            self._tick(
                "x", np.array([[x, self.bottom], [x, self.bottom + _rc("xtick.major.size") * _PT]])
            )
            self._grid(np.array([[x, self.bottom], [x, self.top]]))
            self._tick_label("x", x, self.bottom + reach, text, "center", "top")
            _, ascent, descent = label_metrics(text, size, style.DPI)
            under = max(under, self.bottom + reach + ascent + descent)
        offset = formatter.get_offset()  # type: ignore[no-untyped-call]
        if offset:  # e.g. "2025-Nov-22" under hours
            self._tick_label("x", self.right, under + 3 * _PT, offset, "right", "top")

    def _y_axis(self, axis: Axis, scale: _Scale, side: int) -> None:
        """Ticks, their labels and the axis label on the left (``side`` -1, with the grid)
        or on the right (1)."""
        edge = self.left if side < 0 else self.right
        values = np.asarray(axis.locator.tick_values(scale.lo, scale.hi), dtype=float)
        axis.formatter.create_dummy_axis()  # the view a ScalarFormatter picks digits for
        axis.formatter.axis.set_view_interval(scale.lo, scale.hi)  # type: ignore[union-attr]
        labels = axis.formatter.format_ticks(list(values))
        reach, length = _reach("y"), _rc("ytick.major.size") * _PT
        ha = "right" if side < 0 else "left"
        widest = 0.0
        for value, text in _visible(values, labels, scale):
            y = scale.at(value)
            self._tick("y", np.array([[edge, y], [edge + side * length, y]]))
            if side < 0:
                self._grid(np.array([[self.left, y], [self.right, y]]))
            self._tick_label("y", edge + side * reach, y, text, ha, "center_baseline")
            widest = max(widest, label_metrics(text, _rc("ytick.labelsize"), style.DPI)[0])
        offset = axis.formatter.get_offset()
        if offset:  # a ScalarFormatter's common offset, over the axis
            self._tick_label("y", edge, self.top - 3 * _PT, offset, ha, "bottom")
        if axis.label:
            x = edge + side * (reach + widest + _rc("axes.labelpad") * _PT)
            va = "bottom" if side < 0 else "top"  # reads upwards, its foot towards the plot
            mid = (self.top + self.bottom) / 2
            size, colour = _rc("axes.labelsize"), _rc("axes.labelcolor")
            self._add(Label(x, mid, axis.label, size, colour, "center", va, False, 90), 2.5)

    def _tick(self, which: str, xy: np.ndarray) -> None:
        look = Polyline(xy, _rc(f"{which}tick.color"), _rc(f"{which}tick.major.width"))
        self._add(look, 2.5)

    def _tick_label(self, which: str, x: float, y: float, text: str, ha: str, va: str) -> None:
        size, colour = _rc(f"{which}tick.labelsize"), _rc(f"{which}tick.color")
        self._add(Label(x, y, text, size, colour, ha, va, False), 2.5)

    def _grid(self, xy: np.ndarray) -> None:
        self._add(Polyline(xy, _rc("grid.color"), _rc("grid.linewidth")), 0.5)

    def _legend(self) -> None:
        """Laid out as matplotlib's Legend, with the style's spacing (in font sizes)."""
        entries = [s for s in self.series if s.label]
        if not entries:
            return
        size = _rc("legend.fontsize")
        fs = size * _PT
        metrics = [label_metrics(s.label, size, style.DPI) for s in entries]
        height = max(a + d for _, a, d in metrics)
        handle = _rc("legend.handlelength") * fs
        gap = _rc("legend.handletextpad") * fs
        inset = (self.legend_pad + _rc("legend.borderpad")) * fs
        widths = [handle + gap + w for w, _, _ in metrics]
        if self.legend_loc == "above":  # one row; its bottom edge just over the plot's top
            spacing = _rc("legend.columnspacing") * fs
            x = self.right - inset - sum(widths) - spacing * (len(widths) - 1)
            lefts = [x + sum(widths[:i]) + spacing * i for i in range(len(widths))]
            places = [(left, self.top - inset) for left in lefts]
        else:  # one column in the lower right corner, the first entry on top
            x = self.right - inset - max(widths)
            pitch = height + _rc("legend.labelspacing") * fs
            places = [
                (x, self.bottom - inset - (len(entries) - 1 - i) * pitch)
                for i in range(len(entries))
            ]
        for s, (x, bottom) in zip(entries, places, strict=True):
            mid = bottom - height / 2
            sample = np.array([[x, mid], [x + handle, mid]])
            self._series(s, sample, sample.mean(axis=0, keepdims=True), "", 5)
            colour = _rc("text.color")
            self._add(
                Label(x + handle + gap, bottom, s.label, size, colour, "left", "bottom", False), 5
            )


def _rc(key: str) -> Any:
    """A style setting by a composed name (matplotlib's stubs type only literal names)."""
    return cast("Mapping[str, Any]", rcParams)[key]


def _reach(which: str) -> float:
    """px from the axis line to its tick labels: the tick and the pad after it."""
    return float(_rc(f"{which}tick.major.size") + _rc(f"{which}tick.major.pad")) * _PT


def _auto(values: list[np.ndarray], locator: Locator, margin: float) -> tuple[float, float]:
    """An Axes' automatic limits: the data's, widened if empty or a single value (as the
    locator widens them), plus the style's margin on each side."""
    data = np.concatenate(values) if values else np.empty(0)
    if not len(data):
        return 0.0, 1.0
    lo, hi = locator.nonsingular(float(data.min()), float(data.max()))
    pad = (hi - lo) * margin
    return lo - pad, hi + pad


def _visible(values: np.ndarray, labels: list[str], scale: _Scale) -> list[tuple[float, str]]:
    """The ticks inside the view (a locator also returns one past each end)."""
    slack = abs(scale.hi - scale.lo) * 1e-9
    lo, hi = scale.lo - slack, scale.hi + slack
    return [(float(v), t) for v, t in zip(values, labels, strict=True) if lo <= v <= hi]


def _dashes(width: float) -> tuple[float, ...]:
    """matplotlib's "--": the style's dash pattern, scaled by the line width."""
    return tuple(d * width for d in _rc("lines.dashed_pattern"))


def _over(colour: str, alpha: float, below: str) -> str:
    """``colour`` at ``alpha`` over the opaque ``below``, as one opaque colour: the same
    pixels, and Agg copies an opaque span where it would blend each pixel (~1 ms a band)."""
    top, under = to_rgb(colour), to_rgb(below)
    r, g, b = (alpha * t + (1 - alpha) * u for t, u in zip(top, under, strict=True))
    return to_hex((r, g, b))
