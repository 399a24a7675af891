"""One artist that draws everything a ``Canvas`` holds: boxes, lines, jackets and text.

Profiled (bench/README.md "## render"): with one matplotlib artist per panel, label and jacket,
building and laying out the artists cost more than drawing them — a ``Text`` resolves its
fonts and lays itself out, every artist gets a clip path, an image is resampled even at 1:1.
A layer keeps plain records and draws them itself, in zorder, straight to the Agg renderer:
boxes and lines as paths, jackets as pixels at their drawn size, text as Pillow-rasterised
strings (``pil_text``). Coordinates are the canvas's pixels, y growing downwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import rcParams
from matplotlib.artist import Artist
from matplotlib.colors import to_rgba
from matplotlib.font_manager import FontProperties
from matplotlib.patches import BoxStyle
from matplotlib.path import Path

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


Item = Box | Line | Pixels | Label


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
        faces = faces_for(FontProperties(family=rcParams["font.family"]))
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
            elif isinstance(item, Pixels):
                x, y = to_display.transform((item.x, item.y + item.rgba.shape[0]))
                renderer.draw_image(gc, round(x), round(y), item.rgba[::-1])
            else:
                self._draw_label(renderer, gc, item, faces, to_display)
            gc.restore()
        self.stale = False

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
        faces = faces_for(FontProperties(family=rcParams["font.family"]))
        out: list[tuple[str, tuple[float, float, float, float]]] = []
        for _, item in self.items:
            if not isinstance(item, Label):
                continue
            x, baseline, _, _, _, px, stroke = _place(item, faces, dpi)
            mask, left_edge, mask_baseline = text_mask(item.text, faces, px, stroke)
            rows, cols = np.nonzero(mask)
            if len(cols):
                left, top = x - left_edge, baseline - mask_baseline
                x0, y0 = float(left + cols.min()), float(top + rows.min())
                x1, y1 = float(left + cols.max() + 1), float(top + rows.max() + 1)
                out.append((item.text, (x0, y0, x1, y1)))
        return out

    def _draw_label(
        self, renderer: Any, gc: Any, label: Label, faces: Any, to_display: Any
    ) -> None:
        warn_missing(label.text, faces)
        x, baseline, _, _, _, px, stroke = _place(label, faces, renderer.dpi)
        mask, left_edge, mask_baseline = text_mask(label.text, faces, px, stroke)
        dx, dy = to_display.transform((x, baseline))
        row = renderer.height - dy  # Agg's text bitmaps are placed in rows from the top
        gc.set_foreground(label.colour)
        left = round(dx) - left_edge
        bottom = round(row) - mask_baseline + mask.shape[0]
        renderer._renderer.draw_text_image(mask, left, bottom, 0, gc)


def _place(
    label: Label, faces: Any, dpi: float
) -> tuple[float, float, float, float, float, int, float]:
    """Where a label's line starts and its baseline, its width, ascent and descent, and the
    pixel size and stroke it is drawn at. Aligned as matplotlib's Text aligns (ascent and
    descent at least those of "lp")."""
    px = max(1, round(label.size * dpi / 72))
    stroke = round(px / 28, 1) if label.bold else 0.0
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
