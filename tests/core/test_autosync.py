"""Automatic syncs: the schedule adapts to play, failures are told once, maintenance pauses."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from plugins.maimai_archive.core.archiving.autosync import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    AutoSync,
    next_interval,
)
from plugins.maimai_archive.core.archiving.binding import BindingStore
from plugins.maimai_archive.core.archiving.sync import SyncReport, SyncService, SyncStatus
from plugins.maimai_archive.core.db.models import Player
from plugins.maimai_archive.core.errors import Maintenance, NetworkError, SessionExpired
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue


def test_interval_shrinks_after_play_and_grows_while_idle() -> None:
    played = SyncReport(SyncStatus.OK, 1, new_plays=4)
    idle = SyncReport(SyncStatus.OK, 1)
    assert next_interval(played, MAX_INTERVAL) == MIN_INTERVAL
    assert next_interval(idle, MIN_INTERVAL) == MIN_INTERVAL * 2
    assert next_interval(idle, MAX_INTERVAL) == MAX_INTERVAL
    assert next_interval(idle, None) == MIN_INTERVAL * 2
    # at ~20 plays an hour the ring of 50 lasts 2.5 h: the longest wait must stay below that
    assert MAX_INTERVAL < timedelta(hours=2.5)


class FailingSource:
    requests = 0
    bytes_received = 0

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def record(self):
        raise self.error


@pytest.fixture
def clock():
    now = [datetime(2026, 1, 1, 12, 0, tzinfo=UTC)]
    return now


async def _setup(clock, error: Exception):
    store = BindingStore(SecretBox(Fernet.generate_key()))

    @asynccontextmanager
    async def factory(cookies, on_cookies):
        yield FailingSource(error)

    service = SyncService(
        store,
        Catalogue,
        factory,
        data_dir=__import__("pathlib").Path("/tmp"),
        clock=lambda: clock[0],
    )
    told: list[tuple[str, str]] = []

    async def notify(qq: str, text: str) -> None:
        told.append((qq, text))

    auto = AutoSync(service, notify, clock=lambda: clock[0])
    player = await Player.create(
        qq="555", autosync=True, next_autosync_at=clock[0] - timedelta(minutes=1)
    )
    await store.save(player, {"userId": "1", "_t": "2"})
    return auto, player, told


async def test_a_failure_is_told_once_not_every_time(db, clock) -> None:
    auto, player, told = await _setup(clock, NetworkError("down"))
    for _ in range(3):
        await auto.tick()
        clock[0] += timedelta(hours=3)
    assert len(told) == 1 and told[0][0] == "555" and "自动同步失败" in told[0][1]
    await player.refresh_from_db()
    assert player.failure_reported == "NetworkError"
    assert player.next_autosync_at > clock[0] - timedelta(hours=3)


async def test_maintenance_pauses_every_autosync(db, clock) -> None:
    auto, player, _told = await _setup(clock, Maintenance("page"))
    reports = await auto.tick()
    assert len(reports) == 1 and isinstance(reports[0].error, Maintenance)
    assert auto.paused_until == clock[0] + timedelta(minutes=30)
    await Player.filter(id=player.id).update(next_autosync_at=clock[0])
    assert await auto.tick() == []  # paused: nobody is synced
    clock[0] += timedelta(minutes=31)
    assert len(await auto.tick()) == 1


async def test_expired_session_stops_autosync_with_one_private_note(db, clock) -> None:
    auto, _player, told = await _setup(clock, SessionExpired("200002"))
    await auto.tick()
    assert len(told) == 1 and "/bind" in told[0][1]
    clock[0] += timedelta(hours=5)
    assert await auto.tick() == []  # an expired binding is not due any more
    assert len(told) == 1


async def test_players_who_opted_out_are_never_synced(db, clock) -> None:
    auto, player, _told = await _setup(clock, NetworkError("x"))
    await Player.filter(id=player.id).update(autosync=False)
    assert await auto.tick() == []


async def test_one_accounts_rate_limit_backs_it_off_and_slows_the_others(db, clock) -> None:
    from plugins.maimai_archive.core.errors import RateLimited

    auto, player, _told = await _setup(clock, RateLimited("HTTP 567 after 4 tries"))
    others = [
        await Player.create(
            qq=str(600 + i), autosync=True, next_autosync_at=clock[0] + timedelta(minutes=2)
        )
        for i in range(7)
    ]
    for other in others:
        await auto.service.store.save(other, {"userId": "1", "_t": "2"})
    (report,) = await auto.tick()
    assert isinstance(report.error, RateLimited)
    assert auto.paused_until is None  # nobody else is stopped …
    await player.refresh_from_db()
    first_wait = player.next_autosync_at - clock[0]
    assert first_wait >= timedelta(minutes=30)
    clock[0] += timedelta(minutes=3)
    assert len(await auto.tick()) == 2  # … they go on, two a tick instead of all seven
    clock[0] += timedelta(minutes=1)
    assert len(await auto.tick()) == 2
    clock[0] += timedelta(minutes=10)
    assert len(await auto.tick()) == 3  # the slow spell is over: the last three start at once
    # The throttled account, again refused, waits twice as long.
    clock[0] = player.next_autosync_at
    await auto.tick()
    await player.refresh_from_db()
    assert player.next_autosync_at - clock[0] >= 2 * timedelta(minutes=30)
