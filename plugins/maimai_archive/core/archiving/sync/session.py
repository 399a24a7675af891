"""One account's session during a sync (or a doctor check): every rotated cookie jar saved at
once, compare-and-swap on the binding, the lease renewed; every value seen remembered so no
saved page copy can carry one."""

from __future__ import annotations

from ...db.models import Player
from ...errors import BindingChanged
from ..binding import BindingStore
from .lease import Lease


class SessionKeeper:
    def __init__(
        self, store: BindingStore, lease: Lease, player: Player, token: str, cookies: dict[str, str]
    ) -> None:
        self._store = store
        self._lease = lease
        self._player = player
        self.current = token  # the sealed jar the binding holds now
        self.secrets: set[str] = set(cookies.values())

    async def save(self, jar: dict[str, str]) -> None:
        # After every response: a crash later must not leave a stale session behind.
        # Compare-and-swap: an /unbind or a new /bind meanwhile wins.
        self.secrets.update(jar.values())
        rotated = await self._store.rotate(self._player, jar, expected=self.current)
        if rotated is None:
            raise BindingChanged("binding replaced during the sync")
        self.current = rotated
        await self._lease.renew(self._player)
