"""Charts the song data did not know yet: give them their song's key once it does.

New songs appear on the pages before the song data has them; their plays, bests and best
changes carry the unresolved key "?<type>:<difficulty>:<title>" (one key for all of them).
After each catalogue refresh every such key the catalogue now resolves is replaced by the
resolved key on all of them together, per player, so an archive never holds two keys for
one chart: a best already kept under the resolved key takes the better values of the other.
"""

from __future__ import annotations

from typing import NamedTuple

from tortoise.transactions import in_transaction

from ..db.models import SCORE_FIELDS, Best, BestChange, Play, TrackerLink
from ..songs.catalogue import Catalogue
from ..songs.data import UNRESOLVED_PREFIX
from .bests import merge_best
from .sync.rows import ChartId, resolve


class Unresolved(NamedTuple):
    player_id: int
    key: str
    title: str
    type: str
    difficulty: str
    dx_score_max: int | None
    level: str | None


async def resolve_pending(catalogue: Catalogue) -> int:
    """Re-key every unresolved chart the catalogue now knows; returns how many plays moved."""
    if len(catalogue) == 0:
        return 0
    moved = 0
    for chart in await _unresolved():
        found = resolve(
            catalogue, chart.title, chart.type, chart.difficulty, chart.dx_score_max, chart.level
        )
        if found is not None:
            moved += await rekey(chart.player_id, chart.key, ChartId(found.key, found.song_id))
    return moved


async def _unresolved() -> list[Unresolved]:
    """Each player's unresolved charts once (bests hold them; a play may hold one alone)."""
    found: dict[tuple[int, str], Unresolved] = {}
    for model in (Best, Play):
        rows = (
            await model.filter(chart_key__gte=UNRESOLVED_PREFIX)
            .distinct()
            .order_by("player_id", "chart_key")  # PostgreSQL: DISTINCT orders by what it selects
            .values_list(*Unresolved._fields[:1], "chart_key", *Unresolved._fields[2:])
        )
        for row in rows:
            chart = Unresolved(*row)
            found.setdefault((chart.player_id, chart.key), chart)
    return list(found.values())


async def rekey(player_id: int, old: str, new: ChartId) -> int:
    """Move one player's rows from ``old`` to ``new`` in one transaction; returns the plays."""
    async with in_transaction():
        plays = await Play.filter(player_id=player_id, chart_key=old).update(
            chart_key=new.key, song_id=new.song_id
        )
        best = await Best.get_or_none(player_id=player_id, chart_key=old)
        if best is not None:
            other = await Best.get_or_none(player_id=player_id, chart_key=new.key)
            if other is None:
                await Best.filter(id=best.id).update(chart_key=new.key, song_id=new.song_id)
            else:
                merged = merge_best(other, {f: getattr(best, f) for f in SCORE_FIELDS})
                if merged is not None:
                    merged["updated_at"] = max(other.updated_at, best.updated_at)
                    await Best.filter(id=other.id).update(**merged)
                await best.delete()
        await BestChange.filter(player_id=player_id, chart_key=old).update(
            chart_key=new.key, song_id=new.song_id
        )
        for link in await TrackerLink.filter(player_id=player_id):
            if old in link.pending:
                pending = [new.key if k == old else k for k in link.pending]
                await TrackerLink.filter(id=link.id).update(pending=list(dict.fromkeys(pending)))
    return plays
