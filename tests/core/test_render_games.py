"""The games' images: the /random card, the /fortune card, /guess clues and reveal — size
bounds, not blank, no missing glyph, the jacket crop where it belongs."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from plugins.maimai_archive.core.render.engine import render_png_sync
from plugins.maimai_archive.core.render.fortune_card import fortune_figure
from plugins.maimai_archive.core.render.guess_clue import guess_clue_figure
from plugins.maimai_archive.core.render.random_card import random_card_figure
from plugins.maimai_archive.core.views.chart_views import ChartBest
from plugins.maimai_archive.core.views.game_views import FortuneView, GuessClueView, RandomChartView
from plugins.maimai_archive.core.views.play_views import ChartRef
from tests.core.test_render_support import RENDER_MARKS, check_png

pytestmark = RENDER_MARKS


@pytest.fixture
def jacket(tmp_path: Path) -> Path:
    """A 200×200 jacket: blue on the left half, yellow on the right."""
    pixels = np.zeros((200, 200, 3), dtype=np.uint8)
    pixels[:, :100] = (20, 60, 230)
    pixels[:, 100:] = (250, 220, 20)
    path = tmp_path / "11500.png"
    Image.fromarray(pixels).save(path)
    return path


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as img:
        return np.asarray(img.convert("RGB")).reshape(-1, 3).astype(int)


def _blue(pixels: np.ndarray) -> int:
    return int(((pixels[:, 2] > 200) & (pixels[:, 0] < 60) & (pixels[:, 1] < 100)).sum())


def _yellow(pixels: np.ndarray) -> int:
    return int(((pixels[:, 0] > 230) & (pixels[:, 1] > 200) & (pixels[:, 2] < 60)).sum())


def _random_view(jacket: Path | None, **kw) -> RandomChartView:
    base: dict[str, Any] = {
        "chart": ChartRef("ベータ・ステップ！", "DX", "master", "13+", 137, jacket),
        "song_id": 11500,
        "artist": "Synthetic Artist",
        "charter": "譜面-100号",
        "notes": 521,
        "bpm": 180.0,
        "asked": "13+ · 未SSS",
        "player": "玩家",
        "best": ChartBest(998_765, "fcp", "fs"),
    }
    return RandomChartView(**(base | kw))


@pytest.mark.parametrize(
    "view",
    [
        "played",
        "unplayed",
        "no archive",
        "raise",
    ],
)
def test_random_card_renders(jacket: Path, view: str) -> None:
    views = {
        "played": _random_view(jacket),
        "unplayed": _random_view(None, best=None),
        "no archive": _random_view(None, best=None, player=None, asked="", bpm=None),
        "raise": _random_view(jacket, target=1_000_000, gain=7, asked="推分"),
    }
    png = render_png_sync(random_card_figure, views[view])
    image = check_png(png)
    assert image.size == (900, 340)
    if views[view].chart.jacket is not None:
        assert _blue(_pixels(png)) > 1000  # the jacket is drawn


def test_fortune_card_renders(jacket: Path) -> None:
    view = FortuneView(
        day=date(2025, 11, 20),
        name="玩家",
        luck="大吉",
        good=(("推分", "手感在线，新纪录就在眼前"), ("拼机", "遇到的搭档都很靠谱")),
        bad=(("冲 AP", "一个 GREAT 就前功尽弃"), ("越级", "量力而行，别把手腕打伤")),
        chart=ChartRef("ベータ・ステップ！", "DX", "master", "13+", 137, jacket),
        reason="差 0.2000% 到 SSS",
        best=998_000,
    )
    check_png(render_png_sync(fortune_figure, view))
    empty = FortuneView(date(2025, 11, 20), None, "凶", (), (), None, "", None)
    check_png(render_png_sync(fortune_figure, empty))


def test_a_clue_shows_only_its_crop_and_the_reveal_the_whole_jacket(jacket: Path) -> None:
    left_quarter = GuessClueView(jacket, (0.1, 0.3, 0.3), 1, (), 60)
    png = render_png_sync(guess_clue_figure, left_quarter)
    check_png(png)
    pixels = _pixels(png)
    assert _blue(pixels) > 100_000 and _yellow(pixels) == 0  # only the blue half is in the crop
    hints = ("艺术家：Synthetic Artist", "等级：MASTER 13+", "分类：maimai · BPM 180")
    wider = GuessClueView(jacket, (0.2, 0.2, 0.75), 4, hints, 15)
    pixels = _pixels(render_png_sync(guess_clue_figure, wider))
    assert _blue(pixels) > 10_000 and _yellow(pixels) > 10_000
    reveal = GuessClueView(
        jacket, (0, 0, 1), 0, hints[:2], None, "ベータ・ステップ！", "玩家 猜对了！"
    )
    pixels = _pixels(render_png_sync(guess_clue_figure, reveal))
    assert abs(_blue(pixels) - _yellow(pixels)) < 0.1 * _blue(pixels)  # both halves, evenly


def test_an_unreadable_jacket_draws_a_placeholder(tmp_path: Path) -> None:
    broken = tmp_path / "00001.png"
    broken.write_bytes(b"not a png")
    check_png(render_png_sync(guess_clue_figure, GuessClueView(broken, (0, 0, 0.5), 1, (), 60)))
