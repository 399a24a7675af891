"""ArchiveApp.stop() with a sync in progress: the sync is cut and recorded, its lease freed,
and no tracker push starts once the trackers drained (the database closes right after)."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

import pytest
import respx
from cryptography.fernet import Fernet

from plugins.maimai_archive.config import MaimaiConfig
from plugins.maimai_archive.core import app as app_module
from plugins.maimai_archive.core.app import ArchiveApp
from plugins.maimai_archive.core.archiving.binding import BindingStore
from plugins.maimai_archive.core.archiving.sync import SyncReport, SyncService
from plugins.maimai_archive.core.archiving.sync.report import RunStatus, SyncStatus
from plugins.maimai_archive.core.db.models import Player, SyncRun
from plugins.maimai_archive.core.game import ChartType
from plugins.maimai_archive.core.parsed import ParsedProfile
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue
from plugins.maimai_archive.core.trackers.push import TrackerService
from tests.core.test_sync import COOKIES, SavedPages

DF = "https://df.test/"
TOKEN = "df0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


class Stalled(SavedPages):
    """A site that never answers ``record/`` (the sync hangs there until cut)."""

    def __init__(self) -> None:
        super().__init__([], ParsedProfile(""))  # never reached: record/ stalls
        self.reached = asyncio.Event()

    async def record(self):
        self.reached.set()
        await asyncio.Event().wait()


async def test_stop_cuts_a_running_sync_records_it_and_pushes_nothing_after(
    db, tmp_path, monkeypatch
) -> None:
    site = Stalled()

    @asynccontextmanager
    async def factory(cookies, on_cookies):
        yield site

    core = ArchiveApp(MaimaiConfig(maimai_data_dir=tmp_path))
    core.box = SecretBox(Fernet.generate_key())
    core.store = BindingStore(core.box)
    core.trackers = TrackerService(core.box, Catalogue, {"divingfish": DF, "lxns": DF}, timeout=2)
    core.sync = service = SyncService(
        core.store, Catalogue, factory, data_dir=tmp_path, on_done=core.on_sync_done
    )
    player = await Player.create(qq="20001")
    await core.store.save(player, dict(COOKIES))
    await core.trackers.link(player.qq, "divingfish", TOKEN)
    closed: list[bool] = []

    async def stop_database() -> None:  # the suite's database stays open; the order is what counts
        closed.append(True)

    monkeypatch.setattr(app_module, "stop_database", stop_database)
    syncing = asyncio.create_task(service.sync(player))
    try:
        await asyncio.wait_for(site.reached.wait(), 5)
        with respx.mock(assert_all_called=False) as mock:
            tracker = mock.post(url__startswith=DF)
            await asyncio.wait_for(core.stop(), 30)
            assert closed == [True]
            run = await SyncRun.get(player=player)
            assert (run.status, run.error) == (
                RunStatus.FAILED,
                "Interrupted",
            ) and run.finished_at is not None
            await player.refresh_from_db()
            assert player.lease_owner is None and player.lease_until is None
            with pytest.raises(asyncio.CancelledError):
                await syncing
            # A sync that still ended now would find the trackers closed: no push, no task.
            core.on_sync_done(player, SyncReport(SyncStatus.OK, player.id, run.id, first=True))
            await asyncio.sleep(0)
            assert core.trackers._tasks == set() and tracker.call_count == 0
            # …and the sync service takes no new sync.
            assert (await service.sync(player)).status is SyncStatus.BUSY
            assert await SyncRun.filter(player=player).count() == 1
    finally:
        syncing.cancel()
        await asyncio.gather(syncing, return_exceptions=True)


async def test_stop_ends_the_guess_games_and_their_timers(tmp_path, monkeypatch) -> None:
    import random
    from pathlib import Path

    from plugins.maimai_archive.core.songs.data import Song

    core = ArchiveApp(MaimaiConfig(maimai_data_dir=tmp_path))

    async def nothing() -> None:
        pass

    monkeypatch.setattr(app_module, "stop_database", nothing)
    song = Song(1, "t", ChartType.SD, "a", "g", 120, "v", False, ())
    said: list[str] = []

    async def clue(game, stage):
        said.append("clue")

    async def time_up(game):
        said.append("time up")

    game = core.guesses.start("g", song, Path("j.png"), random.Random(1), clue, time_up)
    assert game is not None and game.task is not None
    await asyncio.wait_for(core.stop(), 30)
    assert game.task.cancelled() and "g" not in core.guesses and said == []
