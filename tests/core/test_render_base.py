"""The render core: one thread, project fonts by path, size limits, missing glyphs fail."""

from __future__ import annotations

import asyncio
import threading

import pytest

from plugins.maimai_archive.core.render import base
from plugins.maimai_archive.core.render.base import (
    RenderLimitError,
    RenderThread,
    new_figure,
    render_png_sync,
)
from tests.core.test_render_support import RENDER_MARKS, check_png

pytestmark = RENDER_MARKS

TEXTS = [
    "渦状銀河のシンフォニエッタ",  # kanji + kana
    "康莊大道　康庄大道",  # traditional/simplified + U+3000
    "Xaleid◆scopiX  GIGANTØMAKHIA  Λzure Vixen",
    "Got more raves？ ＆ ～ ☆ ♪ ∞",
    "$100 and 50% _under_ ^caret^",  # no mathtext surprises
]


def _text_figure(texts: list[str]):
    fig = new_figure(800, 60 + 40 * len(texts))
    for i, text in enumerate(texts):
        fig.text(0.05, 1 - (i + 1) / (len(texts) + 1), text, fontsize=18)
    return fig


def test_cjk_and_symbols_render_without_missing_glyphs():
    data = render_png_sync(_text_figure, TEXTS)
    image = check_png(data)
    assert image.size == (800, 60 + 40 * len(TEXTS))


def test_missing_glyph_is_an_error_in_tests():
    # U+E000 is a private-use code point no bundled font draws.
    with pytest.raises(UserWarning, match="missing from font"):
        render_png_sync(_text_figure, ["\ue000"])


def test_font_is_the_configured_file():
    base.configure_fonts(None)
    families = base.font_families()
    assert families[0] == "Noto Sans CJK SC"


def test_configure_fonts_rejects_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        base.configure_fonts(tmp_path / "nope.ttf")


def test_new_figure_refuses_oversized_canvas():
    with pytest.raises(RenderLimitError):
        new_figure(4001, 100)


async def test_render_png_runs_in_one_dedicated_thread():
    seen: list[str] = []

    def build(text: str):
        seen.append(threading.current_thread().name)
        return _text_figure([text])

    renderer = RenderThread()
    try:
        pngs = await asyncio.gather(*(renderer.png(build, f"第{i}页") for i in range(4)))
    finally:
        renderer.shutdown()
    assert len(pngs) == 4 and all(check_png(p) for p in pngs)
    assert len(set(seen)) == 1 and seen[0].startswith("maimai-render")
    assert seen[0] != threading.current_thread().name


async def test_shutdown_ends_the_render_thread_and_a_later_render_starts_one():
    renderer = RenderThread()
    await renderer.png(_text_figure, TEXTS)
    names = {t.name for t in threading.enumerate()}
    assert any(n.startswith("maimai-render") for n in names)
    renderer.shutdown()
    assert not any(
        t.name.startswith("maimai-render") and t.is_alive() for t in threading.enumerate()
    )
    assert check_png(await renderer.png(_text_figure, TEXTS))
    renderer.shutdown()


async def test_render_pages_returns_one_png_per_figure():
    renderer = RenderThread()
    try:
        pages = await renderer.pages(lambda n: [_text_figure([f"页 {i}"]) for i in range(n)], 3)
    finally:
        renderer.shutdown()
    assert len(pages) == 3
    for page in pages:
        check_png(page)
