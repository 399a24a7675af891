"""Figure → PNG in one dedicated render thread, with the project style and fonts by path.

matplotlib is not thread-safe and its settings (rcParams, the font manager) are process-wide,
so every figure is built, styled and encoded in a single worker thread; the event loop only
awaits the bytes. Renderers are plain functions returning ``Figure`` objects built with the
Figure API (never pyplot); a ``RenderThread`` (the ``ArchiveApp`` owns the process's one)
runs them with ``png``/``pages``.

Limits: a PNG is at most ``MAX_PNG_BYTES`` and ``MAX_SIDE_PX`` on each side — renderers split
long content into pages (``RenderThread.pages``) and ``new_figure`` refuses larger canvases.
"""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.style
from matplotlib import font_manager
from matplotlib.figure import Figure

from . import style

STYLE_FILE = Path(__file__).with_name("maimai.mplstyle")
MAX_PNG_BYTES = 2_000_000
MAX_SIDE_PX = 4000
FONT_ENV = "MAIMAI_FONT_PATH"
# Symbols the CJK font lacks fall back to matplotlib's bundled font, found per glyph.
FALLBACK_FAMILY = "DejaVu Sans"
# The face of the Noto collection to prefer (the bot's players read Simplified Chinese).
PREFERRED_FACES = ("Noto Sans CJK SC", "Noto Sans CJK JP")


class RenderLimitError(ValueError):
    """A canvas or PNG over the size limits: the renderer must split it into pages."""


_font_path: Path | None = None
_font_families: list[str] | None = None
_font_lock = threading.Lock()


def default_font_path() -> Path:
    """MAIMAI_FONT_PATH when set, else the Noto Sans CJK collection from its package."""
    env = os.environ.get(FONT_ENV)
    if env:
        return Path(env)
    import noto_cjk_sans_otc

    return Path(noto_cjk_sans_otc.FONT_PATH)


def configure_fonts(path: str | os.PathLike[str] | None) -> None:
    """Choose the font file (``None`` = the default); the bot calls this once at start.

    The file is registered lazily, on first render, inside the render thread.
    """
    global _font_path, _font_families
    chosen = Path(path) if path else default_font_path()
    if not chosen.is_file():
        raise FileNotFoundError(f"font file not found: {chosen}")
    with _font_lock:
        _font_path = chosen
        _font_families = None


def font_families() -> list[str]:
    """The family names to draw with (registers the font file on first use)."""
    global _font_path, _font_families
    with _font_lock:
        if _font_families is not None:
            return _font_families
        path = _font_path or default_font_path()
        _font_path = path
        font_manager.fontManager.addfont(str(path))
        faces = [f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == path]
        preferred = [name for name in PREFERRED_FACES if name in faces]
        primary = preferred[0] if preferred else (faces[0] if faces else FALLBACK_FAMILY)
        _font_families = [primary, FALLBACK_FAMILY]
        return _font_families


@contextmanager
def style_context() -> Iterator[None]:
    """The project style and fonts, applied for the duration of one render."""
    families = font_families()
    with matplotlib.style.context([str(STYLE_FILE), {"font.family": families}]):
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


def figure_to_png(fig: Figure) -> bytes:
    """Encode at the figure's own size; shrink the resolution only if over the byte limit."""
    dpi = fig.dpi
    for _ in range(6):
        buf = io.BytesIO()
        # No metadata: the same figure gives the same bytes on every machine.
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        data = buf.getvalue()
        if len(data) <= MAX_PNG_BYTES:
            return data
        dpi *= 0.8
    raise RenderLimitError(f"PNG stays over {MAX_PNG_BYTES} bytes")


def _run_one(fn: Callable[..., Figure], args: tuple[Any, ...], kw: dict[str, Any]) -> bytes:
    with style_context():
        return figure_to_png(fn(*args, **kw))


def _run_many(
    fn: Callable[..., Sequence[Figure]], args: tuple[Any, ...], kw: dict[str, Any]
) -> list[bytes]:
    with style_context():
        return [figure_to_png(fig) for fig in fn(*args, **kw)]


def render_png_sync(fn: Callable[..., Figure], *args: Any, **kw: Any) -> bytes:
    """Run a renderer in the calling thread (tests, benchmarks, the command line)."""
    return _run_one(fn, args, kw)


def render_pages_sync(fn: Callable[..., Sequence[Figure]], *args: Any, **kw: Any) -> list[bytes]:
    return _run_many(fn, args, kw)


class RenderThread:
    """The one thread every figure is built and encoded in; started on first use."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="maimai-render"
                )
            return self._executor

    async def png(self, fn: Callable[..., Figure], *args: Any, **kw: Any) -> bytes:
        """Build the figure ``fn(*args, **kw)`` and encode it as PNG, in the render thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), _run_one, fn, args, kw)

    async def pages(
        self, fn: Callable[..., Sequence[Figure]], *args: Any, **kw: Any
    ) -> list[bytes]:
        """Like ``png`` for a renderer that returns one figure per page."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), _run_many, fn, args, kw)

    def shutdown(self) -> None:
        """Stop the thread after the renders it holds (a later render starts a new one)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
