"""The /chart and /charts images: they render, stay in bounds, and count ranks right."""

from __future__ import annotations

from datetime import datetime, timedelta

from plugins.maimai_archive.core.render.chart import (
    chart_info_figure,
    chart_list_figures,
    rank_counts,
)
from plugins.maimai_archive.core.render.engine import render_pages_sync, render_png_sync
from plugins.maimai_archive.core.views.chart_views import ChartBest, ChartInfoView, ChartListView
from plugins.maimai_archive.core.views.play_views import PlayerHeader
from tests.core.test_render_support import RENDER_MARKS, check_png
from tests.core.test_songs_support import known, real_catalogue, small_catalogue

pytestmark = RENDER_MARKS

T0 = datetime(2025, 11, 1, 20, 0)


def test_chart_image_of_both_sets_with_a_best_and_its_history() -> None:
    catalogue = small_catalogue()
    songs = tuple(catalogue.siblings(known(catalogue.song(1))))
    history = tuple(
        (T0 + timedelta(days=i), a) for i, a in enumerate((970_000, 990_000, 1_004_000))
    )
    view = ChartInfoView(
        songs,
        ("阿尔法",),
        PlayerHeader("玩家", 13000),
        {"10001:master": ChartBest(1_004_000, "ap", "fsd", history=history)},
    )
    image = check_png(render_png_sync(chart_info_figure, view))
    assert image.size[0] == 1200 and image.size[1] > 900  # 9 difficulty rows


def test_chart_image_of_the_blank_title_and_an_utage_song_without_a_player() -> None:
    catalogue = small_catalogue()
    for song in (known(catalogue.song(11422)), known(catalogue.song(100500))):
        check_png(render_png_sync(chart_info_figure, ChartInfoView((song,))))


def test_charts_list_splits_tall_levels_into_pages() -> None:
    catalogue = real_catalogue()
    charts = tuple(catalogue.charts_at_level("13+"))
    assert len(charts) > 300
    pages = render_pages_sync(chart_list_figures, ChartListView("13+", charts))
    assert len(pages) >= 2
    for png in pages:
        check_png(png)


def test_rank_counts_use_greater_or_equal() -> None:
    catalogue = small_catalogue()
    charts = tuple(catalogue.charts_at_level("13+"))  # two charts
    bests = {charts[0].key: ChartBest(1_005_000), charts[1].key: ChartBest(969_999)}
    view = ChartListView("13+", charts, bests)
    assert rank_counts(view) == {"S": 1, "SS": 1, "SSS": 1, "SSS+": 1}
    image = render_pages_sync(chart_list_figures, view)
    assert len(image) == 1 and check_png(image[0])
