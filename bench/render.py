"""Render benchmark: each image against its floor, and the event loop while images render.

    .venv/bin/python -m bench.render [--repeat 5]

For every image: the median time to build it and encode its PNG(s) in this process, and in
the same run its floor (``bench/render_floor.py``: the same canvas, panels, jackets, lines
and text lines composed with plain PIL and PNG-encoded), printed as a ratio. Then the lag of
a 10 ms ticker on the event loop while 4 ``/recent 50`` render in the render processes.

Views are SYNTHETIC, sized like a 5,000-play archive (recent 50 = 3 pages, a 60-change diff
= 2 pages, 500 rating points, 300 plays on one chart, /charts 13+ with 320 charts); jackets
are SYNTHETIC 200×200 PNG covers written to a temporary folder. Renderers take only views,
so this measures drawing + encoding, not the database.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import render_floor
from PIL import Image

from plugins.maimai_archive.core.game import ChartType, Difficulty
from plugins.maimai_archive.core.render import (
    album,
    b50,
    cards,
    curve,
    diff,
    history,
    pil_text,
    records_table,
)
from plugins.maimai_archive.core.render.chart import chart_list_figures
from plugins.maimai_archive.core.render.engine import render_many, style_context
from plugins.maimai_archive.core.render.pool import RenderPool
from plugins.maimai_archive.core.songs.data import Chart, Notes
from plugins.maimai_archive.core.views.chart_views import ChartBest, ChartListView
from plugins.maimai_archive.core.views.play_views import (
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
from plugins.maimai_archive.core.views.progress_views import CurvePoint, RatingCurveView

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
PLAYS = 5000


def write_jackets(folder: Path, count: int = 24) -> list[Path]:
    """SYNTHETIC covers, 200×200 like the 水鱼 ones: gradients, discs and a little grain."""
    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:200, 0:200] / 200.0
    paths = []
    for i in range(count):
        base = rng.uniform(40, 220, 3)
        tilt = rng.uniform(-80, 80, 3)
        img = base + tilt * xx[..., None] + tilt[::-1] * yy[..., None]
        for _ in range(4):
            cx, cy = rng.uniform(0, 1, 2).tolist()
            r = float(rng.uniform(0.1, 0.3))
            disc = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
            img[disc] = rng.uniform(0, 255, 3)
        img += rng.normal(0, 6, img.shape)
        path = folder / f"{i + 1:05d}.png"
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path)
        paths.append(path)
    return paths


def _card(rng: random.Random, i: int, jackets: list[Path]) -> PlayCard:
    ach = rng.randint(950_000, 1_008_000)
    chart = ChartRef(
        rng.choice(TITLES),
        rng.choice(["SD", "DX"]),
        rng.choice(DIFFS),
        "13+",
        rng.randint(120, 150),
        rng.choice(jackets),
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
        i % 7 == 0,
        rng.randint(250, 330),
    )


def _charts_view(rng: random.Random) -> ChartListView:
    """/charts 13+: 320 charts over 13.7–13.9 (the real level has ~330), 60 % played."""
    charts = tuple(
        Chart(
            10_000 + i,
            f"{rng.choice(TITLES)} {i}",
            rng.choice([ChartType.SD, ChartType.DX]),
            rng.choice([Difficulty.EXPERT, Difficulty.MASTER, Difficulty.REMASTER]),
            "13+",
            137 + i % 3,
            Notes(500, 60, 80, 20, 40),
            "charter",
            i % 9 == 0,
        )
        for i in range(320)
    )
    bests = {
        c.key: ChartBest(rng.randint(960_000, 1_007_000), rng.choice([None, "fc", "ap"]))
        for c in charts
        if rng.random() < 0.6
    }
    return ChartListView("13+", charts, bests, PLAYER)


def views(jackets: list[Path], plays: int = PLAYS) -> dict[str, tuple[Callable[..., Any], Any]]:
    """Each image's renderer (as a list of figures) and its view."""
    rng = random.Random(plays)
    all_cards = [_card(rng, i, jackets) for i in range(plays)]
    recent = tuple(all_cards[:50])
    entries = [
        B50Tile(c.chart, c.achievement, c.rank, c.fc, c.fs, c.rating or 0) for c in all_cards[:50]
    ]
    diff_entries = tuple(
        DiffEntry(
            c.chart,
            c.achievement - 3000,
            c.achievement,
            (c.rating or 0) - 2,
            c.rating,
            new_fc="fc",
        )
        for c in all_cards[:60]
    )
    return {
        "b50": (single(b50.b50_figure), B50View(PLAYER, tuple(entries[:35]), tuple(entries[35:]))),
        "recent 50": (cards.recent_pages, RecentView(PLAYER, recent)),
        "recent 10": (cards.recent_pages, RecentView(PLAYER, recent[:10])),
        "play": (
            single(cards.play_detail_figure),
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
        ),
        "diff (60 changes)": (
            diff.diff_pages,
            DiffView(PLAYER, "上次同步", 14300, 14321, diff_entries, (), 50),
        ),
        "records": (
            single(records_table.records_figure),
            RecordsView(PLAYER, tuple(all_cards[:25]), 1, -(-plays // 25), plays),
        ),
        "charts 13+": (chart_list_figures, _charts_view(rng)),
        "rating history": (
            single(curve.rating_curve_figure),
            RatingCurveView(
                PLAYER,
                tuple(CurvePoint(T0 + timedelta(days=i), 12000 + 3 * i, True) for i in range(500)),
            ),
        ),
        "chart history": (
            single(history.chart_history_figure),
            ChartHistoryView(
                PLAYER,
                recent[0].chart,
                tuple(
                    ChartPoint(T0 + timedelta(days=i), 990_000 + 10 * i, 2500 + i, i % 7 == 0)
                    for i in range(300)
                ),
            ),
        ),
        "album": (
            album.album_pages,
            AlbumView(
                PLAYER,
                tuple(
                    AlbumPhoto(i + 1, jackets[i], TITLES[i % 6], "master", T0) for i in range(24)
                ),
            ),
        ),
    }


def single(fn: Callable[..., Any]) -> Callable[..., list[Any]]:
    """A one-figure renderer as a page list."""
    return lambda view: [fn(view)]


def median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        pil_text.clear_caches()  # cold: no string of the image drawn before in this process
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(name: str, fn: Callable[..., Any], view: Any, repeat: int) -> str:
    """One table row: ours, the floor (all pages), the ratio, per page, the largest PNG."""
    pngs = render_many(fn, (view,), {}, None)  # warm: thumbnails, fonts, glyphs
    ours = median_ms(lambda: render_many(fn, (view,), {}, None), repeat)
    with style_context():
        specs = [render_floor.spec(fig) for fig in fn(view)]
    for s in specs:
        render_floor.prepare(s)
    floor = median_ms(lambda: [render_floor.compose(s) for s in specs], repeat)
    pages = len(pngs)
    return (
        f"| {name} | {pages} | {ours:.0f} | {floor:.0f} | **{ours / floor:.2f}** | "
        f"{ours / pages:.0f} | {max(map(len, pngs)) / 1000:.0f} kB | {specs[0].counts()} |"
    )


async def loop_lag(view: Any, renders: int) -> tuple[float, float]:
    """(median, max) lateness in ms of a 10 ms ticker; ``renders`` × /recent 50 at once in
    the render processes (0 = idle for 2 s)."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - start - 0.01) * 1000)

    renderer = RenderPool()
    if renders:
        await asyncio.to_thread(renderer.start)
        await renderer.pages(cards.recent_pages, view)  # the workers are up and warm
    task = asyncio.create_task(ticker())
    try:
        if renders:
            await asyncio.gather(*(renderer.pages(cards.recent_pages, view) for _ in range(4)))
        else:
            await asyncio.sleep(2.0)
    finally:
        stop.set()
        await task
        await asyncio.to_thread(renderer.shutdown)
    return statistics.median(lags), max(lags)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated image names")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="maimai-bench-covers-") as tmp:
        jackets = write_jackets(Path(tmp))
        sets = views(jackets)
        print(
            "| image | pages | ours (ms) | floor (ms) | ours/floor | ours per page (ms) "
            "| largest PNG | floor draws (page 1) |\n|---|---:|---:|---:|---:|---:|---:|---|"
        )
        for name, (fn, view) in sets.items():
            if args.only and name not in args.only.split(","):
                continue
            print(measure(name, fn, view, args.repeat), flush=True)
        if args.only:
            return
        recent = sets["recent 50"][1]
        idle = asyncio.run(loop_lag(recent, 0))
        busy = asyncio.run(loop_lag(recent, 4))
    print("\n| event loop (10 ms ticker) | median lag (ms) | max lag (ms) |\n|---|---:|---:|")
    print(f"| idle | {idle[0]:.2f} | {idle[1]:.2f} |")
    print(f"| 4 × /recent 50 rendering (render processes) | {busy[0]:.2f} | {busy[1]:.2f} |")


if __name__ == "__main__":
    main()
