"""Every archive image, rendered from a fixture archive built from the real record pages:
size bounds, not blank, no missing glyph, pages split where content is long."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.maimai_archive.core.render import album, diff, records_table
from plugins.maimai_archive.core.render import cards as cards_r
from plugins.maimai_archive.core.render.engine import render_pages_sync, render_png_sync
from plugins.maimai_archive.core.render.pool import RenderPool
from plugins.maimai_archive.core.views.play_views import (
    AlbumView,
    B50View,
    ChartHistoryView,
    DiffView,
    PlayDetailView,
    RecentView,
    RecordsView,
)
from tests.core.test_render_support import (
    PHOTOGRAPHIC,
    PLAYER,
    RENDER_MARKS,
    check_png,
    fixture_cards,
    fixture_views,
)

pytestmark = RENDER_MARKS

NAMES = [
    "recent",
    "recent_short",
    "play",
    "diff",
    "rating_history",
    "chart_history",
    "b50",
    "records",
    "album",
    "photo",
]


def _render(name: str) -> list[bytes]:
    fn, view, pages = fixture_views()[name]
    if name == "photo":
        return [render_png_sync(fn, view, pages)]
    return render_pages_sync(fn, view) if pages else [render_png_sync(fn, view)]


@pytest.mark.parametrize("name", NAMES)
def test_every_image_renders_within_limits_and_is_not_blank(name):
    pngs = _render(name)
    assert pngs
    for png in pngs:
        check_png(png, jpeg=name in PHOTOGRAPHIC)


def test_recent_50_splits_into_pages_of_20():
    pngs = _render("recent")
    assert len(pngs) == 3  # 20 + 20 + 10
    heights = [check_png(p).size[1] for p in pngs]
    assert heights[0] == heights[1] > heights[2]


def test_diff_pages_hold_at_most_30_rows():
    fn, view, _ = fixture_views()["diff"]
    assert len(view.entries) == 40
    assert len(render_pages_sync(fn, view)) == 2
    short = DiffView(
        view.player, view.label, 1, 2, view.entries[: diff.ROWS_PER_PAGE], view.left_b50
    )
    assert len(render_pages_sync(fn, short)) == 1


def test_records_page_is_one_figure_per_page_size():
    cards = fixture_cards()
    view = RecordsView(PLAYER, cards[: records_table.PAGE_SIZE], 1, 4, len(cards))
    check_png(render_png_sync(records_table.records_figure, view))


@pytest.mark.parametrize(
    ("fn", "view"),
    [
        (cards_r.recent_pages, RecentView(PLAYER, ())),
        (diff.diff_pages, DiffView(PLAYER, "上次同步", None, None, ())),
        (album.album_pages, AlbumView(PLAYER, ())),
    ],
)
def test_empty_views_render_a_readable_page(fn, view):
    pngs = render_pages_sync(fn, view)
    assert len(pngs) == 1
    check_png(pngs[0], jpeg=fn is album.album_pages)


def test_empty_histories_and_b50_render():
    from plugins.maimai_archive.core.render import b50, history

    cards = fixture_cards(1)
    for fn, view in (
        (history.chart_history_figure, ChartHistoryView(PLAYER, cards[0].chart, ())),
        (b50.b50_figure, B50View(PLAYER, (), ())),
    ):
        check_png(render_png_sync(fn, view))


def test_detail_without_judgements_or_previous_plays():
    card = fixture_cards(1)[0]
    view = PlayDetailView(PLAYER, card, None, None, None, None, None, None, None)
    check_png(render_png_sync(cards_r.play_detail_figure, view))


def test_jacket_from_cover_cache_is_drawn(tmp_path):
    from dataclasses import replace

    from PIL import Image

    cover = tmp_path / "00834.png"
    Image.new("RGB", (190, 190), (250, 20, 20)).save(cover)
    card = fixture_cards(1)[0]
    card = replace(card, chart=replace(card.chart, jacket=cover))
    image = check_png(render_png_sync(lambda: cards_r.recent_pages(RecentView(PLAYER, (card,)))[0]))
    rgb = np.asarray(image.convert("RGB")).astype(int)
    red = (rgb[..., 0] > 230) & (rgb[..., 1] < 40) & (rgb[..., 2] < 40)
    assert red.sum() > 100 * 100  # the 112 px jacket, not the grey placeholder


async def test_async_render_of_real_archive_pages():
    fn, view, _ = fixture_views()["recent"]
    renderer = RenderPool(1)
    try:
        pngs = await renderer.pages(fn, view)  # the view travels to a render process
    finally:
        renderer.shutdown()
    assert len(pngs) == 3
    assert pngs == render_pages_sync(fn, view)  # the same pixels as drawn here


@pytest.mark.parametrize(
    ("title", "initial"),
    [
        ("[蔵]Glorious Crown", "G"),  # past an Utage tag
        ("【SYNTHETIC】とても長い曲名", "と"),
        ("Λzure Vixen", "Λ"),
        ("[宴]", "宴"),  # only a tag: its letter
        ("\u3000", "♪"),  # the song titled with one full-width space
    ],
)
def test_a_coverless_jacket_shows_the_titles_first_letter(title: str, initial: str) -> None:
    from plugins.maimai_archive.core.render.draw import title_initial

    assert title_initial(title) == initial
