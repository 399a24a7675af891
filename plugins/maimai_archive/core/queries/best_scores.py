"""The player's bests as the rating engine takes them: now, and at a past moment.

A million-play archive is read as plain tuples (``ScoreRow``), never as one model per row:
building ~1,500 ``Best`` models or ~5,000 ``Play`` models per call held the event loop for
hundreds of milliseconds. The past is the present with the later changes undone, not a
rebuild from every play.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from ..db.models import Best, BestChange, Play, Player
from ..game import FC, FS, Difficulty
from ..rating import Score
from ..songs.data import Chart

if TYPE_CHECKING:
    from .plays import ChartRow, QueryContext


class ScoreRow(NamedTuple):
    """A best (or a play) as values: enough to find its chart, rate it and show it."""

    chart_key: str
    song_id: int | None
    title: str
    type: str
    difficulty: str
    level: str | None
    dx_score_max: int | None
    achievement: int
    dx_score: int | None
    fc: str | None
    fs: str | None


# No datetime among them: parsing one per row cost more than the rest of the row.
ROW_FIELDS = ScoreRow._fields


class UndoRow(NamedTuple):
    """What a best change replaced, as values."""

    chart_key: str
    song_id: int | None
    title: str
    type: str
    difficulty: str
    level: str | None
    old_achievement: int | None
    old_dx_score: int | None
    old_fc: str | None
    old_fs: str | None


Scores = dict[str, tuple[Score, "ChartRow"]]


def score_of(
    chart: Chart, achievement: int, fc: str | None, fs: str | None, dx: int | None
) -> Score:
    return Score(chart, achievement, FC(fc) if fc else None, FS(fs) if fs else None, dx)


def keep(out: Scores, score: Score, row: ChartRow) -> None:
    held = out.get(score.chart.key)
    if held is None or score.achievement > held[0].achievement:
        out[score.chart.key] = (score, row)


async def best_rows(player: Player, **filters: Any) -> list[ScoreRow]:
    rows = await Best.filter(player=player, **filters).values_list(*ROW_FIELDS)
    return [ScoreRow(*r) for r in rows]


def fold(
    archive: QueryContext,
    rows: list[ScoreRow],
    out: Scores | None = None,
    unknown: set[str] | None = None,
) -> Scores:
    """The rows the rating engine can take; the keys of the others go into ``unknown``."""
    out = {} if out is None else out
    for row in rows:
        chart = archive.chart(row)
        if chart is not None:
            keep(out, score_of(chart, row.achievement, row.fc, row.fs, row.dx_score), row)
        else:
            left_out(unknown, row)
    return out


def left_out(unknown: set[str] | None, row: ChartRow) -> None:
    """Note a best whose chart the song data does not know (Utage would never count)."""
    if unknown is not None and row.difficulty != Difficulty.UTAGE:
        unknown.add(row.chart_key)


async def current_scores(
    player: Player, archive: QueryContext, unknown: set[str] | None = None
) -> Scores:
    """chart key → (the player's best as the rating engine takes it, its row)."""
    return fold(archive, await best_rows(player), unknown=unknown)


async def scores_at(
    player: Player,
    archive: QueryContext,
    until: datetime,
    now: Scores | None = None,
    unknown: set[str] | None = None,
) -> Scores:
    """The bests as they were at ``until``: today's bests (``now`` when the caller has them)
    with every change after ``until`` undone — the first later change of a chart holds the
    value it replaced (none: the chart had no best then). A best updated later without a
    recorded change (the first sync's reads) falls back to its best play up to ``until``."""
    if now is None:
        now = fold(archive, await best_rows(player, updated_at__lte=until), unknown=unknown)
    after = {
        str(k)
        for k in await Best.filter(player=player, updated_at__gt=until).values_list(
            "chart_key", flat=True
        )
    }
    later = (
        await BestChange.filter(player=player, changed_at__gt=until)
        .order_by("changed_at")
        .values_list(*UndoRow._fields)
    )
    undo: dict[str, UndoRow] = {}
    unrecorded = set(after)
    for change in map(UndoRow._make, later):
        chart = archive.chart(change)
        if chart is not None:
            undo.setdefault(chart.key, change)
            unrecorded.discard(change.chart_key)
        elif change.old_achievement is not None:
            left_out(unknown, change)
    out: Scores = {k: v for k, v in now.items() if k not in undo and v[1].chart_key not in after}
    for key, change in undo.items():
        if change.old_achievement is not None:
            chart = archive.catalogue.chart(key) or archive.chart(change)
            if chart is None:
                continue
            score = score_of(
                chart, change.old_achievement, change.old_fc, change.old_fs, change.old_dx_score
            )
            keep(out, score, change)
    if unrecorded:
        plays = await Play.filter(
            player=player, chart_key__in=unrecorded, played_at__lte=until
        ).values_list(*ROW_FIELDS)
        fold(archive, [ScoreRow(*p) for p in plays], out, unknown)
    return out
