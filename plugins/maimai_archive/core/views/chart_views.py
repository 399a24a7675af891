"""View objects of ``/chart`` (one song, every difficulty) and ``/charts <level>``: catalogue
objects (``Song``/``Chart``, immutable) plus the asker's bests and their trail over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..songs.data import Chart, Song
from .play_views import PlayerHeader


@dataclass(frozen=True, slots=True)
class ChartBest:
    """The asker's best on one chart, and their achievements over time (oldest first)."""

    achievement: int
    fc: str | None = None
    fs: str | None = None
    dx_score: int | None = None
    history: tuple[tuple[datetime, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ChartInfoView:
    songs: tuple[Song, ...]  # the song's SD and/or DX set, or one Utage song
    aliases: tuple[str, ...] = ()
    player: PlayerHeader | None = None
    bests: dict[str, ChartBest] = field(default_factory=dict)  # chart_key → best


@dataclass(frozen=True, slots=True)
class ChartListView:
    level: str
    charts: tuple[Chart, ...]
    bests: dict[str, ChartBest] = field(default_factory=dict)
    player: PlayerHeader | None = None
    filters: str = ""  # "DX · MASTER", shown under the title
