"""Songs and charts as the bot uses them, read from 水鱼 ``music_data`` records.

Ids follow 水鱼: a song's SD chart set has the SD id, its DX set SD id + 10000, Utage songs
ids ≥ 100000. Constants are ints in tenths (13.7 → 137) so rating math never touches a float.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import PageChanged
from ..game import ChartType, Difficulty

DX_OFFSET = 10_000
UTAGE_MIN_ID = 100_000
SOURCE = "music_data"


@dataclass(frozen=True, slots=True)
class Notes:
    tap: int
    hold: int
    slide: int
    touch: int  # 0 on SD charts
    break_: int

    @property
    def total(self) -> int:
        return self.tap + self.hold + self.slide + self.touch + self.break_

    @property
    def dx_score_max(self) -> int:
        return 3 * self.total

    @property
    def total_base(self) -> int:
        """Base points of a perfect play without the break bonus (DOMAIN.md §5)."""
        return (
            500 * self.tap
            + 1000 * self.hold
            + 1500 * self.slide
            + 500 * self.touch
            + 2500 * self.break_
        )


@dataclass(frozen=True, slots=True)
class Chart:
    song_id: int
    title: str
    type: ChartType
    difficulty: Difficulty
    level: str  # as the game shows it: "13+", Utage "12?"
    constant: int  # tenths: 13.7 → 137
    notes: Notes
    charter: str
    is_new: bool  # current version (counts in the B50's 15)

    @property
    def key(self) -> str:
        return chart_key(self)

    @property
    def constant_text(self) -> str:
        return f"{self.constant // 10}.{self.constant % 10}"


@dataclass(frozen=True, slots=True)
class Song:
    id: int
    title: str
    type: ChartType
    artist: str
    genre: str
    bpm: float
    version: str  # 水鱼 basic_info.from (JP version names)
    is_new: bool
    charts: tuple[Chart, ...]
    buddy: bool = False  # Utage played by two players; its chart holds both sides' notes

    @property
    def base_id(self) -> int:
        """The id shared by a song's SD and DX sets (LXNS ids, alias keys)."""
        return base_id(self.id)

    def chart(self, difficulty: Difficulty) -> Chart | None:
        for chart in self.charts:
            if chart.difficulty is difficulty:
                return chart
        return None


def chart_key(chart: Chart) -> str:
    """The archive's key of a chart the song data knows: "834:master". Every archived row of
    a chart (play, best, best change, tracker push) carries the same key."""
    return f"{chart.song_id}:{chart.difficulty.value}"


# Unresolved keys sort after every resolved one ("?" > "9"): ``chart_key >= "?"`` is an
# index range, not a scan.
UNRESOLVED_PREFIX = "?"


def unresolved_chart_key(type_: str, difficulty: str, title: str) -> str:
    """The key of a chart the song data does not know (yet): what the site shows of it,
    "?DX:master:<title>". Replaced by ``chart_key`` everywhere once the song data learns it."""
    return f"{UNRESOLVED_PREFIX}{type_}:{difficulty}:{title}"


def base_id(song_id: int) -> int:
    return song_id if song_id >= UTAGE_MIN_ID else song_id % DX_OFFSET


def normalise_song_id(raw_id: int | str, type_: str) -> int:
    """水鱼-style id for a record whose source may give DX sets the SD id (LXNS)."""
    song_id = int(raw_id)
    if type_ == "DX" and song_id < DX_OFFSET:
        return song_id + DX_OFFSET
    return song_id


def constant_tenths(ds: float | int | str) -> int:
    """13.7 → 137, exactly (through the decimal text, not float arithmetic)."""
    return int((Decimal(str(ds)) * 10).to_integral_value())


def music_data_records(payload: Any) -> list[dict[str, Any]]:
    """The API's list from either the list itself or the object-keyed mirror."""
    if isinstance(payload, dict):
        payload = list(payload.values())
    if not isinstance(payload, list):
        raise PageChanged(SOURCE, "a list of songs")
    return payload


def song_from_record(record: dict[str, Any]) -> Song:
    """One 水鱼 ``music_data`` record → :class:`Song`; PageChanged when a field is missing."""
    try:
        raw_type = str(record["type"])
        song_id = normalise_song_id(record["id"], raw_type)
        info = record["basic_info"]
        title = str(record["title"])
        is_new = bool(info.get("is_new", False))
        utage = song_id >= UTAGE_MIN_ID
        type_ = ChartType.UTAGE if utage else ChartType(raw_type)
        ds, levels, charts = record["ds"], record["level"], record["charts"]
        if not (len(ds) == len(levels) == len(charts)) or not ds:
            raise PageChanged(SOURCE, f"song {song_id}: ds/level/charts lengths differ")
        if utage:
            built: tuple[Chart, ...] = (_utage_chart(song_id, title, ds, levels, charts, is_new),)
        else:
            built = tuple(
                Chart(
                    song_id=song_id,
                    title=title,
                    type=type_,
                    difficulty=Difficulty.from_index(i),
                    level=str(levels[i]),
                    constant=constant_tenths(ds[i]),
                    notes=_notes(charts[i]["notes"]),
                    charter=str(charts[i].get("charter") or "-"),
                    is_new=is_new,
                )
                for i in range(len(ds))
            )
        return Song(
            id=song_id,
            title=title,
            type=type_,
            artist=str(info.get("artist", "")),
            genre=str(info.get("genre", "")),
            bpm=info.get("bpm") or 0,
            version=str(info.get("from", "")),
            is_new=is_new,
            charts=built,
            buddy=utage and len(ds) > 1,
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise PageChanged(
            SOURCE, f"song record {record.get('id') if isinstance(record, dict) else '?'}: {exc!r}"
        ) from exc


def songs_from_records(records: Iterable[dict[str, Any]]) -> dict[int, Song]:
    songs: dict[int, Song] = {}
    for record in records:
        song = song_from_record(record)
        songs[song.id] = song
    return songs


def _notes(values: list[int]) -> Notes:
    # SD charts list tap, hold, slide, break; DX charts add touch before break.
    if len(values) == 4:
        tap, hold, slide, brk = values
        touch = 0
    elif len(values) == 5:
        tap, hold, slide, touch, brk = values
    else:
        raise ValueError(f"notes has {len(values)} numbers")
    return Notes(int(tap), int(hold), int(slide), int(touch), int(brk))


def _utage_chart(
    song_id: int, title: str, ds: list[Any], levels: list[Any], charts: list[Any], is_new: bool
) -> Chart:
    """One chart per Utage song; a BUDDY song's two sides are played as one (notes summed)."""
    sides = [_notes(c["notes"]) for c in charts]
    notes = Notes(
        *(sum(getattr(n, f) for n in sides) for f in ("tap", "hold", "slide", "touch", "break_"))
    )
    charter = " / ".join(dict.fromkeys(str(c.get("charter") or "-") for c in charts))
    return Chart(
        song_id=song_id,
        title=title,
        type=ChartType.UTAGE,
        difficulty=Difficulty.UTAGE,
        level=str(levels[0]),
        constant=constant_tenths(ds[0]),
        notes=notes,
        charter=charter,
        is_new=is_new,
    )
