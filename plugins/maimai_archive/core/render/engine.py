"""Figure → PNG, with the project style and the font set by path.

Renderers are plain functions returning ``Figure`` objects built with the Figure API (never
pyplot). The app runs them in its render process (``pool.RenderPool``); tests, benchmarks
and the command line run them in the calling thread with ``render_png_sync`` /
``render_pages_sync``. matplotlib's settings are process-wide, so one process (or one
thread) renders at a time.

Limits: a PNG is at most ``MAX_PNG_BYTES`` and ``MAX_SIDE_PX`` on each side — renderers split
long content into pages and ``new_figure`` refuses larger canvases.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from PIL import Image

from . import style
from .pil_text import TextCanvas

STYLE_FILE = Path(__file__).with_name("maimai.mplstyle")
# The hard cap (bench/render.py shows every measured image but the photo album under 1 MB).
MAX_PNG_BYTES = 2_000_000
MAX_SIDE_PX = 4000
# zlib level of the PNG encode: 1 is ~4× faster than 6 and ~10 % larger on these images
# (flat panels and text compress well at any level); see bench/README.md "## render".
PNG_COMPRESS_LEVEL = 1
PHOTOGRAPHIC = "photographic"  # the gid of a figure sent as JPEG (photographic())
JPEG_QUALITY = 88
FONT_ENV = "MAIMAI_FONT_PATH"
# Symbols the CJK font lacks fall back to matplotlib's bundled font, found per glyph.
FALLBACK_FAMILY = "DejaVu Sans"
# The face of the Noto collection to prefer (the bot's players read Simplified Chinese).
PREFERRED_FACES = ("Noto Sans CJK SC", "Noto Sans CJK JP")


class RenderLimitError(ValueError):
    """A canvas or PNG over the size limits: the renderer must split it into pages."""


def default_font_path() -> Path:
    """MAIMAI_FONT_PATH when set, else the Noto Sans CJK collection from its package."""
    env = os.environ.get(FONT_ENV)
    if env:
        return Path(env)
    import noto_cjk_sans_otc

    return Path(noto_cjk_sans_otc.FONT_PATH)


@dataclass(frozen=True)
class FontSet:
    """The font file images draw with. The renderer owns one; it travels to the render
    process with every job (a path: cheap to pickle)."""

    path: Path

    @classmethod
    def at(cls, path: str | os.PathLike[str] | None = None) -> FontSet:
        """The font at ``path`` (``None`` or empty = the default); the file must exist."""
        chosen = Path(path) if path else default_font_path()
        if not chosen.is_file():
            raise FileNotFoundError(f"font file not found: {chosen}")
        return cls(chosen)

    def families(self) -> list[str]:
        """The family names to draw with (registers the file in this process on first use)."""
        return list(_registered_families(str(self.path)))


@lru_cache(maxsize=8)
def _registered_families(path: str) -> tuple[str, ...]:
    # matplotlib's font registry is process-wide by nature: add each file once per process.
    font_manager.fontManager.addfont(path)
    faces = [f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == Path(path)]
    preferred = [name for name in PREFERRED_FACES if name in faces]
    primary = preferred[0] if preferred else (faces[0] if faces else FALLBACK_FAMILY)
    return (primary, FALLBACK_FAMILY)


@lru_cache(maxsize=8)
def _style_rc(families: tuple[str, ...]) -> Any:
    """The style file read once per process (not at every render), with the fonts."""
    rc = matplotlib.rc_params_from_file(STYLE_FILE, use_default_template=False)
    rc["font.family"] = list(families)
    return rc


@contextmanager
def style_context(fonts: FontSet | None = None) -> Iterator[None]:
    """The project style and fonts, applied for the duration of one render."""
    fonts = fonts or FontSet.at()
    with matplotlib.rc_context(_style_rc(tuple(fonts.families()))):
        yield


def new_figure(width_px: int, height_px: int, dpi: int = style.DPI) -> Figure:
    """A figure of exactly ``width_px`` × ``height_px`` pixels (call inside a render)."""
    if width_px > MAX_SIDE_PX or height_px > MAX_SIDE_PX:
        raise RenderLimitError(f"figure {width_px}x{height_px}px exceeds {MAX_SIDE_PX}px")
    if width_px <= 0 or height_px <= 0:
        raise RenderLimitError(f"figure {width_px}x{height_px}px is empty")
    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    fig.patch.set_facecolor(style.BACKGROUND)
    return fig


def photographic(fig: Figure) -> Figure:
    """Mark a page made mostly of photos (the album): it is sent as JPEG, which keeps photos
    sharp at a fraction of a PNG's bytes and encoding time (measured: 24 photos, PNG 1.7 MB in
    ~600 ms; bench/README.md "## render")."""
    fig.set_gid(PHOTOGRAPHIC)
    return fig


def figure_bytes(fig: Figure) -> bytes:
    """Draw once with Agg (text by Pillow: ``pil_text``) at the figure's own size and
    encode it: an opaque PNG, or a JPEG for a ``photographic`` page.

    Over the byte limit, the drawn pixels are scaled down (never drawn again): layouts are
    in pixels, so a second draw at a lower dpi would not shrink them anyway.
    """
    canvas = TextCanvas(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height()
    # The pages have an opaque background: RGB encodes a quarter fewer bytes than RGBA.
    # Unpacked straight from Agg's RGBA ("RGBX": alpha skipped): the same pixels as an RGBA
    # image converted, in one pass instead of two (1200×720: 0.14 ms instead of 0.95 ms).
    pixels = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    image = Image.frombytes("RGB", (width, height), pixels, "raw", "RGBX")
    photo = fig.get_gid() == PHOTOGRAPHIC
    for _ in range(6):
        if photo:
            data = encode_jpeg(image)
            if len(data) <= MAX_PNG_BYTES:
                return data
            image = image.resize(
                (max(1, round(image.width * 0.8)), max(1, round(image.height * 0.8))),
                Image.Resampling.LANCZOS,
            )
            continue
        data = encode_png(image)
        if len(data) > MAX_PNG_BYTES:  # photos: the slower, tighter level may be enough
            data = encode_png(image, level=9)
        if len(data) <= MAX_PNG_BYTES:
            return data
        size = (max(1, round(image.width * 0.8)), max(1, round(image.height * 0.8)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    raise RenderLimitError(f"PNG stays over {MAX_PNG_BYTES} bytes")


def encode_jpeg(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    """JPEG bytes without metadata (photographic pages)."""
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def encode_png(image: Image.Image, level: int = PNG_COMPRESS_LEVEL) -> bytes:
    """PNG bytes without metadata: the same image gives the same bytes on every machine."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=level)
    return buf.getvalue()


def render_one(
    fn: Callable[..., Figure], args: tuple[Any, ...], kw: dict[str, Any], fonts: FontSet | None
) -> bytes:
    with style_context(fonts):
        return figure_bytes(fn(*args, **kw))


def render_many(
    fn: Callable[..., Sequence[Figure]],
    args: tuple[Any, ...],
    kw: dict[str, Any],
    fonts: FontSet | None,
) -> list[bytes]:
    with style_context(fonts):
        return [figure_bytes(fig) for fig in fn(*args, **kw)]


def render_png_sync(fn: Callable[..., Figure], *args: Any, **kw: Any) -> bytes:
    """Run a renderer in the calling thread with the default fonts (tests, benchmarks, the
    command line)."""
    return render_one(fn, args, kw, None)


def render_pages_sync(fn: Callable[..., Sequence[Figure]], *args: Any, **kw: Any) -> list[bytes]:
    return render_many(fn, args, kw, None)
