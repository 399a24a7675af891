"""One artist that draws everything a ``Canvas`` holds: boxes, lines, jackets and text.

Profiled (bench/README.md "## render"): with one matplotlib artist per panel, label and jacket,
building and laying out the artists cost more than drawing them — a ``Text`` resolves its
fonts and lays itself out, every artist gets a clip path, an image is resampled even at 1:1.
A layer keeps plain records and draws them itself, in zorder, straight to the Agg renderer:
boxes and lines as paths, polylines and markers (plots: ``plot.py``) with Agg's own path and
marker calls, jackets as pixels at their drawn size, text as Pillow-rasterised strings
(``pil_text``), upright or turned a quarter (axis labels). Coordinates are the canvas's
pixels, y growing downwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import rcParams
from matplotlib.artist import Artist
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.markers import MarkerStyle
from matplotlib.patches import BoxStyle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox

from .pil_text import faces_for, line_metrics, text_mask, warn_missing


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    colour: str
    edge: str | None
    radius: float


@dataclass(frozen=True, slots=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    colour: str


# A clip box in canvas px: left, top, right, bottom.
Clip = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True, eq=False)
class Polyline:
    xy: np.ndarray  # (n, 2) canvas px
    colour: str  # may carry alpha ("#rrggbbaa")
    width: float  # points, as a Line2D's linewidth
    dashes: tuple[float, ...] | None = None  # on/off lengths in points
    label: str = ""  # the series drawn ("" for frames, grids and legend samples)
    clip: Clip | None = None  # the plot area, as an Axes clips its lines


@dataclass(frozen=True, slots=True, eq=False)
class Markers:
    xy: np.ndarray  # (n, 2) canvas px: one marker at each
    marker: str  # a matplotlib marker code ("o", "D", "*")
    size: float  # points across, as a Line2D's markersize
    face: str
    edge: str  # drawn 1 pt wide (lines.markeredgewidth)
    label: str = ""
    clip: Clip | None = None


@dataclass(frozen=True, slots=True)
class Pixels:
    rgba: np.ndarray  # rows from the top
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    size: float  # points
    colour: str
    ha: str
    va: str
    bold: bool
    angle: int = 0  # 0, or 90: reads upwards (ha along the text, va across it)


Item = Box | Line | Polyline | Markers | Pixels | Label


class Layer(Artist):
    """Records drawn in zorder (stable: equal zorders in the order they were added)."""

    def __init__(self, height: int) -> None:
        super().__init__()
        self.height = height
        self.items: list[tuple[float, Item]] = []

    def add(self, item: Item, zorder: float) -> None:
        self.items.append((zorder, item))
        self.stale = True

    def draw(self, renderer: Any) -> None:
        if not self.get_visible():
            return
        faces = _faces()
        to_display = self.get_transform()
        for _, item in sorted(self.items, key=lambda entry: entry[0]):
            gc = renderer.new_gc()
            gc.set_antialiased(True)
            if isinstance(item, Box):
                self._draw_box(renderer, gc, item, to_display)
            elif isinstance(item, Line):
                path = Path([(item.x0, item.y0), (item.x1, item.y1)])
                gc.set_linewidth(1)
                gc.set_foreground(item.colour)
                renderer.draw_path(gc, path, to_display)
            elif isinstance(item, Polyline | Markers):
                if item.clip is not None:
                    corners = to_display.transform(np.reshape(item.clip, (2, 2)))
                    gc.set_clip_rectangle(Bbox(np.sort(corners, axis=0)))
                if isinstance(item, Polyline):
                    self._draw_polyline(renderer, gc, item, to_display)
                else:
                    self._draw_markers(renderer, gc, item, to_display)
            elif isinstance(item, Pixels):
                x, y = to_display.transform((item.x, item.y + item.rgba.shape[0]))
                renderer.draw_image(gc, round(x), round(y), item.rgba[::-1])
            else:
                self._draw_label(renderer, gc, item, faces)
            gc.restore()
        self.stale = False

    @staticmethod
    def _draw_polyline(renderer: Any, gc: Any, line: Polyline, to_display: Any) -> None:
        gc.set_linewidth(line.width)
        gc.set_foreground(line.colour)
        if line.dashes:
            gc.set_dashes(0, line.dashes)
            gc.set_capstyle(rcParams["lines.dash_capstyle"])
            gc.set_joinstyle(rcParams["lines.dash_joinstyle"])
        else:
            gc.set_capstyle(rcParams["lines.solid_capstyle"])
            gc.set_joinstyle(rcParams["lines.solid_joinstyle"])
        renderer.draw_path(gc, Path(line.xy), to_display)

    @staticmethod
    def _draw_markers(renderer: Any, gc: Any, markers: Markers, to_display: Any) -> None:
        marker = MarkerStyle(markers.marker)
        scale = renderer.points_to_pixels(markers.size)
        # The marker's own shape is in display pixels (y up): a star stays upright.
        shape = marker.get_transform() + Affine2D().scale(scale)
        gc.set_linewidth(rcParams["lines.markeredgewidth"])
        gc.set_foreground(markers.edge)
        at, face = Path(markers.xy), to_rgba(markers.face)
        renderer.draw_markers(gc, marker.get_path(), shape, at, to_display, face)

    @staticmethod
    def _draw_box(renderer: Any, gc: Any, box: Box, to_display: Any) -> None:
        if box.radius:
            r = box.radius
            inner = (box.x + r, box.y + r, max(box.w - 2 * r, 0.1), max(box.h - 2 * r, 0.1))
            path = BoxStyle.Round(pad=r)(*inner, 1)  # the last argument: mutation size
        else:
            x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
            path = Path([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], closed=True)
        gc.set_linewidth(1 if box.edge else 0)
        if box.edge:
            gc.set_foreground(box.edge)
        renderer.draw_path(gc, path, to_display, to_rgba(box.colour))

    def label_boxes(self, dpi: float) -> list[tuple[str, tuple[float, float, float, float]]]:
        """Each label's text and the box of its ink (x0, top, x1, bottom) in canvas pixels,
        placed as draw() places it (layout tests check what covers what)."""
        faces = _faces()
        out: list[tuple[str, tuple[float, float, float, float]]] = []
        for _, item in self.items:
            if not isinstance(item, Label):
                continue
            mask, left, top = _bitmap(item, faces, dpi)
            rows, cols = np.nonzero(mask)
            if len(cols):
                x0, y0 = float(left + cols.min()), float(top + rows.min())
                x1, y1 = float(left + cols.max() + 1), float(top + rows.max() + 1)
                out.append((item.text, (x0, y0, x1, y1)))
        return out

    @staticmethod
    def _draw_label(renderer: Any, gc: Any, label: Label, faces: Any) -> None:
        warn_missing(label.text, faces)
        mask, left, top = _bitmap(label, faces, renderer.dpi)
        # Canvas rows are display rows (the layer's transform only flips y): Agg places the
        # bitmap by its left column and its bottom row counted from the top.
        gc.set_foreground(label.colour)
        renderer._renderer.draw_text_image(mask, left, top + mask.shape[0], 0, gc)


def _faces() -> Any:
    return faces_for(FontProperties(family=rcParams["font.family"]))


def label_metrics(
    text: str, size: float, dpi: float, bold: bool = False
) -> tuple[float, float, float]:
    """(width, ascent, descent) in px of a label as the layer draws it (call inside a
    render: the fonts are the render's)."""
    return line_metrics(text, _faces(), *_px_stroke(size, dpi, bold))


def _px_stroke(size: float, dpi: float, bold: bool) -> tuple[int, float]:
    """The pixel size a label is drawn at, and its stroke (bold is a thin stroke)."""
    px = max(1, round(size * dpi / 72))
    return px, round(px / 28, 1) if bold else 0.0


def _bitmap(label: Label, faces: Any, dpi: float) -> tuple[np.ndarray, int, int]:
    """The label's coverage and the canvas pixel of its top-left corner."""
    x, baseline, _, _, _, px, stroke = _place(label, faces, dpi)
    mask, left_edge, mask_baseline = text_mask(label.text, faces, px, stroke)
    left, top = round(x) - left_edge, round(baseline) - mask_baseline
    if label.angle == 0:
        return mask, left, top
    if label.angle != 90:
        raise ValueError(f"labels turn by 0 or 90 degrees, not {label.angle}")
    # A quarter turn anticlockwise about the anchor: the text's (along, down) offsets from
    # it become (down, -along) on the canvas.
    along, down = left - label.x, top - label.y
    turned = np.ascontiguousarray(np.rot90(mask))
    return turned, round(label.x + down), round(label.y - along - mask.shape[1])


def _place(
    label: Label, faces: Any, dpi: float
) -> tuple[float, float, float, float, float, int, float]:
    """Where a label's line starts and its baseline, its width, ascent and descent, and the
    pixel size and stroke it is drawn at. Aligned as matplotlib's Text aligns (ascent and
    descent at least those of "lp")."""
    px, stroke = _px_stroke(label.size, dpi, label.bold)
    width, ascent, descent = line_metrics(label.text, faces, px, stroke)
    x = label.x - {"left": 0.0, "center": width / 2, "right": width}[label.ha]
    baseline = (
        label.y
        + {
            "baseline": 0.0,
            "center_baseline": ascent / 2,
            "center": (ascent - descent) / 2,
            "bottom": -descent,
            "top": ascent,
        }[label.va]
    )
    return x, baseline, width, ascent, descent, px, stroke
