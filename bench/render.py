"""Render benchmark: median time per image on a 50-play and a 5,000-play archive, and the
event-loop delay (lag of a 10 ms ticker) while 4 renders run at once, against idle.

    .venv/bin/python -m bench.render [--repeat 5]

Views are SYNTHETIC (sized like each archive: the 5,000-play one has 500 rating snapshots,
300 plays on one chart, 200 records pages); renderers take only views, so this measures
drawing + PNG encoding, not the database.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from plugins.maimai_archive.core.render import (
    album,
    b50,
    cards,
    curve,
    diff,
    history,
    records_table,
)
from plugins.maimai_archive.core.render.archive_view_models import CurvePoint, RatingCurveView
from plugins.maimai_archive.core.render.base import render_pages_sync, render_png_sync
from plugins.maimai_archive.core.render.pool import RenderPool
from plugins.maimai_archive.core.render.view_models import (
    AlbumPhoto,
    AlbumView,
    B50Tile,
    B50View,
    ChartHistoryView,
    ChartPoint,
    ChartRef,
    DiffEntry,
    DiffView,
    PlayCard,
    PlayDetailView,
    PlayerHeader,
    RecentView,
    RecordsView,
)

TITLES = [
    "渦状銀河のシンフォニエッタ",
    "Xaleid◆scopiX",
    "GIGANTØMAKHIA",
    "康莊大道",
    "Λzure Vixen",
    "ジングルベル",
]
DIFFS = ["basic", "advanced", "expert", "master", "remaster"]
PLAYER = PlayerHeader("ベンチ玩家", 14321)
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _card(rng: random.Random, i: int) -> PlayCard:
    ach = rng.randint(950_000, 1_008_000)
    chart = ChartRef(
        rng.choice(TITLES),
        rng.choice(["SD", "DX"]),
        rng.choice(DIFFS),
        "13+",
        rng.randint(120, 150),
    )
    return PlayCard(
        i + 1,
        chart,
        T0 + timedelta(minutes=7 * i),
        i % 4 + 1,
        ach,
        "sss",
        "fc",
        "fs",
        2500,
        3000,
        3,
        i % 5 == 0,
        False,
        rng.randint(250, 330),
    )


def views(plays: int) -> dict[str, tuple]:
    rng = random.Random(plays)
    all_cards = [_card(rng, i) for i in range(plays)]
    recent = tuple(all_cards[:50])
    entries = [
        B50Tile(c.chart, c.achievement, c.rank, c.fc, c.fs, c.rating or 0) for c in all_cards[:50]
    ]
    snapshots = max(10, plays // 10)
    on_chart = max(5, min(300, plays // 16))
    diff_rows = min(60, max(5, plays // 80))
    return {
        "recent": (cards.recent_pages, RecentView(PLAYER, recent), True),
        "play": (
            cards.play_detail_figure,
            PlayDetailView(
                PLAYER,
                recent[0],
                {"tap": (400, 20, 3, 1, 0), "break": (30, 2, 0, 0, 0)},
                10,
                20,
                (500, 520),
                None,
                14321,
                3,
                recent[1:13],
            ),
            False,
        ),
        "diff": (
            diff.diff_pages,
            DiffView(
                PLAYER,
                "上次同步",
                14300,
                14321,
                tuple(
                    DiffEntry(
                        c.chart,
                        c.achievement - 3000,
                        c.achievement,
                        (c.rating or 0) - 2,
                        c.rating,
                        new_fc="fc",
                    )
                    for c in all_cards[:diff_rows]
                ),
                (),
                50,
            ),
            True,
        ),
        "rating_history": (
            curve.rating_curve_figure,
            RatingCurveView(
                PLAYER,
                tuple(
                    CurvePoint(T0 + timedelta(days=i), 12000 + 3 * i, True)
                    for i in range(snapshots)
                ),
            ),
            False,
        ),
        "chart_history": (
            history.chart_history_figure,
            ChartHistoryView(
                PLAYER,
                recent[0].chart,
                tuple(
                    ChartPoint(T0 + timedelta(days=i), 990_000 + 10 * i, 2500 + i, i % 7 == 0)
                    for i in range(on_chart)
                ),
            ),
            False,
        ),
        "b50": (b50.b50_figure, B50View(PLAYER, tuple(entries[:35]), tuple(entries[35:50])), False),
        "records": (
            records_table.records_figure,
            RecordsView(PLAYER, tuple(all_cards[:25]), 1, -(-plays // 25), plays),
            False,
        ),
        "album": (
            album.album_pages,
            AlbumView(
                PLAYER,
                tuple(
                    AlbumPhoto(i + 1, None, TITLES[i % 6], "master", T0)
                    for i in range(min(plays // 5, 24))
                ),
            ),
            True,
        ),
    }


def median_ms(fn, view, pages: bool, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        render_pages_sync(fn, view) if pages else render_png_sync(fn, view)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def loop_lag(seconds: float, load: bool, view) -> tuple[float, float]:
    """(median, max) lateness in ms of a 10 ms ticker, optionally while 4 renders run."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - start - 0.01) * 1000)

    task = asyncio.create_task(ticker())
    if load:
        renderer = RenderPool()
        try:
            await asyncio.gather(*(renderer.pages(cards.recent_pages, view) for _ in range(4)))
        finally:
            renderer.shutdown()
    else:
        await asyncio.sleep(seconds)
    stop.set()
    await task
    return statistics.median(lags), max(lags)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sets = {n: views(n) for n in (50, 5000)}
    render_png_sync(*sets[50]["play"][:2])  # warm up fonts and caches
    print("| image | 50 plays (ms) | 5,000 plays (ms) |\n|---|---:|---:|")
    for name in sets[50]:
        small = median_ms(*sets[50][name], args.repeat)
        large = median_ms(*sets[5000][name], args.repeat)
        print(f"| {name} | {small:.0f} | {large:.0f} |")
    recent = sets[5000]["recent"][1]
    idle = asyncio.run(loop_lag(2.0, False, recent))
    busy = asyncio.run(loop_lag(0, True, recent))
    print("\n| event loop (10 ms ticker) | median lag (ms) | max lag (ms) |\n|---|---:|---:|")
    print(f"| idle | {idle[0]:.2f} | {idle[1]:.2f} |")
    print(f"| 4 × /recent 50 rendering | {busy[0]:.2f} | {busy[1]:.2f} |")


if __name__ == "__main__":
    main()
