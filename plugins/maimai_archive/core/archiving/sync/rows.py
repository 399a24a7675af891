"""Parsed records → archive rows (plain field dicts for ``db.models``)."""

from __future__ import annotations

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


def play_fields(parsed: ParsedPlay, chart: ChartId) -> dict[str, Any]:
    return {
        "played_at": parsed.played_at,
        "idx": parsed.idx,
        "track": parsed.track,
        "title": parsed.title,
        "type": parsed.type.value,
        "difficulty": parsed.difficulty.value,
        "level": parsed.level,
        "achievement": parsed.achievement,
        "dx_score": parsed.dx_score,
        "dx_score_max": parsed.dx_score_max,
        "dx_stars": parsed.dx_stars,
        "rank": parsed.rank.value,
        "fc": parsed.fc.value if parsed.fc else None,
        "fs": parsed.fs.value if parsed.fs else None,
        "new_record": parsed.new_record,
        "new_dx_record": parsed.new_dx_record,
        "place": parsed.place,
        "buddy": parsed.buddy,
        "jacket": parsed.jacket,
        "chart_key": chart.key,
        "song_id": chart.song_id,
    }


def best_of_play(play: Play) -> dict[str, Any]:
    return {
        "chart_key": play.chart_key,
        "song_id": play.song_id,
        **{name: getattr(play, name) for name in SCORE_FIELDS},
    }


def best_of_score(score: ParsedScore, chart: ChartId) -> dict[str, Any]:
    assert score.achievement is not None  # unplayed charts are never rows
    return {
        "chart_key": chart.key,
        "song_id": chart.song_id,
        "title": score.title,
        "type": score.type.value,
        "difficulty": score.difficulty.value,
        "level": score.level,
        "achievement": score.achievement,
        "dx_score": score.dx_score,
        "dx_score_max": score.dx_score_max,
        "dx_stars": score.dx_stars,
        "rank": score.rank.value if score.rank else "d",
        "fc": score.fc.value if score.fc else None,
        "fs": score.fs.value if score.fs else None,
    }


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
    return {
        "rows": [{"icon": icon, "value": value} for icon, value in area.rows],
        "total": area.total,
        "delta": area.delta,
        "frame": area.frame,
    }


def photo_fields(photo: ParsedPhoto) -> dict[str, Any]:
    return {
        "title": photo.title,
        "difficulty": photo.difficulty.value if photo.difficulty else None,
        "taken_at": photo.taken_at,
        "place": photo.place,
    }
