"""The full-archive images (curve, visit, plate, attempts, ranking) rendered from SYNTHETIC
views: size bounds, not blank, no missing glyph, pages split where content is long."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from PIL import Image

from plugins.maimai_archive.core.render import attempts, curve, plate, ranking, visit
from plugins.maimai_archive.core.render.engine import render_pages_sync, render_png_sync
from plugins.maimai_archive.core.views.play_views import ChartRef
from plugins.maimai_archive.core.views.progress_views import (
    ChartAttemptsView,
    CurvePoint,
    JudgementPoint,
    Milestone,
    PlateCount,
    PlateMissing,
    PlateView,
    RankingEntry,
    RankingView,
    RatingCurveView,
    VersionMark,
    VisitPlay,
    VisitView,
)
from tests.core.test_render_support import PLAYER, RENDER_MARKS, check_png

pytestmark = RENDER_MARKS
CN = timezone(timedelta(hours=8))
T0 = datetime(2025, 11, 22, 13, 0, tzinfo=CN)
CHARTS = [
    ChartRef("ジングルベル", "SD", "master", "12", 127),
    ChartRef("Ｌｏｖｅ　ｍｅ，Ｌｏｖｅ　ｍｅ，Ｌｏｖｅ　ｍｅ！", "DX", "remaster", "14+", 148),
    ChartRef("系ぎて", "DX", "expert", "13", 130),
    ChartRef("Link", "SD", "basic", "3", None),
]


def _curve(n: int, span: timedelta, marks: tuple[VersionMark, ...] = ()) -> RatingCurveView:
    step = span / max(n - 1, 1)
    points = tuple(
        CurvePoint(T0 + step * i, 14000 + (i * 7) % 40 + i, i % 5 != 0) for i in range(n)
    )
    return RatingCurveView(PLAYER, points, marks)


@pytest.mark.parametrize(
    "view",
    [
        _curve(50, timedelta(hours=2)),  # one visit: minutes on the axis
        _curve(400, timedelta(days=700), (VersionMark(T0 + timedelta(days=300), "舞萌DX 2025"),)),
        _curve(1, timedelta(0)),  # a single snapshot
    ],
    ids=["two-hours", "two-years-with-version", "one-point"],
)
def test_rating_curve(view):
    check_png(render_png_sync(curve.rating_curve_figure, view))


def _play(i: int) -> VisitPlay:
    return VisitPlay(
        number=i + 1,
        chart=CHARTS[i % 4],
        played_at=T0 + timedelta(minutes=4 * i),
        track=i % 4 + 1,
        achievement=1_005_000 - 3_000 * i,
        rank="sss",
        fc="fcp" if i % 3 else None,
        fs="fsd" if i % 5 == 0 else None,
        dx_score=2000 - i,
        dx_score_max=2400,
        dx_stars=i % 6,
        new_record=i % 2 == 0,
        rating=300 - i,
        rating_after=14000 + i,
        fast=10 + i,
        late=20 - i % 7,
    )


def _visit(n: int, photos=()) -> VisitView:
    plays = tuple(_play(i) for i in range(n))
    return VisitView(
        PLAYER,
        plays[0].played_at,
        plays[-1].played_at,
        -(-n // 4),
        plays,
        14000,
        14000 + n,
        n // 2,
        plays[0],
        300,
        420,
        tuple(photos),
        "第 1 次出勤（共 2 次）",
    )


def test_visit_with_photos_real_and_missing(tmp_path):
    photo = tmp_path / "p.jpg"
    Image.new("RGB", (640, 480), (200, 80, 120)).save(photo)
    pngs = render_pages_sync(
        visit.visits_pages, (_visit(6, [photo, tmp_path / "gone.jpg"]), _visit(3))
    )
    assert len(pngs) == 2  # one page per visit
    first = check_png(pngs[0])
    assert first.size[1] > check_png(pngs[1]).size[1]  # the photo strip


def test_long_visit_splits_into_pages():
    pngs = render_pages_sync(visit.visit_pages, _visit(visit.ROWS_PER_PAGE + 5))
    assert len(pngs) == 2
    for png in pngs:
        check_png(png)


def test_visit_without_details():
    view = _visit(2)
    bare = VisitView(
        view.player, view.start, view.end, 1, view.plays, None, None, 0, view.best_play, None, None
    )
    check_png(render_png_sync(lambda v: visit.visit_pages(v)[0], bare))


def _plate(missing: int, as_of: date | None = None) -> PlateView:
    counts = (
        PlateCount("basic", 100, 120),
        PlateCount("advanced", 80, 120),
        PlateCount("expert", 10, 120),
        PlateCount("master", 0, 120),
        PlateCount("remaster", 0, 30),
    )
    rows = tuple(
        PlateMissing(
            CHARTS[i % 4], None if i % 3 == 0 else 990_000 + i, "fc" if i % 4 == 1 else None, None
        )
        for i in range(missing)
    )
    return PlateView(PLAYER, "舞将", "全谱面 SSS（100.0000%）", ("maimai",), counts, rows, as_of)


def test_plate_pages_are_capped():
    pngs = render_pages_sync(plate.plate_pages, _plate(1000, date(2025, 10, 1)))
    assert len(pngs) == plate.MAX_PAGES
    for png in pngs:
        check_png(png)


@pytest.mark.parametrize("missing", [0, 7])
def test_plate_short(missing):
    (png,) = render_pages_sync(plate.plate_pages, _plate(missing))
    check_png(png)


def test_chart_attempts():
    points = tuple(
        JudgementPoint(T0 + timedelta(days=i), 20 - i, 5 - i % 3, 3 - i % 2, 30 - i, 10 + i)
        for i in range(12)
    )
    milestones = (
        Milestone("S", 2, 0),
        Milestone("SSS", 9, 14),
        Milestone("SSS+", None, None),
        Milestone("FC", 4, 3),
        Milestone("AP", None, None),
    )
    view = ChartAttemptsView(PLAYER, CHARTS[1], 12, 8, 995_123, 1_004_321, milestones, points)
    check_png(render_png_sync(attempts.chart_attempts_figure, view))
    bare = ChartAttemptsView(PLAYER, CHARTS[3], 1, 1, 800_000, 800_000, milestones, ())
    check_png(render_png_sync(attempts.chart_attempts_figure, bare))
    one = ChartAttemptsView(PLAYER, CHARTS[3], 1, 1, 800_000, 800_000, milestones, points[:1])
    check_png(render_png_sync(attempts.chart_attempts_figure, one))


def test_ranking():
    entries = tuple(
        RankingEntry(i + 1, f"玩家{i}号 ＭＡＩＭＡＩ", 16000 - 137 * i, (None, 0, 25, -3)[i % 4])
        for i in range(70)
    )
    png = render_png_sync(ranking.ranking_figure, RankingView("本群 Rating 排行", entries))
    image = check_png(png)
    assert image.size[1] < 4000
    check_png(render_png_sync(ranking.ranking_figure, RankingView("本群 Rating 排行", entries[:1])))
