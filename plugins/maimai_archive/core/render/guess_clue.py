"""``/guess`` (猜歌): a clue (a crop of the jacket, later the level and artist) and the reveal
(the whole jacket and the title)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from ..views.game_views import GuessClueView
from . import style
from .draw import Canvas

WIDTH = 560
PICTURE = 400
HINT_H = 30


def _crop(path: Path, box: tuple[float, float, float], size: int) -> np.ndarray | None:
    try:
        with Image.open(path) as opened:
            img = opened.convert("RGB")
    except OSError:
        return None
    left, top, side = box
    edge = min(img.width, img.height)
    x, y, s = round(left * edge), round(top * edge), max(1, round(side * edge))
    return np.asarray(img.crop((x, y, x + s, y + s)).resize((size, size), Image.Resampling.LANCZOS))


def guess_clue_figure(view: GuessClueView) -> Figure:
    m = style.MARGIN
    reveal = view.title is not None
    top = 78 if not reveal else 110
    height = top + PICTURE + 24 + len(view.hints) * HINT_H + 44
    canvas = Canvas(WIDTH, height)
    canvas.rect(0, 0, WIDTH, 6, style.ACCENT)
    if reveal:
        canvas.text(m, 44, view.headline or "答案揭晓", style.HEADING_SIZE + 1, bold=True,
                    max_width=WIDTH - 2 * m)  # fmt: skip
        canvas.text(m, 84, view.title or "", 18, style.ACCENT, bold=True, max_width=WIDTH - 2 * m)
    else:
        canvas.text(m, 48, f"猜歌 · 线索 {view.number}", style.TITLE_SIZE, bold=True)
    x = (WIDTH - PICTURE) / 2
    canvas.rect(x - 4, top - 4, PICTURE + 8, PICTURE + 8, style.PANEL_EDGE, zorder=2)
    pixels = _crop(view.jacket, view.box, PICTURE)
    if pixels is None:
        canvas.rect(x, top, PICTURE, PICTURE, style.PLACEHOLDER, zorder=3)
        canvas.text(WIDTH / 2, top + PICTURE / 2, "?", 60, style.TEXT_MUTED, ha="center",
                    va="center_baseline")  # fmt: skip
    else:
        canvas.ax.imshow(pixels, extent=(x, x + PICTURE, top + PICTURE, top), zorder=3)
    y = top + PICTURE + 24
    for hint in view.hints:
        y += HINT_H
        canvas.text(m, y - 8, hint, style.BODY_SIZE + 2, max_width=WIDTH - 2 * m)
    footer = "发送曲名、id 或别名作答"
    if view.seconds_left is not None:
        footer += f" · {view.seconds_left} 秒后揭晓 · /guess end 结束"
    if reveal:
        footer = "/guess 再来一局 · /guess rank 本群排行"
    canvas.text(WIDTH / 2, height - 16, footer, style.SMALL_SIZE + 1, style.TEXT_MUTED, ha="center")
    return canvas.figure
