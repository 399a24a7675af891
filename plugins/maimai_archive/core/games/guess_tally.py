"""The /guess tally: wins per member of a group, kept in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import F

from ..db.models import GuessTally

RANK_ROWS = 10


@dataclass(frozen=True, slots=True)
class TallyRow:
    qq: str
    name: str
    wins: int


async def record_win(group: str, qq: str, name: str) -> int:
    """Count a win for ``qq`` in ``group``; their wins now."""
    row, _ = await GuessTally.get_or_create(group_id=group, qq=qq)
    await GuessTally.filter(id=row.id).update(
        wins=F("wins") + 1, name=name[:64], updated_at=datetime.now(UTC)
    )
    await row.refresh_from_db(fields=["wins"])
    return row.wins


async def group_rank(group: str, limit: int = RANK_ROWS) -> list[TallyRow]:
    """The group's best guessers, most wins first (ties: who got there first)."""
    rows = (
        await GuessTally.filter(group_id=group, wins__gt=0)
        .order_by("-wins", "updated_at", "id")
        .limit(limit)
        .values_list("qq", "name", "wins")
    )
    return [TallyRow(str(qq), str(name), int(wins)) for qq, name, wins in rows]
