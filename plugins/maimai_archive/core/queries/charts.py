"""Archive → view objects around charts: the player's bests on a list of charts (/chart,
/charts), the steps that raise their rating most (/raise), which of the songs they played a
query means and every play on one chart (/history <song>)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from ..db.models import Best, Play, Player
from ..game import ChartType, Difficulty
from ..rating import b50, what_raises
from ..songs.data import Chart
from ..songs.search import Decision, decide
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


@dataclass(frozen=True)
class PlayedSongs:
    """/chart's song decision on a query among the songs a player played (of a difficulty and
    type), and among all songs (``known``: it names the song they never played)."""

    played: Decision
    known: Decision


async def played_songs(
    player: Player,
    archive: QueryContext,
    query: str,
    difficulty: Difficulty | None = None,
    type_: ChartType | None = None,
) -> PlayedSongs:
    """Which songs the player means by ``query`` (title, alias or id), the way /chart decides,
    among the songs of their archive: a loose match is no match, namesakes are a choice."""
    # The fuzzy search is tens of ms of pure Python: off the event loop.
    matches = [
        m
        for m in await asyncio.to_thread(archive.catalogue.search, query)
        if type_ is None or m.song.type is type_
    ]
    ids = [m.song.id for m in matches]
    played: set[int] = set()
    if ids:
        played = {
            song_id
            for (song_id,) in await Play.filter(player=player, song_id__in=ids, **_of(difficulty))
            .distinct()
            .order_by("song_id")  # PostgreSQL: DISTINCT orders by what it selects
            .values_list("song_id")
        }
    return PlayedSongs(decide([m for m in matches if m.song.id in played]), decide(matches))


async def find_played_chart(
    player: Player, song_ids: list[int], difficulty: Difficulty | None = None
) -> Play | None:
    """The latest play on the chart of these songs (a song's SD and DX sets) the player played
    most, or of ``difficulty``."""
    return await _latest_on_most_played(
        await Play.filter(player=player, song_id__in=song_ids, **_of(difficulty))
        .order_by("-played_unix")
        .values_list("id", "chart_key")
    )


async def find_unknown_chart(
    player: Player,
    archive: QueryContext,
    title: str,
    difficulty: Difficulty | None = None,
    type_: ChartType | None = None,
) -> Play | None:
    """Like ``find_played_chart`` among the charts the song data does not know (unresolved, or
    dropped since), found by part of their title: no search can name them."""
    filters = _of(difficulty) | ({"type": type_.value} if type_ else {})
    plays = (
        await Play.filter(player=player, title__icontains=title.strip(), **filters)
        .order_by("-played_unix")
        .values_list("id", "chart_key", "song_id")
    )
    return await _latest_on_most_played(
        [
            (i, key)
            for i, key, song_id in plays
            if song_id is None or archive.catalogue.song(song_id) is None
        ]
    )


def _of(difficulty: Difficulty | None) -> dict[str, object]:
    return {"difficulty": difficulty.value} if difficulty else {}


async def _latest_on_most_played(plays: list[tuple[int, str]]) -> Play | None:
    """Of (play id, chart key) newest first: the latest play on the chart played most."""
    if not plays:
        return None
    counts = Counter(key for _, key in plays)
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
