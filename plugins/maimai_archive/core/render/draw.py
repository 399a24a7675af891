"""A pixel canvas over one full-figure Axes: panels, badges, text, images, y growing downwards.

Layouts are easier to keep tidy in pixels than in figure fractions. Everything the canvas
draws is a record in one ``Layer`` artist (layer.py: far cheaper than an artist each); time
plots are layer records too (plot.py); a sparkline uses ``canvas.ax``, drawn above the layer.
Call only inside a render.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D
from PIL import Image

from ..views.play_views import ChartRef
from . import style
from .engine import new_figure
from .layer import Box, Label, Layer, Line, Pixels

T = TypeVar("T")

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
    """An image file scaled to cover ``width``×``height`` (cropped to fit) as RGBA pixels, or
    None if unreadable. Scaled once: kept in memory, and as a file beside the cover
    (``<covers>/thumbs/``) for the next process."""
    source = Path(path)
    thumb = source.parent / "thumbs" / f"{source.stem}-{width}x{height}.png"
    try:
        if thumb.is_file() and thumb.stat().st_mtime >= source.stat().st_mtime:
            with Image.open(thumb) as cached:
                if cached.size == (width, height):
                    return np.asarray(cached.convert("RGBA"))
        with Image.open(source) as opened:
            img = opened.convert("RGB")
    except OSError:
        return None
    scale = max(width / img.width, height / img.height)
    size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
    img = img.resize(size, Image.Resampling.LANCZOS)
    left, top = (img.width - width) // 2, (img.height - height) // 2
    img = img.crop((left, top, left + width, top + height))
    _keep(img, thumb)
    return np.asarray(img.convert("RGBA"))


def _keep(img: Image.Image, thumb: Path) -> None:
    """Write the thumbnail (atomically: another render process may read it); a folder we
    cannot write to only costs the next process a resize."""
    try:
        thumb.parent.mkdir(exist_ok=True)
        partial = thumb.with_name(f".{thumb.name}.{os.getpid()}")
        img.save(partial, format="PNG", compress_level=1)
        os.replace(partial, thumb)
    except OSError:
        pass


def pages_of(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """The items a page each of at most ``size``; one empty page when there are none."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [()]


class Canvas:
    """A figure of ``width``×``height`` px with one Axes mapping data units to pixels."""

    def __init__(self, width: int, height: int, background: str = style.BACKGROUND) -> None:
        self.width = width
        self.height = height
        self.figure: Figure = new_figure(width, height)
        self.figure.patch.set_facecolor(background)
        # The layer sits on the figure itself: no Axes (with its axis objects) to build.
        self.layer = Layer(height)
        self.layer.set_zorder(1)
        self.layer.set_transform(Affine2D.from_values(1, 0, 0, -1, 0, height))  # y down → up
        self.figure.add_artist(self.layer)
        self._ax: Axes | None = None

    @property
    def ax(self) -> Axes:
        """A full-figure Axes in the same pixels, drawn above the layer (made on first use)."""
        if self._ax is None:
            ax = self.figure.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, self.width)
            ax.set_ylim(self.height, 0)
            ax.set_axis_off()
            ax.set_zorder(2)
            self._ax = ax
        return self._ax

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
        self.layer.add(Box(x, y, w, h, colour, edge, radius), zorder)

    def rect(self, x: float, y: float, w: float, h: float, colour: str, zorder: float = 2) -> None:
        self.layer.add(Box(x, y, w, h, colour, None, 0), zorder)

    def line(
        self, x0: float, y0: float, x1: float, y1: float, colour: str = style.PANEL_EDGE
    ) -> None:
        self.layer.add(Line(x0, y0, x1, y1, colour), 2)

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
        # The CJK font ships one weight: bold is a thin stroke in the text's own colour.
        self.layer.add(Label(x, y, text, size, colour, ha, va, bold), zorder)
        return text_width(text, size)

    def note(
        self, x: float, y: float, text: str, size: float = style.BODY_SIZE, va: str = "baseline"
    ) -> None:
        """A muted line centred on x: what an image says where it has nothing to show."""
        self.text(x, y, text, size, style.TEXT_MUTED, ha="center", va=va)

    def rank(
        self,
        x: float,
        y: float,
        code: str,
        size: float = style.BODY_SIZE,
        ha: str = "left",
        bold: bool = False,
    ) -> float:
        """A rank (SSS+, AA…) in its own colour; returns its width."""
        label = style.rank_label(code)
        return self.text(x, y, label, size, style.rank_colour(code), ha=ha, bold=bold)

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
        self.layer.add(Pixels(pixels, x, y), 3)
        return True

    def jacket(self, chart: ChartRef, x: float, y: float, size: float) -> None:
        """The chart's cover, or a tidy placeholder in its difficulty colour."""
        colour = style.difficulty_colour(chart.difficulty)
        self.rect(x - 3, y - 3, size + 6, size + 6, colour, zorder=2)
        if self.image(chart.jacket, x, y, size, size):
            return
        self.rect(x, y, size, size, style.PLACEHOLDER, zorder=3)
        self.text(
            x + size / 2,
            y + size / 2,
            title_initial(chart.title),
            size * 0.3,
            style.TEXT_MUTED,
            ha="center",
            va="center_baseline",
        )

    def chart_heading(self, chart: ChartRef, top: float, page_width: float) -> None:
        """One chart's pages start so: its difficulty badge, then its title, under ``top``."""
        m = style.MARGIN
        width = self.difficulty_badge(chart, m, top + 4)
        self.text(
            m + width + 12,
            top + 20,
            chart.title,
            style.HEADING_SIZE,
            max_width=page_width - 2 * m - width - 20,
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


def title_initial(title: str) -> str:
    """The letter a coverless jacket shows: the title's first letter or digit past a tag like
    "[宴]" or "【…】" (not "[" or "【"); "♪" for a title without one (the blank-titled song)."""
    rest = re.sub(r"^\s*(\[[^\]]*\]|【[^】]*】)", "", title)
    for text in (rest, title):
        for ch in text:
            if unicodedata.category(ch)[0] in "LN":
                return ch
    return "♪"


def stars(count: int) -> str:
    return "★" * count + "☆" * (5 - count) if count else ""


def format_dx(dx_score: int | None, dx_max: int | None) -> str:
    if dx_score is None:
        return "—"
    return f"{dx_score:,} / {dx_max:,}" if dx_max else f"{dx_score:,}"
