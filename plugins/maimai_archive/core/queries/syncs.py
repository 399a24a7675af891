"""Which sync /diff shows by default: the latest one that changed something."""

from __future__ import annotations

from tortoise.expressions import Q

from ..db.models import Player, SyncRun


async def latest_changed_sync(player: Player) -> tuple[SyncRun | None, int]:
    """The latest finished sync with new plays or improved bests (else the latest finished
    one), and how many finished syncs came after it: after a sync with nothing new the player
    wants to see what changed last time, and when."""
    runs = SyncRun.filter(player=player, status="ok").order_by("-started_at")
    run = (
        await runs.filter(Q(new_plays__gt=0) | Q(improved_bests__gt=0)).first()
        or await runs.first()
    )
    if run is None:
        return None, 0
    return run, await runs.filter(started_at__gt=run.started_at).count()
