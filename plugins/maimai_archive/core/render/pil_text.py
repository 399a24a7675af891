"""Text drawn by Pillow inside matplotlib's Agg canvas: one C call per string, not per glyph.

Profiled (bench/README.md "## render"): matplotlib 3.11 shapes every string with libraqm twice
(once to measure, once to draw) and renders it glyph by glyph, ~3 ms a string with the CJK
font; our images hold 40–900 strings, so text was ~70 % of every render. ``TextCanvas`` is
the Agg canvas with a renderer that measures and rasterises plain (horizontal, non-math)
text with Pillow's FreeType — the same font files matplotlib resolves for the text's
properties, at the same pixel size — and caches the rasterised strings, so labels every
image repeats ("SSS+", "Rating", the footers) are drawn once per process. Anything else
(rotated text) goes to matplotlib's own code.

As matplotlib does: each character takes the first font of the family list that has it; a
character no font has warns "Glyph … missing from font(s) …" (tests turn that into an error).
Bold (the CJK font has one weight) is a thin stroke of the text's own colour.
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from PIL import Image, ImageDraw, ImageFont

Face = tuple[str, int]  # font file, face index in it
Faces = tuple[Face, ...]
BOLD_WEIGHTS = {"bold", "heavy", "extra bold", "black", "demibold", "semibold"}
# The gid a renderer gives a Text to have it drawn bold: a bold *weight* would make matplotlib
# look for a bold face the CJK font does not have (and log that it fell back).
BOLD_GID = "maimai-bold"


@lru_cache(maxsize=8)
def _charmap(face: Face) -> frozenset[int]:
    return frozenset(FT2Font(face[0], face_index=face[1]).get_charmap())


@lru_cache(maxsize=128)
def _font(face: Face, px: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: no shaping engine per call (CJK, kana and Latin need none).
    return ImageFont.truetype(face[0], px, index=face[1], layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=64)
def faces_for(prop: FontProperties) -> Faces:
    """The font files (and faces) for the properties, as matplotlib itself resolves the family
    list — the same files it would draw with (the properties hash by value)."""
    found = font_manager.fontManager._find_fonts_by_props(prop)
    return tuple((str(f), int(getattr(f, "face_index", 0))) for f in found)


@lru_cache(maxsize=4096)
def _missing(text: str, faces: Faces) -> tuple[str, ...]:
    return tuple(ch for ch in text if not ch.isspace() and _face_of(ord(ch), faces) is None)


def _face_of(cp: int, faces: Faces) -> Face | None:
    return next((f for f in faces if cp in _charmap(f)), None)


def warn_missing(text: str, faces: Faces) -> None:
    """Warn on every draw (as matplotlib does), not once: the results below are cached."""
    for ch in _missing(text, faces):
        names = ", ".join(str(_font(f, 10).getname()[0]) for f in faces)
        warnings.warn(
            f"Glyph {ord(ch)} ({ch.encode('ascii', 'namereplace').decode('ascii')}) "
            f"missing from font(s) {names}.",
            UserWarning,
            stacklevel=3,
        )


def _runs(text: str, faces: Faces) -> list[tuple[Face, str]]:
    """The text cut into runs of one font each (the first font that has the character)."""
    runs: list[tuple[Face, str]] = []
    for ch in text:
        face = _face_of(ord(ch), faces) or faces[0]
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


@lru_cache(maxsize=4096)
def _metrics(text: str, faces: Faces, px: int, stroke: float) -> tuple[float, float, float]:
    """(advance width, ink top above the baseline, ink bottom below it) in px."""
    width, top, bottom = 0.0, 0.0, 0.0
    for face, run in _runs(text, faces):
        font = _font(face, px)
        _, y0, _, y1 = font.getbbox(run, anchor="ls", stroke_width=stroke)
        width += font.getlength(run)
        top, bottom = max(top, -y0), max(bottom, y1)
    return width, top, bottom


def line_metrics(text: str, faces: Faces, px: int, stroke: float) -> tuple[float, float, float]:
    """(width, ascent, descent) of one line for alignment: at least those of "lp", as
    matplotlib's Text takes them, so labels of one row share a baseline."""
    width, top, bottom = _metrics(text, faces, px, stroke)
    _, lp_top, lp_bottom = _metrics("lp", faces, px, stroke)
    return width, max(top, lp_top), max(bottom, lp_bottom)


@lru_cache(maxsize=2048)
def text_mask(text: str, faces: Faces, px: int, stroke: float) -> tuple[np.ndarray, int, int]:
    """The text's coverage, the column of the layout's left edge and the baseline's row."""
    width, top, bottom = _metrics(text, faces, px, stroke)
    pad = 2 + math.ceil(stroke)
    image = Image.new("L", (math.ceil(width) + 2 * pad, math.ceil(top + bottom) + 2 * pad))
    draw = ImageDraw.Draw(image)
    x: float = pad
    baseline = pad + math.ceil(top)
    for face, run in _runs(text, faces):
        font = _font(face, px)
        draw.text((x, baseline), run, 255, font, anchor="ls", stroke_width=stroke, stroke_fill=255)
        x += font.getlength(run)
    mask = np.array(image)  # Agg takes a writable array (and never writes it)
    return mask, pad, baseline


def clear_caches() -> None:
    """Forget every measured and rasterised string (the benchmark measures cold renders)."""
    _metrics.cache_clear()
    text_mask.cache_clear()
    _missing.cache_clear()


def _key(prop: FontProperties, dpi: float, mtext: Any = None) -> tuple[Faces, int, float]:
    px = max(1, round(prop.get_size_in_points() * dpi / 72))
    weight = prop.get_weight()
    bold = weight in BOLD_WEIGHTS or (isinstance(weight, int | float) and weight >= 600)
    bold = bold or (mtext is not None and mtext.get_gid() == BOLD_GID)
    # The stroke the bold text had before (a path effect of size/14 pt), outward half of it.
    stroke = round(px / 28, 1) if bold else 0.0
    return faces_for(prop), px, stroke


class TextRenderer(RendererAgg):
    """Agg, with plain horizontal text measured and drawn by Pillow."""

    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: Any
    ) -> tuple[float, float, float]:
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)  # type: ignore[no-any-return,no-untyped-call]
        key = _key(prop, self.dpi)
        warn_missing(s, key[0])
        width, top, bottom = _metrics(s, *key)
        return width, top + bottom, bottom

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        if ismath or angle % 360:
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)  # type: ignore[no-untyped-call]
            return
        key = _key(prop, self.dpi, mtext)
        warn_missing(s, key[0])
        mask, left_edge, baseline = text_mask(s, *key)
        # Agg flips y (rows from the top); the bitmap is placed by its left and bottom row.
        left = round(x) - left_edge
        bottom = round(y) - baseline + mask.shape[0]
        self._renderer.draw_text_image(mask, left, bottom, 0, gc)


class TextCanvas(FigureCanvasAgg):
    """The Agg canvas drawing with ``TextRenderer``."""

    def get_renderer(self) -> Any:
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = TextRenderer(w, h, self.figure.dpi)  # type: ignore[no-untyped-call]
            self._lastKey = key
        return self.renderer
