"""Plays and bests the catalogue did not know yet: resolve them once it does.

New songs appear on the pages before the song data has them; such rows keep their page
title and level and no chart key. After each catalogue refresh this links them up, and a
best kept under an unresolved key is merged into the resolved one.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from ..db.models import SCORE_FIELDS, Best, BestChange, Play
from ..songs.catalogue import Catalogue
from .bests import merge_best
from .sync.rows import resolve as _resolve


async def resolve_pending(catalogue: Catalogue) -> int:
    """Link unresolved plays, bests and best changes to charts; returns how many plays."""
    if len(catalogue) == 0:
        return 0
    resolved = 0
    async with in_transaction():
        for play in await Play.filter(chart_key__isnull=True):
            chart = _resolve(
                catalogue, play.title, play.type, play.difficulty, play.dx_score_max, play.level
            )
            if chart is not None:
                await Play.filter(id=play.id).update(chart_key=chart.key, song_id=chart.song_id)
                resolved += 1
        for best in await Best.filter(chart_key__startswith="?"):
            chart = _resolve(
                catalogue, best.title, best.type, best.difficulty, best.dx_score_max, best.level
            )
            if chart is None:
                continue
            other = await Best.get_or_none(player_id=best.player_id, chart_key=chart.key)
            if other is None:
                await Best.filter(id=best.id).update(chart_key=chart.key, song_id=chart.song_id)
            else:
                # Both exist: the resolved row takes every better value (lamps too).
                merged = merge_best(other, {f: getattr(best, f) for f in SCORE_FIELDS})
                if merged is not None:
                    merged["updated_at"] = max(other.updated_at, best.updated_at)
                    await Best.filter(id=other.id).update(**merged)
                await best.delete()
            await BestChange.filter(player_id=best.player_id, chart_key=best.chart_key).update(
                chart_key=chart.key, song_id=chart.song_id
            )
    return resolved
