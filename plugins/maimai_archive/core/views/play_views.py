"""View objects: exactly what one image shows, already computed. Renderers take only these.

Layer names: ``Play`` (archive row) → ``PlayCard`` (view) → PNG. Codes are the game's stable
strings (``game.py``); achievements are ints in 1/10000 percent; constants are ints in tenths
(13.7 → 137) or None when the song catalogue does not know the chart (yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..rating import B50Totals


@dataclass(frozen=True, slots=True)
class PlayerHeader:
    name: str
    rating: int | None = None
    friend_code: str | None = None


@dataclass(frozen=True, slots=True)
class ChartRef:
    """One chart as shown: title, type, difficulty, level and (when known) constant."""

    title: str
    type: str  # ChartType code
    difficulty: str  # Difficulty code
    level: str | None = None
    constant: int | None = None  # tenths
    jacket: Path | None = None  # a cached cover file; None draws the placeholder


@dataclass(frozen=True, slots=True)
class PlayCard:
    """One archived play, as a score card or a table row."""

    number: int  # 1 = the latest play (what /play <n> takes)
    chart: ChartRef
    played_at: datetime
    track: int
    achievement: int
    rank: str  # Rank code
    fc: str | None
    fs: str | None
    dx_score: int
    dx_score_max: int | None
    dx_stars: int
    new_record: bool = False
    new_dx_record: bool = False
    rating: int | None = None  # this play's chart rating (None: constant unknown / Utage)
    place: int | None = None


@dataclass(frozen=True, slots=True)
class RecentView:
    player: PlayerHeader
    cards: tuple[PlayCard, ...]


@dataclass(frozen=True, slots=True)
class PlayDetailView:
    player: PlayerHeader
    card: PlayCard
    # "tap" "hold" "slide" "touch" "break" → (CP, P, GREAT, GOOD, MISS); None = empty cell
    judgements: dict[str, tuple[int | None, ...]] | None
    fast: int | None
    late: int | None
    max_combo: tuple[int, int] | None
    max_sync: tuple[int, int] | None
    rating_after: int | None  # DX rating after the play (from the detail page)
    rating_delta: int | None
    previous: tuple[PlayCard, ...] = ()  # earlier plays of the same chart, newest first


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One chart whose best changed: old → new, its rating contribution, lamps, B50 moves."""

    chart: ChartRef
    old_achievement: int | None  # None: first play of the chart
    new_achievement: int
    old_rating: int | None
    new_rating: int | None
    old_fc: str | None = None
    new_fc: str | None = None
    old_fs: str | None = None
    new_fs: str | None = None
    old_dx_score: int | None = None
    new_dx_score: int | None = None
    changed_at: datetime | None = None
    entered_b50: bool = False

    @property
    def dx_gain(self) -> int:
        """How much the DX score rose (0: not recorded, or not higher)."""
        if self.old_dx_score is None or self.new_dx_score is None:
            return 0
        return max(0, self.new_dx_score - self.old_dx_score)

    @property
    def new_lamp(self) -> bool:
        return (self.new_fc or None) != (self.old_fc or None) or (self.new_fs or None) != (
            self.old_fs or None
        )


@dataclass(frozen=True, slots=True)
class DiffView:
    player: PlayerHeader
    label: str  # "上次同步 2025-10-03 21:40" / "自 2025-10-01 起"
    rating_before: int | None
    rating_after: int | None
    entries: tuple[DiffEntry, ...]
    left_b50: tuple[ChartRef, ...] = ()  # charts pushed out of the B50
    new_plays: int = 0


@dataclass(frozen=True, slots=True)
class ChartPoint:
    at: datetime
    achievement: int
    dx_score: int | None
    best: bool  # this play raised the best at its time


@dataclass(frozen=True, slots=True)
class ChartHistoryView:
    player: PlayerHeader
    chart: ChartRef
    points: tuple[ChartPoint, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class B50Tile:
    chart: ChartRef
    achievement: int
    rank: str
    fc: str | None
    fs: str | None
    rating: int
    dx_score: int | None = None
    dx_score_max: int | None = None


@dataclass(frozen=True, slots=True)
class B50View(B50Totals):
    player: PlayerHeader
    old: tuple[B50Tile, ...]  # best 35 of older versions
    new: tuple[B50Tile, ...]  # best 15 of the current version
    as_of: date | None = None  # None = now; else the B50 rebuilt from the archive at that date
    unrated: int = 0  # the player's bests left out: the song data does not know their charts yet

    @property
    def unrated_note(self) -> str:
        """Why the total may fall short of the player's rating ("" when nothing is left out)."""
        return f"{self.unrated} 项成绩的谱面曲库暂未收录，未计入 B50" if self.unrated else ""


@dataclass(frozen=True, slots=True)
class RecordsView:
    player: PlayerHeader
    rows: tuple[PlayCard, ...]
    page: int  # 1-based
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class AlbumPhoto:
    number: int  # 1 = the newest (what /album <n> takes)
    path: Path | None  # the downloaded image; None draws a placeholder
    title: str | None
    difficulty: str | None
    taken_at: datetime | None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class AlbumView:
    player: PlayerHeader
    photos: tuple[AlbumPhoto, ...]
