"""One sync per account across processes: a short lease on the player row.

Renewed on every response, so a crashed process frees its accounts within ``LEASE``; a lease
held by a dead process of our own host and pid space is taken over at once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from ...db.models import Player
from ...errors import LeaseLost

LEASE = timedelta(minutes=2)
_HOST = os.uname().nodename[:40]


class Lease:
    """The lease of one process (``owner``) over player rows."""

    def __init__(
        self, owner: str | None = None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.owner = owner or f"{_HOST}:{_pid_namespace()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._clock = clock

    async def acquire(self, player: Player) -> bool:
        now = self._clock()
        free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=self.owner)
        holders = await Player.filter(id=player.id).values_list("lease_owner", flat=True)
        holder = holders[0] if holders else None
        if isinstance(holder, str) and holder != self.owner and owner_is_dead(holder):
            # A bot killed mid-sync (kill -9, power loss) never released its lease: without
            # this the account could not sync for the rest of the lease after a restart.
            free |= Q(lease_owner=holder)
        taken = await Player.filter(Q(id=player.id) & free).update(
            lease_owner=self.owner, lease_until=now + LEASE
        )
        return taken == 1

    async def renew(self, player: Player) -> None:
        """Raises LeaseLost when another process took the account meanwhile."""
        renewed = await Player.filter(id=player.id, lease_owner=self.owner).update(
            lease_until=self._clock() + LEASE
        )
        if not renewed:
            raise LeaseLost(f"lease of player {player.id} lost")

    async def release(self, player: Player) -> None:
        await Player.filter(id=player.id, lease_owner=self.owner).update(
            lease_owner=None, lease_until=None
        )


def _pid_namespace() -> str:
    """Which process-id space our pid belongs to (containers on one host share the host name)."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def owner_is_dead(owner: str) -> bool:
    """Whether a lease owner (``host:pidns:pid:nonce``) was a process of our host and pid
    space that is gone."""
    parts = owner.rsplit(":", 3)
    if (
        len(parts) != 4
        or parts[0] != _HOST
        or parts[1] != _pid_namespace()
        or not parts[2].isdigit()
    ):
        return False  # another host or container: only the lease time frees it
    pid = int(parts[2])
    if pid == os.getpid():
        # Our own pid under another nonce: an earlier container of ours, or another container
        # sharing the host name. Not provably dead: the short, renewed lease frees it.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False
