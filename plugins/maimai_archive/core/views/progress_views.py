"""View objects of the images only a full archive can draw: the rating curve from every play,
visits, plate progress, chart attempts and the group ranking. Same conventions as ``views.py``
(achievements in 1/10000 %, constants in tenths, times in the site's wall clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .play_views import ChartRef, PlayCard, PlayerHeader

# --- /history: the rating curve ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CurvePoint:
    at: datetime
    rating: int
    from_play: bool  # the rating after a detailed play; False = a profile snapshot


@dataclass(frozen=True, slots=True)
class VersionMark:
    at: datetime
    label: str  # "舞萌DX 2025"


@dataclass(frozen=True, slots=True)
class RatingCurveView:
    player: PlayerHeader
    points: tuple[CurvePoint, ...]  # oldest first
    versions: tuple[VersionMark, ...] = ()


# --- /today: visits -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VisitPlay(PlayCard):
    """A play of a visit: its card (``number`` counts from the visit's first play), and what
    its detail page added."""

    rating_after: int | None = None  # DX rating after the play (detail page)
    fast: int | None = None
    late: int | None = None


@dataclass(frozen=True, slots=True)
class VisitView:
    player: PlayerHeader
    start: datetime
    end: datetime
    credits: int
    plays: tuple[VisitPlay, ...]
    rating_start: int | None
    rating_end: int | None
    new_bests: int
    best_play: VisitPlay | None
    fast: int | None  # totals over plays with details; None when no play has details
    late: int | None
    photos: tuple[Path, ...] = ()
    heading: str = ""  # "第 2 次出勤（共 3 次）" when a day had several


# --- /plate ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlateCount:
    difficulty: str
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class PlateMissing:
    chart: ChartRef
    achievement: int | None  # None: never played
    fc: str | None = None
    fs: str | None = None


@dataclass(frozen=True, slots=True)
class PlateView:
    player: PlayerHeader
    name: str  # "舞将"
    goal: str  # "全谱面 SSS（100.0000%）以上"
    versions: tuple[str, ...]
    counts: tuple[PlateCount, ...]
    missing: tuple[PlateMissing, ...]  # hardest first
    as_of: date | None = None

    @property
    def done(self) -> int:
        return sum(c.done for c in self.counts)

    @property
    def total(self) -> int:
        return sum(c.total for c in self.counts)


# --- /history <song>: attempts ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Milestone:
    label: str  # "S" "SSS" "SSS+" "FC" "AP"
    plays: int | None  # plays up to and including the first one that reached it; None = not yet
    days: int | None  # days from the first play


@dataclass(frozen=True, slots=True)
class JudgementPoint:
    at: datetime
    great: int
    good: int
    miss: int
    fast: int | None
    late: int | None


@dataclass(frozen=True, slots=True)
class ChartAttemptsView:
    player: PlayerHeader
    chart: ChartRef
    plays: int
    days: int  # distinct days played
    average: int
    best: int
    milestones: tuple[Milestone, ...]
    judgements: tuple[JudgementPoint, ...]  # plays with details, oldest first


# --- /rank ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankingEntry:
    place: int
    name: str
    rating: int
    change: int | None  # over the window; None when the archive has no earlier rating


@dataclass(frozen=True, slots=True)
class RankingView:
    title: str
    entries: tuple[RankingEntry, ...]
    days: int = 7
