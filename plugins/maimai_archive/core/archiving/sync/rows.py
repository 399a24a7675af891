"""Parsed records → archive rows (plain field dicts for ``db.models``)."""

from __future__ import annotations

from enum import Enum
from typing import Any, NamedTuple

from ...db.models import SCORE_FIELDS, Best, Play, Player
from ...game import ChartType, Difficulty
from ...parsed import ParsedPhoto, ParsedPlay, ParsedPlayDetail, ParsedScore, RatingArea
from ...songs.catalogue import Catalogue
from ...songs.data import Chart, unresolved_chart_key


class ChartId(NamedTuple):
    """A chart's one identity in the archive: its key, and its song id once known."""

    key: str
    song_id: int | None


class Identify:
    """Page fields → ``ChartId`` for one sync: the song data first, then what this archive
    already knows (a song the song data renamed or dropped keeps the key its older rows
    have), else the unresolved key. Cached per chart for the run."""

    def __init__(self, catalogue: Catalogue, player: Player) -> None:
        self.catalogue = catalogue
        self.player = player
        self._seen: dict[tuple[str, str, str, int | None], ChartId] = {}

    async def __call__(
        self, title: str, type_: str, difficulty: str, dx_max: int | None, level: str | None
    ) -> ChartId:
        seen = (title, type_, difficulty, dx_max)
        if (known := self._seen.get(seen)) is not None:
            return known
        chart = resolve(self.catalogue, title, type_, difficulty, dx_max, level)
        if chart is not None:
            found = ChartId(chart.key, chart.song_id)
        else:
            found = await self._archived(title, type_, difficulty, dx_max)
        self._seen[seen] = found
        return found

    async def _archived(
        self, title: str, type_: str, difficulty: str, dx_max: int | None
    ) -> ChartId:
        rows = await Best.filter(
            player=self.player, title=title, type=type_, difficulty=difficulty,
            song_id__not_isnull=True,
        ).values_list("chart_key", "song_id", "dx_score_max")  # fmt: skip
        if len(rows) > 1 and dx_max is not None:  # two songs of one title (Link)
            rows = [r for r in rows if r[2] == dx_max]
        if len(rows) == 1:
            return ChartId(str(rows[0][0]), rows[0][1])
        return ChartId(unresolved_chart_key(type_, difficulty, title), None)


async def play_rows(
    identify: Identify, plays: list[ParsedPlay]
) -> list[tuple[ParsedPlay, dict[str, Any]]]:
    """Each parsed play with its archive row, its chart identified."""
    return [(play, play_fields(play, await chart_of(identify, play))) for play in plays]


async def score_rows(identify: Identify, scores: list[ParsedScore]) -> list[dict[str, Any]]:
    """A score list's played charts as best rows (an unplayed chart has none)."""
    played = [score for score in scores if score.achievement is not None]
    return [best_of_score(score, await chart_of(identify, score)) for score in played]


async def chart_of(identify: Identify, record: ParsedPlay | ParsedScore) -> ChartId:
    kind, difficulty = record.type.value, record.difficulty.value
    return await identify(record.title, kind, difficulty, record.dx_score_max, record.level)


def resolve(
    catalogue: Catalogue,
    title: str,
    type_: ChartType | str,
    difficulty: Difficulty | str,
    dx_max: int | None,
    level: str | None,
) -> Chart | None:
    try:
        return catalogue.resolve(title, type_, difficulty, dx_max, level)
    except ValueError:
        return None


def columns(record: object, names: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of a parsed record as archive columns: an enum as its code."""
    out = {}
    for name in names:
        value = getattr(record, name)
        out[name] = value.value if isinstance(value, Enum) else value
    return out


# What a play row keeps of a parsed play under the same names, besides the score.
PLAY_EXTRAS = tuple("played_at idx track new_record new_dx_record place buddy jacket".split())


def play_fields(parsed: ParsedPlay, chart: ChartId) -> dict[str, Any]:
    copied = columns(parsed, SCORE_FIELDS + PLAY_EXTRAS)
    return copied | {"chart_key": chart.key, "song_id": chart.song_id}


def best_of_play(play: Play) -> dict[str, Any]:
    return {
        "chart_key": play.chart_key,
        "song_id": play.song_id,
        **{name: getattr(play, name) for name in SCORE_FIELDS},
    }


def best_of_score(score: ParsedScore, chart: ChartId) -> dict[str, Any]:
    assert score.achievement is not None  # unplayed charts are never rows
    copied = columns(score, SCORE_FIELDS)
    rank = score.rank.value if score.rank else "d"
    return copied | {"rank": rank, "chart_key": chart.key, "song_id": chart.song_id}


def detail_fields(detail: ParsedPlayDetail) -> dict[str, Any]:
    j = detail.judgements
    return {
        "judgements": None if j is None else {
            "tap": list(j.tap), "hold": list(j.hold), "slide": list(j.slide),
            "touch": list(j.touch), "break": list(j.break_),
        },
        "fast": detail.fast,
        "late": detail.late,
        "max_combo": detail.max_combo[0] if detail.max_combo else None,
        "max_combo_total": detail.max_combo[1] if detail.max_combo else None,
        "max_sync": detail.max_sync[0] if detail.max_sync else None,
        "max_sync_total": detail.max_sync[1] if detail.max_sync else None,
        "rating": detail.rating,
        "rating_delta": detail.rating_delta,
        "matching": list(detail.matching),
        "characters": list(detail.characters),
        "rating_area": rating_area_json(detail.rating_area),
    }  # fmt: skip


def rating_area_json(area: RatingArea | None) -> dict[str, Any] | None:
    if area is None:
        return None
    rows = [{"icon": icon, "value": value} for icon, value in area.rows]
    return {"rows": rows} | columns(area, ("total", "delta", "frame"))


def photo_fields(photo: ParsedPhoto) -> dict[str, Any]:
    return columns(photo, ("title", "difficulty", "taken_at", "place"))
