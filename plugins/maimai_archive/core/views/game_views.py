"""View objects of the group games: /random's chart card, /fortune, /guess's clues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .chart_views import ChartBest
from .play_views import ChartRef


@dataclass(frozen=True, slots=True)
class GuessClueView:
    jacket: Path
    box: tuple[float, float, float]  # left, top, side: the crop, as parts of the jacket
    number: int  # the clue's number (1 = the first); 0 on the reveal
    hints: tuple[str, ...]  # level, artist … (empty at first)
    seconds_left: int | None  # None on the reveal
    title: str | None = None  # the answer, on the reveal only
    headline: str | None = None  # the reveal's first line ("某某 猜对了！")


@dataclass(frozen=True, slots=True)
class FortuneView:
    day: date
    name: str | None
    luck: str
    good: tuple[tuple[str, str], ...]  # 宜: (what, why)
    bad: tuple[tuple[str, str], ...]  # 忌
    chart: ChartRef | None
    reason: str
    best: int | None  # the asker's best on the chart


@dataclass(frozen=True, slots=True)
class RandomChartView:
    chart: ChartRef
    song_id: int
    artist: str
    charter: str
    notes: int
    bpm: float | None
    asked: str  # what narrowed the pick ("13+ · 未SSS"); empty: any chart
    player: str | None  # the asker's name when they have an archive
    best: ChartBest | None  # the asker's best on it
    target: int | None = None  # 推分: the achievement to reach …
    gain: int | None = None  # … and what it adds to the rating
