"""Automatic syncs: often enough that the 50-play ring never overflows, no more.

A player who just played is synced again soon (a session can add ~20 plays an hour); one
who has not played for a while is checked less and less often, up to ``MAX_INTERVAL`` (at
the fastest play rate the ring needs ~2.5 h to turn over). Times are spread by a
per-player offset so that 200 accounts do not all hit the site in the same minute.
Maintenance (the whole site is down) pauses every autosync for a while. A rate limit (HTTP
567) or a challenge page is about one account's traffic: that account backs off, longer at
each repeat, and the others go on more slowly for a while (fewer started per tick). A failure is told to the
player in private once per kind, not at every attempt.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from ..db.models import Player
from ..errors import MaimaiError, Maintenance, SiteUnavailable
from .sync import SyncReport, SyncService, SyncStatus

log = logging.getLogger(__name__)

MIN_INTERVAL = timedelta(minutes=30)
MAX_INTERVAL = timedelta(hours=2)
PAUSE = timedelta(minutes=30)
BATCH = 20  # players started per tick at most; the sync pool bounds what runs at once
BACKOFF = timedelta(minutes=30)  # a throttled account waits this, doubled at each repeat…
MAX_BACKOFF = timedelta(hours=4)  # …up to this
SLOW = timedelta(minutes=10)  # after a 567, the others go on at SLOW_BATCH per tick for this long
SLOW_BATCH = 2

Notify = Callable[[str, str], Awaitable[None]]


def next_interval(report: SyncReport, previous: timedelta | None) -> timedelta:
    """Soon after new plays; otherwise twice the previous wait, between the bounds."""
    if report.ok and report.new_plays > 0:
        return MIN_INTERVAL
    grown = (previous or MIN_INTERVAL) * 2
    return max(MIN_INTERVAL, min(grown, MAX_INTERVAL))


def spread(player_id: int, interval: timedelta) -> timedelta:
    """A stable per-player offset of up to a tenth of the interval."""
    return interval * ((player_id * 2654435761 % 1000) / 10000)


class AutoSync:
    def __init__(
        self,
        service: SyncService,
        notify: Notify,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.service = service
        self.notify = notify
        self.clock = clock
        self.paused_until: datetime | None = None
        self.slow_until: datetime | None = None
        self._throttled: dict[int, int] = {}  # player id → throttled syncs in a row

    async def due(self) -> list[Player]:
        now = self.clock()
        batch = SLOW_BATCH if self.slow_until and now < self.slow_until else BATCH
        return (
            await Player.filter(autosync=True, next_autosync_at__lte=now, binding__status="ok")
            .order_by("next_autosync_at")
            .limit(batch)
        )

    async def tick(self) -> list[SyncReport]:
        """Sync every player who is due (the scheduler calls this every minute)."""
        now = self.clock()
        if self.paused_until and now < self.paused_until:
            return []
        players = await self.due()
        if not players:
            return []
        reports = await asyncio.gather(*(self.run_one(p) for p in players))
        return [r for r in reports if r is not None]

    async def run_one(self, player: Player) -> SyncReport | None:
        """Sync one due player; None when another bot on this database claimed it first."""
        # Two bots on one database both see the player due; the lease keeps their syncs
        # apart but not in a row. The one whose claim lands syncs; it sets the real time after.
        now = self.clock()
        claimed = await Player.filter(id=player.id, next_autosync_at__lte=now).update(
            next_autosync_at=now + MIN_INTERVAL
        )
        if not claimed:
            log.info("autosync of player %s: claimed by another bot", player.id)
            return None
        previous = None
        if player.last_sync_at and player.next_autosync_at:
            previous = player.next_autosync_at - player.last_sync_at
        try:
            report = await self.service.sync(player, trigger="auto")
        except Exception as e:  # a bug for one player must not make them due every minute
            log.exception("autosync of player %s crashed", player.id)
            report = SyncReport(SyncStatus.FAILED, player.id, error=MaimaiError(type(e).__name__))
        log.info("autosync of player %s: %s", player.id, report.status)
        now = self.clock()
        interval = next_interval(report, previous)
        if isinstance(report.error, Maintenance):
            self.paused_until = now + PAUSE  # the site is down: everyone waits
            interval = max(interval, PAUSE)
        elif isinstance(report.error, SiteUnavailable):
            # This account's traffic was refused: it backs off, the others slow down.
            strikes = self._throttled.get(player.id, 0) + 1
            self._throttled[player.id] = strikes
            interval = max(interval, min(BACKOFF * 2 ** (strikes - 1), MAX_BACKOFF))
            self.slow_until = now + SLOW
        else:
            self._throttled.pop(player.id, None)
        await Player.filter(id=player.id).update(
            next_autosync_at=now + interval + spread(player.id, interval)
        )
        await self._tell(player, report)
        return report

    async def _tell(self, player: Player, report: SyncReport) -> None:
        if report.ok:
            if player.failure_reported:
                await Player.filter(id=player.id).update(failure_reported=None)
            return
        if report.status is SyncStatus.BUSY:
            return
        kind = report.status.value if report.error is None else type(report.error).__name__
        if player.failure_reported == kind:
            return  # already told once
        await Player.filter(id=player.id).update(failure_reported=kind)
        if report.status is SyncStatus.EXPIRED:
            text = (
                "自动同步暂停：舞萌DX登录已过期。私聊我发送 /bind 重新登录"
                "（也可以 /bind 加上新的 Cookie），存档和自动同步会接着继续。"
            )
        else:
            reason = report.error.user_message if report.error else "未知错误"
            text = f"自动同步失败：{reason}\n我会稍后自动重试，恢复前不再重复提醒。"
        try:
            await self.notify(player.qq, text)
        except Exception as e:  # a closed private chat must not stop the other syncs
            log.info("could not notify player %s: %s", player.id, type(e).__name__)
