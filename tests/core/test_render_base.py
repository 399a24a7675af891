"""The render core in the calling process: fonts by path, style, size limits, the PNG
encode, missing glyphs fail."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from plugins.maimai_archive.core.render import engine as base
from plugins.maimai_archive.core.render.engine import (
    FontSet,
    RenderLimitError,
    new_figure,
    render_pages_sync,
    render_png_sync,
)
from tests.core.test_render_pool_support import text_figure, text_pages
from tests.core.test_render_support import RENDER_MARKS, check_png

pytestmark = RENDER_MARKS

TEXTS = [
    "渦状銀河のシンフォニエッタ",  # kanji + kana
    "康莊大道　康庄大道",  # traditional/simplified + U+3000
    "Xaleid◆scopiX  GIGANTØMAKHIA  Λzure Vixen",
    "Got more raves？ ＆ ～ ☆ ♪ ∞",
    "$100 and 50% _under_ ^caret^",  # no mathtext surprises
]


def test_cjk_and_symbols_render_without_missing_glyphs():
    data = render_png_sync(text_figure, TEXTS)
    image = check_png(data)
    assert image.size == (800, 60 + 40 * len(TEXTS))
    assert image.mode == "RGB"  # opaque: no alpha channel to encode


def test_missing_glyph_is_an_error_in_tests():
    # U+E000 is a private-use code point no bundled font draws.
    with pytest.raises(UserWarning, match="missing from font"):
        render_png_sync(text_figure, ["\ue000"])


def test_font_set_is_the_configured_file():
    fonts = FontSet.at(None)
    assert fonts.path == base.default_font_path()
    assert fonts.families()[0] == "Noto Sans CJK SC"


def test_font_set_rejects_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        FontSet.at(tmp_path / "nope.ttf")


def test_new_figure_refuses_oversized_canvas():
    with pytest.raises(RenderLimitError):
        new_figure(4001, 100)


def test_render_pages_returns_one_png_per_figure():
    pages = render_pages_sync(text_pages, 3)
    assert len(pages) == 3
    for page in pages:
        check_png(page)


def test_png_over_the_byte_limit_is_scaled_down_not_refused(monkeypatch):
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (400, 400, 3), dtype=np.uint8)  # incompressible

    def noisy():
        fig = new_figure(400, 400)
        fig.figimage(noise)
        return fig

    full = render_png_sync(noisy)
    monkeypatch.setattr(base, "MAX_PNG_BYTES", len(full) // 2)
    small = render_png_sync(noisy)
    assert len(small) <= len(full) // 2
    assert Image.open(io.BytesIO(small)).size < (400, 400)


def _canvas_text(text: str, bold: bool = False):
    from plugins.maimai_archive.core.render.draw import Canvas

    canvas = Canvas(300, 100)
    canvas.text(20, 60, text, 20, "#000000", bold=bold)
    return canvas.figure


def test_canvas_text_missing_glyph_is_an_error_every_time():
    # The canvas draws its text itself (pil_text, results cached): the warning still comes
    # on every render, not only the first.
    for _ in range(2):
        with pytest.raises(UserWarning, match="missing from font"):
            render_png_sync(_canvas_text, "A\ue000")


def test_bold_canvas_text_has_more_ink_than_plain():
    def ink(png: bytes) -> float:
        return float((255 - np.asarray(Image.open(io.BytesIO(png)).convert("L"))).sum())

    plain = ink(render_png_sync(_canvas_text, "达成率 100.5000%"))
    bold = ink(render_png_sync(_canvas_text, "达成率 100.5000%", True))
    assert bold > plain * 1.1


def test_a_jacket_is_scaled_once_and_kept_beside_the_cover(tmp_path):
    from plugins.maimai_archive.core.render.draw import Canvas

    cover = tmp_path / "00834.png"
    Image.new("RGB", (190, 190), (250, 20, 20)).save(cover)

    def jacket():
        canvas = Canvas(200, 200)
        assert canvas.image(cover, 10, 10, 64, 64)
        return canvas.figure

    image = check_png(render_png_sync(jacket), min_side=100)
    thumb = tmp_path / "thumbs" / "00834-64x64.png"
    assert Image.open(thumb).size == (64, 64)
    pixel = image.getpixel((40, 40))
    assert isinstance(pixel, tuple) and pixel[:3] == (250, 20, 20)
