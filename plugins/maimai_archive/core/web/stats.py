"""Counts over a whole archive, computed by the database (one row back, not every play)."""

from __future__ import annotations

from typing import Any

from tortoise import connections

from ..db.models import Player
from ..queries.visits import VISIT_GAP

DAY_SHIFT = 8 * 3600  # the site's day starts at midnight UTC+8


async def _rows(sql: str, *values: Any) -> list[tuple[Any, ...]]:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        for i in range(len(values)):
            sql = sql.replace("?", f"${i + 1}", 1)
    _, rows = await conn.execute_query(sql, list(values))
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]


async def credits(player: Player) -> int:
    """Credits (PC) over the whole archive by /today's rule (``visits.count_credits``: one
    starts at a visit's first play and wherever the track does not go up), counted by the
    database: a million plays never come back to Python for one number."""
    rows = await _rows(
        "SELECT COUNT(*) FROM (SELECT played_unix, track,"
        " LAG(played_unix) OVER (ORDER BY played_unix) AS prev_unix,"
        " LAG(track) OVER (ORDER BY played_unix) AS prev_track"
        " FROM play WHERE player_id = ?) AS p"
        " WHERE prev_unix IS NULL OR played_unix - prev_unix >= ? OR track <= prev_track",
        player.id,
        VISIT_GAP,
    )
    return int(rows[0][0] or 0)


async def days_played(player: Player) -> int:
    rows = await _rows(
        "SELECT COUNT(DISTINCT (played_unix + ?) / 86400) FROM play WHERE player_id = ?",
        DAY_SHIFT,
        player.id,
    )
    return int(rows[0][0] or 0)


async def day_counts(player: Player, lo: int, hi: int) -> dict[int, int]:
    """Plays per site day (days since the epoch) for plays in [lo, hi) (unix seconds)."""
    rows = await _rows(
        "SELECT (played_unix + ?) / 86400 AS day, COUNT(*) FROM play"
        " WHERE player_id = ? AND played_unix >= ? AND played_unix < ? GROUP BY day",
        DAY_SHIFT,
        player.id,
        lo,
        hi,
    )
    return {int(day): int(n) for day, n in rows}
