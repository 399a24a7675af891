"""``/forget``: delete a player's whole archive in bounded steps.

One ``DELETE`` of the player row would cascade through a million-row archive in a single
transaction, and on SQLite every other query of the bot waits behind it. So the rows go
children first, ``BATCH`` at a time, each batch its own short transaction: other players'
queries run between batches, and no cascade or ``SET NULL`` is left to the database.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from tortoise.models import Model
from tortoise.transactions import in_transaction

from ..db.models import (
    Best,
    BestChange,
    Binding,
    GuessTally,
    Photo,
    Play,
    PlayDetail,
    Player,
    ProfileSnapshot,
    SyncRun,
    WebLink,
)
from .evidence import PageKeeper

BATCH = 2000


async def forget_player(player: Player, data_dir: Path | None = None, batch: int = BATCH) -> int:
    """Delete every row of ``player`` (and their photo files and saved page copies); the number
    of rows deleted."""
    if data_dir is not None:
        await asyncio.to_thread(shutil.rmtree, data_dir / "photos" / str(player.id), True)
        await asyncio.to_thread(PageKeeper(data_dir / "pages").forget, player.id)
    deleted = 0
    while ids := await Play.filter(player_id=player.id).limit(batch).values_list("id", flat=True):
        async with in_transaction():
            deleted += await PlayDetail.filter(play_id__in=ids).delete()
            deleted += await Play.filter(id__in=ids).delete()
        await asyncio.sleep(0)
    # Rows that point at a sync run go before the runs themselves.
    for model in (BestChange, ProfileSnapshot, Best, Photo, SyncRun, Binding, WebLink):
        deleted += await _delete_batches(model, player.id, batch)
    # /guess wins are keyed by QQ (guessing needs no archive); the name kept with them goes too.
    deleted += await GuessTally.filter(qq=player.qq).delete()
    deleted += await Player.filter(id=player.id).delete()
    return deleted


async def _delete_batches(model: type[Model], player_id: int, batch: int) -> int:
    deleted = 0
    while ids := await model.filter(player_id=player_id).limit(batch).values_list("id", flat=True):
        async with in_transaction():
            deleted += await model.filter(id__in=ids).delete()
        await asyncio.sleep(0)
    return deleted
