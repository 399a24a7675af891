"""Group ranking (/rank): the members of one group who made their archive public (opt-in with
/privacy public), by rating, with each one's change over the last days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ..db.models import Player, ProfileSnapshot
from ..views.progress_views import RankingEntry, RankingView

RANK_DAYS = 7


async def group_ranking(
    member_qqs: Iterable[str | int], now: datetime, title: str, days: int = RANK_DAYS
) -> RankingView | None:
    """None when no member of the group is public with a known rating."""
    qqs = list({str(q) for q in member_qqs})
    if not qqs:
        return None
    players = await Player.filter(qq__in=qqs, public=True, rating__not_isnull=True).values_list(
        "id", "qq", "name", "rating"
    )
    if not players:
        return None
    cutoff = now - timedelta(days=days)
    # The rating each one had at the cutoff: their last snapshot before it.
    then: dict[int, int] = {}
    for player_id, rating in (
        await ProfileSnapshot.filter(
            player_id__in=[p[0] for p in players],
            taken_at__lte=cutoff,
            taken_at__gte=cutoff - timedelta(days=365),
            rating__not_isnull=True,
        )
        .order_by("taken_at")
        .values_list("player_id", "rating")
    ):
        then[player_id] = rating
    ordered = sorted(players, key=lambda p: (-p[3], p[2] or p[1]))
    entries = tuple(
        RankingEntry(i + 1, name or "—", rating, rating - then[pid] if pid in then else None)
        for i, (pid, _, name, rating) in enumerate(ordered)
    )
    return RankingView(title, entries, days)
