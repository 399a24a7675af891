"""Archive → view objects around charts: the player's bests on a list of charts (/chart,
/charts), the steps that raise their rating most (/raise), every play on one chart
(/history <song>)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from ..db.models import Best, Play, Player
from ..game import Difficulty
from ..rating import b50, what_raises
from ..songs.data import Chart
from ..views.chart_views import ChartBest
from ..views.play_views import ChartHistoryView, ChartPoint, PlayerHeader
from ..views.raise_views import RaiseRow, RaiseView
from .best_scores import current_scores
from .plays import QueryContext, header, local, same_chart

RAISE_ROWS = 10


def chart_header(player: Player | None) -> PlayerHeader | None:
    """The header of a chart image: the asker, when they have an archive."""
    return PlayerHeader(player.name or "", player.rating) if player else None


async def chart_bests(
    player: Player | None, charts: list[Chart], history: bool
) -> dict[str, ChartBest]:
    """chart key → the player's best on it (and, with ``history``, every play's achievement)."""
    if player is None or not charts:
        return {}
    keys = [c.key for c in charts]
    trails: dict[str, list[tuple[datetime, int]]] = {}
    if history:
        for key, at, achievement in (
            await Play.filter(player=player, chart_key__in=keys)
            .order_by("played_unix")
            .values_list("chart_key", "played_at", "achievement")
        ):
            trails.setdefault(key, []).append((at, achievement))
    rows = await Best.filter(player=player, chart_key__in=keys)
    return {
        b.chart_key: ChartBest(
            b.achievement, b.fc, b.fs, b.dx_score, tuple(trails.get(b.chart_key, ()))
        )
        for b in rows
    }


async def raise_view(
    player: Player, archive: QueryContext, limit: int = RAISE_ROWS
) -> RaiseView | None:
    """The ``limit`` steps that raise the player's B50 total most; None without rated bests."""
    scores = await current_scores(player, archive)
    if not scores:
        return None
    board = b50(score for score, _ in scores.values())
    rated = {e.chart.key: e.rating for e in (*board.old, *board.new)}
    rows = []
    for step in what_raises(board, [score for score, _ in scores.values()])[:limit]:
        key = step.chart.key
        rows.append(
            RaiseRow(
                chart=archive.ref(scores[key][1], step.chart),
                current=step.current,
                target=step.target,
                rating=rated.get(key, archive.rating_of(step.chart, step.current)),
                new_rating=step.new_rating,
                gain=step.gain,
                in_b50=key in rated,
            )
        )
    return RaiseView(
        header(player), board.total, board.floor(False), board.floor(True), tuple(rows)
    )


async def find_played_chart(
    player: Player, archive: QueryContext, query: str, difficulty: Difficulty | None = None
) -> Play | None:
    """The latest play on the chart a player means by ``query`` (title, alias or id): among
    the songs the catalogue matches, the chart they played most (or of ``difficulty``)."""
    song_ids: list[int] = []
    # The fuzzy search is tens of ms of pure Python: off the event loop.
    for match in await asyncio.to_thread(archive.catalogue.search, query, 10):
        song_ids.extend(s.id for s in archive.catalogue.siblings(match.song) or [match.song])
    filters: dict[str, object] = {"player": player}
    if difficulty is not None:
        filters["difficulty"] = difficulty.value
    fields = ("id", "chart_key")
    plays: list[tuple[Any, ...]] = []
    if song_ids:
        plays = (
            await Play.filter(song_id__in=song_ids, **filters)
            .order_by("-played_unix")
            .values_list(*fields)
        )
    if not plays:  # unresolved plays, or a title the catalogue does not know yet
        plays = (
            await Play.filter(title__icontains=query.strip(), **filters)
            .order_by("-played_unix")
            .values_list(*fields)
        )
    if not plays:
        return None
    counts: dict[str, int] = {}
    for _, key in plays:
        counts[key] = counts.get(key, 0) + 1
    most = max(counts.values())
    return await Play.get(id=next(i for i, key in plays if counts[key] == most))


async def chart_history_view(player: Player, archive: QueryContext, play: Play) -> ChartHistoryView:
    """Every archived play on the chart of ``play``, oldest first, with best-raising plays marked."""
    plays = (
        await Play.filter(player=player, **same_chart(play))
        .order_by("played_unix")
        .values_list("played_at", "achievement", "dx_score")
    )
    points = []
    best = -1
    for at, achievement, dx_score in plays:
        points.append(ChartPoint(local(at), achievement, dx_score, achievement > best))
        best = max(best, achievement)
    return ChartHistoryView(header(player), archive.ref(play), tuple(points))


# --- B50 now and then -----------------------------------------------------------------------
