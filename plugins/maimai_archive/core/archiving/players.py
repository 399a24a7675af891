"""The player row as the chat layer needs it: find by QQ, the per-player switches.

The chat layer holds ``Player`` rows as handles and passes them back to the core; every
read and write of them happens here, in the queries or in the services.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..db.models import Play, Player


async def by_qq(qq: str) -> Player | None:
    return await Player.get_or_none(qq=qq)


async def set_autosync(player: Player, on: bool) -> None:
    """Switch autosync; switching it on makes the player due now and forgets old failures."""
    if on:
        await Player.filter(id=player.id).update(
            autosync=True, next_autosync_at=datetime.now(UTC), failure_reported=None
        )
    else:
        await Player.filter(id=player.id).update(autosync=False)


async def set_public(player: Player, public: bool) -> None:
    """Whether group members may @ the player to see their archive."""
    player.public = public
    await player.save(update_fields=["public"])


async def play_count(player: Player) -> int:
    """How many plays the archive holds for the player."""
    return await Play.filter(player=player).count()
