"""The floor of an image: the same canvas composed with plain PIL, then PNG-encoded.

``spec(fig)`` reads what a drawn figure holds — every panel and bar (as a box), jacket (as
its pixels at drawn size), line (as its points) and text (its string, size and place) —
and ``compose(spec)`` draws exactly that many of each with ``PIL.ImageDraw`` on a canvas
of the same size and encodes it with the same encoder as the renderers (``encode_png``, or
``encode_jpeg`` for a photographic page).
No layout, no font fallback, no antialiased paths: what any way of drawing this image has
to pay at least. Text uses the same font file at the same pixel size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.image import AxesImage, FigureImage
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.text import Text
from PIL import Image, ImageDraw, ImageFont

from plugins.maimai_archive.core.render import style
from plugins.maimai_archive.core.render.engine import (
    PHOTOGRAPHIC,
    FontSet,
    encode_jpeg,
    encode_png,
)
from plugins.maimai_archive.core.render.layer import Box, Label, Layer, Line, Pixels, Polyline

RGB = tuple[int, int, int]


@dataclass
class Spec:
    size: tuple[int, int]
    boxes: list[tuple[float, float, float, float, int, RGB]] = field(default_factory=list)
    images: list[tuple[Image.Image, int, int]] = field(default_factory=list)
    lines: list[tuple[list[tuple[float, float]], RGB]] = field(default_factory=list)
    texts: list[tuple[float, float, str, int, RGB]] = field(default_factory=list)
    photographic: bool = False  # encoded as JPEG, as the renderers encode such a page

    def counts(self) -> str:
        return f"{len(self.boxes)} boxes, {len(self.images)} jackets, {len(self.texts)} texts"


def _rgb(colour: object) -> RGB:
    r, g, b = to_rgb(colour)  # type: ignore[arg-type]
    return (round(r * 255), round(g * 255), round(b * 255))


def spec(fig: Figure) -> Spec:
    """What ``fig`` draws (ticks and labels exist only after a draw: drawn once here)."""
    FigureCanvasAgg(fig).draw()
    width, height = (round(v) for v in fig.bbox.size)
    out = Spec((width, height), photographic=fig.get_gid() == PHOTOGRAPHIC)

    def down(x: float, y: float) -> tuple[float, float]:
        return x, height - y

    for artist in fig.findobj():
        if not artist.get_visible() or artist is fig.patch:
            continue
        if isinstance(artist, Layer):
            _layer(artist, out, fig.dpi)
        elif isinstance(artist, Text):
            text = artist.get_text()
            if not text:
                continue
            x, y = artist.get_transform().transform(artist.get_unitless_position())
            px = round(float(artist.get_fontsize()) * fig.dpi / 72)
            out.texts.append((*down(x, y), text, px, _rgb(artist.get_color())))
        elif isinstance(artist, Patch):
            box = artist.get_window_extent()
            face = tuple(artist.get_facecolor())
            if box.width < 1 or box.height < 1 or (len(face) > 3 and face[3] == 0):
                continue
            radius = 8 if isinstance(artist, FancyBboxPatch) else 0  # rounded: a FancyBboxPatch
            x0, y1 = down(box.x0, box.y0)
            x1, y0 = down(box.x1, box.y1)
            out.boxes.append((x0, y0, x1, y1, radius, _rgb(artist.get_facecolor())))
        elif isinstance(artist, Line2D):
            points = artist.get_transform().transform(artist.get_xydata())
            pts = [down(float(x), float(y)) for x, y in points if np.isfinite([x, y]).all()]
            if len(pts) >= 2:
                out.lines.append((pts, _rgb(artist.get_color())))
            elif pts and artist.get_marker() not in ("None", None, ""):
                x, y = pts[0]
                out.boxes.append((x - 2, y - 2, x + 2, y + 2, 2, _rgb(artist.get_color())))
        elif isinstance(artist, AxesImage | FigureImage):
            pixels = np.asarray(artist.get_array())
            extent = artist.get_window_extent()
            x, y = down(extent.x0, extent.y1)
            out.images.append((Image.fromarray(pixels[..., :3]), round(x), round(y)))
    return out


def _layer(layer: Layer, out: Spec, dpi: float) -> None:
    """A canvas's records (one artist holds them all): the same count of each kind."""
    for _, item in layer.items:
        if isinstance(item, Box):
            rect = (item.x, item.y, item.x + item.w, item.y + item.h)
            out.boxes.append((*rect, round(item.radius), _rgb(item.colour)))
        elif isinstance(item, Line):
            out.lines.append(([(item.x0, item.y0), (item.x1, item.y1)], _rgb(item.colour)))
        elif isinstance(item, Polyline):  # plots: as a Line2D above (markers: not counted)
            out.lines.append(([(float(x), float(y)) for x, y in item.xy], _rgb(item.colour)))
        elif isinstance(item, Pixels):
            jacket = Image.fromarray(item.rgba[..., :3])
            out.images.append((jacket, round(item.x), round(item.y)))
        elif isinstance(item, Label):
            px = round(item.size * dpi / 72)
            out.texts.append((item.x, item.y, item.text, px, _rgb(item.colour)))


@cache
def _face_index(path: str) -> int:
    for index in range(16):
        try:
            if "SC" in " ".join(
                n or "" for n in ImageFont.truetype(path, 10, index=index).getname()
            ):
                return index
        except OSError:
            break
    return 0


@cache
def font(px: int) -> ImageFont.FreeTypeFont:
    path = str(FontSet.at().path)
    return ImageFont.truetype(path, max(1, px), index=_face_index(path))


def prepare(s: Spec) -> None:
    """Load every font size the spec uses (fonts load once per process for the renderers too)."""
    for text in s.texts:
        font(text[3])


def compose(s: Spec) -> bytes:
    """Draw the spec with PIL and encode it: the floor's timed work."""
    image = Image.new("RGB", s.size, _rgb(style.BACKGROUND))
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1, radius, colour in s.boxes:
        if radius:
            draw.rounded_rectangle((x0, y0, x1, y1), radius, fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    for jacket, x, y in s.images:
        image.paste(jacket, (x, y))
    for points, colour in s.lines:
        draw.line(points, fill=colour, width=2)
    for tx, ty, text, px, colour in s.texts:
        draw.text((tx, ty), text, fill=colour, font=font(px), anchor="ls")
    return encode_jpeg(image) if s.photographic else encode_png(image)
