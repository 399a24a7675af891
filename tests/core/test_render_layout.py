"""Layout checked geometrically on what is drawn (each label's ink as the layer measures it,
the lines as the layer's records), not on what the layout code estimated: nothing on a
/recent card covers anything else, a B50 tile's number sits inside its tile clear of the
jacket, and the judgement chart's legend covers none of its lines."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from itertools import combinations, pairwise
from typing import Any, cast

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from plugins.maimai_archive.core.render import attempts, b50, curve, diff, history, style
from plugins.maimai_archive.core.render import cards as cards_r
from plugins.maimai_archive.core.render.cards import HEADER_H
from plugins.maimai_archive.core.render.engine import render_png_sync
from plugins.maimai_archive.core.render.layer import Box, Layer, Markers, Polyline
from plugins.maimai_archive.core.views.play_views import (
    B50View,
    ChartHistoryView,
    ChartPoint,
    DiffEntry,
    DiffView,
    RecentView,
)
from plugins.maimai_archive.core.views.progress_views import (
    ChartAttemptsView,
    CurvePoint,
    JudgementPoint,
    Milestone,
    RatingCurveView,
    VersionMark,
)
from tests.core.test_render_archive import CHARTS, T0
from tests.core.test_render_support import PLAYER, b50_entries, fixture_cards

SLACK = 0.5  # px: anti-aliased edges may touch


def overlap(a: Bbox, b: Bbox) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > SLACK and min(a.y1, b.y1) - max(a.y0, b.y0) > SLACK


def drawn_with_labels(build) -> tuple[Figure, FigureCanvasAgg, list[tuple[str, Bbox]]]:
    """The figure ``build`` makes, drawn by the Agg renderer, and the ink box of every label of
    its canvas, measured inside the render (with the render's fonts)."""
    out: list = []

    def render() -> Figure:
        figure = build()
        canvas = FigureCanvasAgg(figure)
        figure.draw(canvas.get_renderer())
        labels = [
            (text, Bbox.from_extents(*box))
            for layer in figure.artists
            if isinstance(layer, Layer)
            for text, box in layer.label_boxes(figure.dpi)
        ]
        out.append((figure, canvas, labels))
        return figure

    render_png_sync(render)
    return out[0]


def crowded_cards():
    """Every mark a card can carry at once, at its widest: both lamps, five stars, both
    records, 101.0000% SSS+, a four-digit DX score, a three-digit rating, a place."""
    card = fixture_cards(1)[0]
    widest: dict[str, Any] = dict(fc="app", fs="fsdp", dx_stars=5, new_record=True, new_dx_record=True,
                  achievement=1_010_000, rank="sssp", rating=337, dx_score=3306,
                  dx_score_max=3306, place=2)  # fmt: skip
    return tuple(
        replace(card, number=i + 1, **{**widest, **change})
        for i, change in enumerate(
            cast(
                "list[dict[str, Any]]",
                [{}, {"fc": None, "fs": None}, {"new_record": False}, {"dx_stars": 1}],
            )
        )
    )


def test_nothing_on_a_recent_card_covers_anything_else() -> None:
    cards = crowded_cards()
    figure, _, labels = drawn_with_labels(
        lambda: cards_r.recent_pages(RecentView(PLAYER, cards))[0]
    )
    texts = [(text, box) for text, box in labels if text.strip()]
    stars = [box for text, box in texts if text.startswith("★")]
    new = [box for text, box in texts if text == "DX NEW"]
    assert len(stars) == len(new) == len(cards)
    clashes = [(a, b) for (a, ba), (b, bb) in combinations(texts, 2) if overlap(ba, bb)]
    assert clashes == []
    # …and no text runs out of its card or into the next one
    width = figure.bbox.width
    for text, box in texts:
        assert 0 <= box.x0 and box.x1 <= width, text


def drawn_b50(unrated: int = 0) -> tuple[B50View, Figure, list[tuple[str, Bbox]], list[Bbox]]:
    """A full B50 drawn: its view, figure, label ink boxes and every box record (as Bboxes)."""
    entries = b50_entries(fixture_cards())
    view = B50View(PLAYER, tuple(entries[15:50]), tuple(entries[:15]), unrated=unrated)
    figure, _, labels = drawn_with_labels(lambda: b50.b50_figure(view))
    [layer] = [a for a in figure.artists if isinstance(a, Layer)]
    boxes = [
        Bbox.from_bounds(item.x, item.y, item.w, item.h)
        for _, item in layer.items
        if isinstance(item, Box)
    ]
    return view, figure, [(text, box) for text, box in labels if text.strip()], boxes


def test_a_b50_tile_number_sits_inside_its_tile_and_covers_nothing() -> None:
    view, _, labels, boxes = drawn_b50()
    tiles = [b for b in boxes if (b.width, b.height) == (b50.TILE_W, b50.TILE_H)]
    jackets = [b for b in boxes if b.width == b.height < b50.TILE_H]  # the frame, the cover
    numbers = [(text, box) for text, box in labels if re.fullmatch(r"#\d+", text)]
    assert len(numbers) == len(tiles) == len(view.old) + len(view.new)
    for text, box in numbers:
        [tile] = [t for t in tiles if t.contains(*box.get_points().mean(axis=0))]
        inner = tile.padded(-2)  # clear of the tile's edge line
        assert inner.x0 <= box.x0 and box.x1 <= inner.x1, text
        assert inner.y0 <= box.y0 and box.y1 <= inner.y1, text
        assert not [j for j in jackets if overlap(box, j)], text
        assert not [other for other, b in labels if other != text and overlap(box, b)], text


def test_a_b50_that_left_bests_out_says_so_in_a_line_that_covers_nothing() -> None:
    _, figure, labels, boxes = drawn_b50(unrated=3)
    [note] = [box for text, box in labels if text == "3 项成绩的谱面曲库暂未收录，未计入 B50"]
    assert [(a, b) for (a, ba), (b, bb) in combinations(labels, 2) if overlap(ba, bb)] == []
    assert not [b for b in boxes if b.height == b50.TILE_H and overlap(note, b)]
    assert 0 <= note.x0 and note.x1 <= figure.bbox.width
    _, _, plain, _ = drawn_b50()
    assert not [text for text, _ in plain if "未计入" in text]


def test_the_judgement_legend_covers_no_line() -> None:
    # FAST highest all along and flat: wherever a legend sits inside the plot, it covers it.
    points = tuple(
        JudgementPoint(T0 + timedelta(days=i), 18 + i % 3, 5 - i % 3, 3 - i % 2, 40, 12 + i)
        for i in range(12)
    )
    milestones = (Milestone("S", 2, 0), Milestone("SSS", None, None))
    view = ChartAttemptsView(PLAYER, CHARTS[1], 12, 8, 995_123, 1_004_321, milestones, points)
    figure, _, labels = drawn_with_labels(lambda: attempts.chart_attempts_figure(view))
    [layer] = [a for a in figure.artists if isinstance(a, Layer)]
    names = {"GREAT", "GOOD", "MISS", "FAST", "LATE"}
    records = [item for _, item in layer.items if isinstance(item, Polyline | Markers)]
    lines = {r.label: r for r in records if isinstance(r, Polyline) and r.label}
    assert names <= set(lines)
    # The legend: each entry's text (its ink) and its sample, an unlabelled line or marker in
    # the series' colour (the frame and grid have colours of their own).
    texts = [box for text, box in labels if text in names]
    assert len(texts) == len(names)
    colours = {to_rgba(lines[name].colour) for name in names}
    samples = [
        Bbox.from_extents(*r.xy.min(axis=0), *r.xy.max(axis=0))
        for r in records
        if not r.label and to_rgba(r.colour if isinstance(r, Polyline) else r.edge) in colours
    ]
    assert len(samples) >= len(names)
    legend = Bbox.union(texts + samples)  # canvas pixels, y down
    for label in names:
        xy = np.asarray(lines[label].xy, dtype=float)
        # the points and the segments between them (sampled every pixel or so)
        path = np.concatenate([np.linspace(a, b, 200) for a, b in pairwise(xy)] or [xy])
        inside = (
            (path[:, 0] >= legend.x0)
            & (path[:, 0] <= legend.x1)
            & (path[:, 1] >= legend.y0)
            & (path[:, 1] <= legend.y1)
        )
        assert not inside.any(), f"the legend covers the {label} line"
    # The legend stays on the image, below the stats panel's bottom edge.
    assert 0 <= legend.x0 and legend.x1 <= figure.bbox.width
    assert legend.y0 >= HEADER_H + 36 + attempts.STATS_H


def test_a_version_mark_outside_the_plot_draws_nothing() -> None:
    # One play: the axis spans an hour around it; a version that began 33 minutes before the
    # play (marks come from every play, the points only from detailed ones) lies just left of
    # the plot, over the y axis's labels.
    point = CurvePoint(T0, 14000, True)
    mark = VersionMark(T0 - timedelta(minutes=33), "舞萌DX 2025")
    view = RatingCurveView(PLAYER, (point,), (mark,))
    _, canvas, labels = drawn_with_labels(lambda: curve.rating_curve_figure(view))
    assert "舞萌DX 2025" not in [text for text, _ in labels]
    # Nothing else on this image is orange (the mark's colour, anti-aliased: red ≫ blue).
    assert to_rgba(style.NEW_RECORD)[0] - to_rgba(style.NEW_RECORD)[2] > 0.9
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    orange = pixels[..., 0] - pixels[..., 2] > 120
    assert not orange.any(), "the mark's dashed line is drawn outside the plot"


def test_one_play_of_a_chart_spans_an_hour_with_its_dx_score_drawn() -> None:
    view = ChartHistoryView(PLAYER, CHARTS[0], (ChartPoint(T0, 1_003_456, 2400, True),))
    figure, _, labels = drawn_with_labels(lambda: history.chart_history_figure(view))
    ticks = [text for text, _ in labels if text[:2].isdigit() and ":" in text]
    assert len(ticks) >= 3, [text for text, _ in labels]  # clock times, not years
    [layer] = [a for a in figure.artists if isinstance(a, Layer)]
    dx = [item for _, item in layer.items if isinstance(item, Markers) and item.label == "DX 分数"]
    assert len(dx) == 1 and len(dx[0].xy) == 1


def test_a_best_that_rose_by_its_dx_score_alone_says_so() -> None:
    same = 1_005_075
    entry = DiffEntry(CHARTS[0], same, same, 330, 330, old_dx_score=2400, new_dx_score=2450)
    view = DiffView(PLAYER, "上次同步", 14300, 14300, (entry,), (), 1)
    _, _, labels = drawn_with_labels(lambda: diff.diff_pages(view)[0])
    texts = [text for text, _ in labels]
    assert "DX +50" in texts, texts


def test_plot_dates_are_written_as_players_write_them() -> None:
    points = tuple(
        ChartPoint(T0 + timedelta(days=9 * i), 990_000 + i, 2400, False) for i in range(30)
    )
    view = ChartHistoryView(PLAYER, CHARTS[0], points)
    _, _, labels = drawn_with_labels(lambda: history.chart_history_figure(view))
    texts = [text for text, _ in labels]
    assert any(text.endswith("月") for text in texts), texts
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    assert not [t for t in texts if any(m in t for m in months)], texts
