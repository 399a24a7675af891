"""Two bots on one database (one process per QQ account): both see the same players due at
the same tick; each due account is synced once, never by both one after the other. (The
lease only keeps two syncs of one account from overlapping; a bot whose queue reached the
account after the other bot's sync had finished would sync it again.)"""

from __future__ import annotations

import asyncio
from collections import Counter
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

from plugins.maimai_archive.core.archiving.autosync import AutoSync
from plugins.maimai_archive.core.archiving.binding import BindingStore
from plugins.maimai_archive.core.archiving.sync import SyncService
from plugins.maimai_archive.core.db.models import Player
from plugins.maimai_archive.core.errors import NetworkError
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue


class SlowSource:
    """A site that takes a moment to answer, then fails (the count is what matters)."""

    requests = 0
    bytes_received = 0

    async def record(self):
        await asyncio.sleep(0.05)
        raise NetworkError("synthetic")


async def test_two_bots_sync_each_due_account_once(db, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    box = SecretBox(Fernet.generate_key())  # both bots share the secret key, as deployed
    synced: Counter[str] = Counter()
    bots = []
    for name in ("bot-a", "bot-b"):
        store = BindingStore(box)

        @asynccontextmanager
        async def factory(cookies, on_cookies, _name=name):
            synced[cookies["userId"]] += 1
            yield SlowSource()

        # one sync at a time: the second account waits in the queue behind the first
        service = SyncService(
            store, Catalogue, factory, data_dir=tmp_path / name, max_syncs=1, owner=name
        )

        async def notify(qq: str, text: str) -> None:
            pass

        bots.append(AutoSync(service, notify))
    for i in range(3):
        player = await Player.create(
            qq=f"7000{i}", autosync=True, next_autosync_at=now - timedelta(minutes=1)
        )
        await store.save(player, {"userId": f"u{i}", "_t": "t"})

    await asyncio.gather(*(bot.tick() for bot in bots))

    assert synced == Counter({"u0": 1, "u1": 1, "u2": 1})
    # and each account is due again later, not now
    assert await Player.filter(next_autosync_at__lte=datetime.now(UTC)).count() == 0
