"""A pixel canvas over one full-figure Axes: panels, badges, text, images, y growing downwards.

Layouts are easier to keep tidy in pixels than in figure fractions, and one Axes with plain
artists is much faster to draw than many nested axes. Call only inside a render.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle
from PIL import Image

from ..views.play_views import ChartRef
from . import style
from .base import new_figure

# Text size in points → pixels at the figure's dpi.
_PT = style.DPI / 72


def text_width(text: str, size: float) -> float:
    """Approximate drawn width in px: full-width characters ~1 em, others ~0.6 em. The CJK
    font draws the ambiguous-width symbols (★☆…—×·) full width too; letters stay narrow."""
    em = size * _PT
    return sum(em if _wide(ch) else 0.6 * em for ch in text)


@lru_cache(maxsize=4096)
def _wide(ch: str) -> bool:
    kind = unicodedata.east_asian_width(ch)
    return kind in "WF" or (kind == "A" and not ch.isalnum())


def fit(text: str, size: float, max_width: float) -> str:
    """The text, cut with "…" so that it fits ``max_width`` px."""
    if text_width(text, size) <= max_width:
        return text
    out = text
    while out and text_width(out + "…", size) > max_width:
        out = out[:-1]
    return out.rstrip() + "…"


@lru_cache(maxsize=256)
def _thumbnail(path: str, width: int, height: int) -> np.ndarray | None:
    """An image file scaled to cover ``width``×``height`` (cropped to fit), or None if unreadable."""
    try:
        with Image.open(path) as opened:
            img = opened.convert("RGB")
            scale = max(width / img.width, height / img.height)
            size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
            img = img.resize(size, Image.Resampling.LANCZOS)
            left, top = (img.width - width) // 2, (img.height - height) // 2
            return np.asarray(img.crop((left, top, left + width, top + height)))
    except OSError:
        return None


class Canvas:
    """A figure of ``width``×``height`` px with one Axes mapping data units to pixels."""

    def __init__(self, width: int, height: int, background: str = style.BACKGROUND) -> None:
        self.width = width
        self.height = height
        self.figure: Figure = new_figure(width, height)
        self.figure.patch.set_facecolor(background)
        ax = self.figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.set_axis_off()
        self.ax: Axes = ax

    # --- shapes ----------------------------------------------------------------------------

    def panel(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        colour: str = style.PANEL,
        edge: str | None = style.PANEL_EDGE,
        radius: float = style.CORNER,
        zorder: float = 1,
    ) -> None:
        box = FancyBboxPatch(
            (x + radius, y + radius),
            max(w - 2 * radius, 0.1),
            max(h - 2 * radius, 0.1),
            boxstyle=f"round,pad={radius}",
            facecolor=colour,
            edgecolor=edge or "none",
            linewidth=1 if edge else 0,
            zorder=zorder,
        )
        self.ax.add_patch(box)

    def rect(self, x: float, y: float, w: float, h: float, colour: str, zorder: float = 2) -> None:
        self.ax.add_patch(
            Rectangle((x, y), w, h, facecolor=colour, edgecolor="none", zorder=zorder)
        )

    def line(
        self, x0: float, y0: float, x1: float, y1: float, colour: str = style.PANEL_EDGE
    ) -> None:
        self.ax.plot([x0, x1], [y0, y1], color=colour, linewidth=1, zorder=2)

    # --- text ------------------------------------------------------------------------------

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = style.BODY_SIZE,
        colour: str = style.TEXT,
        ha: str = "left",
        va: str = "baseline",
        max_width: float | None = None,
        bold: bool = False,
        zorder: float = 4,
    ) -> float:
        """Draw text; returns its approximate width in px."""
        if max_width is not None:
            text = fit(text, size, max_width)
        # The CJK font ships one weight: a thin stroke of the same colour stands in for bold.
        effects = [patheffects.withStroke(linewidth=size / 14, foreground=colour)] if bold else None
        self.ax.text(
            x,
            y,
            text,
            fontsize=size,
            color=colour,
            ha=ha,
            va=va,
            zorder=zorder,
            path_effects=effects,
        )
        return text_width(text, size)

    def badge(
        self,
        x: float,
        y: float,
        text: str,
        colour: str,
        text_colour: str = style.TEXT_ON_COLOUR,
        size: float = style.SMALL_SIZE,
        height: float = 20,
        align: str = "left",
    ) -> float:
        """A rounded label whose top-left (or top-right) corner is (x, y); returns its width."""
        width = text_width(text, size) + 14
        left = x - width if align == "right" else x
        self.panel(
            left, y, width, height, colour=colour, edge=None, radius=height / 2 - 1, zorder=3
        )
        self.text(
            left + width / 2,
            y + height / 2,
            text,
            size,
            text_colour,
            ha="center",
            va="center_baseline",
        )
        return width

    # --- images ----------------------------------------------------------------------------

    def image(self, path: Path | None, x: float, y: float, w: float, h: float) -> bool:
        """Draw an image file cropped into the box; False (nothing drawn) when unreadable."""
        pixels = _thumbnail(str(path), int(w), int(h)) if path is not None else None
        if pixels is None:
            return False
        self.ax.imshow(pixels, extent=(x, x + w, y + h, y), zorder=3, interpolation="nearest")
        return True

    def jacket(self, chart: ChartRef, x: float, y: float, size: float) -> None:
        """The chart's cover, or a tidy placeholder in its difficulty colour."""
        colour = style.difficulty_colour(chart.difficulty)
        self.rect(x - 3, y - 3, size + 6, size + 6, colour, zorder=2)
        if self.image(chart.jacket, x, y, size, size):
            return
        self.rect(x, y, size, size, style.PLACEHOLDER, zorder=3)
        initial = chart.title.strip()[:1] or "♪"
        self.text(
            x + size / 2,
            y + size / 2,
            initial,
            size * 0.3,
            style.TEXT_MUTED,
            ha="center",
            va="center_baseline",
        )

    def difficulty_badge(
        self, chart: ChartRef, x: float, y: float, size: float = style.SMALL_SIZE
    ) -> float:
        """ "MASTER 13+ (13.7)" in the difficulty colour, then the chart type; returns width."""
        label = _difficulty_label(chart.difficulty)
        if chart.level:
            label += f" {chart.level}"
        if chart.constant is not None:
            label += f" ({chart.constant // 10}.{chart.constant % 10})"
        width = self.badge(
            x,
            y,
            label,
            style.difficulty_colour(chart.difficulty),
            style.difficulty_text_colour(chart.difficulty),
            size,
        )
        if chart.type in ("DX", "SD"):
            kind = "DX" if chart.type == "DX" else "标准"
            width += 6 + self.badge(x + width + 6, y, kind, "#4a4e69", size=size)
        return width


def _difficulty_label(code: str) -> str:
    from ..game import Difficulty

    try:
        return Difficulty(code).label
    except ValueError:
        return code


def stars(count: int) -> str:
    return "★" * count + "☆" * (5 - count) if count else ""


def format_dx(dx_score: int | None, dx_max: int | None) -> str:
    if dx_score is None:
        return "—"
    return f"{dx_score:,} / {dx_max:,}" if dx_max else f"{dx_score:,}"
