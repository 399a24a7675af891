"""Archive → view objects around charts: the player's bests on a list of charts (/chart,
/charts) and the steps that raise their rating most (/raise)."""

from __future__ import annotations

from datetime import datetime

from ..db.models import Best, Play, Player
from ..rating import b50, what_raises
from ..render.chart import ChartBest
from ..render.rating import RaiseRow, RaiseView
from ..render.views import PlayerHeader
from ..songs.data import Chart
from .queries import Archive, current_scores, header

RAISE_ROWS = 10


def chart_header(player: Player | None) -> PlayerHeader | None:
    """The header of a chart image: the asker, when they have an archive."""
    return PlayerHeader(player.name or "", player.rating) if player else None


async def chart_bests(player: Player | None, charts: list[Chart], history: bool) -> dict[str, ChartBest]:
    """chart key → the player's best on it (and, with ``history``, every play's achievement)."""
    if player is None or not charts:
        return {}
    keys = [c.key for c in charts]
    trails: dict[str, list[tuple[datetime, int]]] = {}
    if history:
        for key, at, achievement in await Play.filter(player=player, chart_key__in=keys).order_by(
            "played_unix"
        ).values_list("chart_key", "played_at", "achievement"):
            trails.setdefault(key, []).append((at, achievement))
    rows = await Best.filter(player=player, chart_key__in=keys)
    return {
        b.chart_key: ChartBest(b.achievement, b.fc, b.fs, b.dx_score, tuple(trails.get(b.chart_key, ())))
        for b in rows
    }


async def raise_view(player: Player, archive: Archive, limit: int = RAISE_ROWS) -> RaiseView | None:
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
    return RaiseView(header(player), board.total, board.floor(False), board.floor(True), tuple(rows))
