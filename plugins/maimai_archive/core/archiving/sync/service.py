"""SyncService: the queue and the run lifecycle of syncs.

Fewest requests by design: ``record/`` first (a sync with nothing new stops there); one
``playlogDetail`` per play not yet detailed; the profile and album only when plays are new;
the score lists on the first sync, on demand (``full``, at most once per cooldown), and when
the rating we compute disagrees with the site's. Every phase is its own transaction and every
write is idempotent, so a sync cut anywhere loses nothing already read and a retry never
doubles a play. The result is a typed report, never chat text; no exception escapes it
untyped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ...db.models import BestChange, Play, Player, SyncRun
from ...errors import BindingChanged, MaimaiError, PageChanged, SessionError, SyncCrashed
from ...songs.catalogue import Catalogue
from ..binding import BindingStore
from ..evidence import PageKeeper
from .context import SyncContext
from .lease import Lease
from .phases import run_phases
from .report import OPTIONAL, Phase, RunStatus, SyncReport, SyncStatus
from .session import SessionKeeper
from .source import PageSource, SourceFactory

log = logging.getLogger(__name__)

UNREADABLE = "保存的 Cookie 无法解密（机器人的密钥变了），请私聊我重新 /bind。"
FULL_COOLDOWN = timedelta(minutes=10)
CLOSE_WAIT = 10.0  # seconds close() gives cancelled syncs to record how they ended
# Evidence file names by phase: the page kind the operator knows.
PAGE_KIND = {Phase.RECORD: "record", Phase.DETAIL: "detail", Phase.PROFILE: "home", Phase.SCORES: "scores",
             Phase.ALBUM: "album", Phase.PHOTO_FILES: "photo"}  # fmt: skip


class SyncService:
    """Runs syncs: one per account at a time (also across processes, by a database lease),
    at most ``max_syncs`` at once, the rest waiting in a queue."""

    def __init__(
        self,
        store: BindingStore,
        catalogue: Callable[[], Catalogue],
        source_factory: SourceFactory,
        *,
        data_dir: Path,
        max_syncs: int = 4,
        owner: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        full_cooldown: timedelta = FULL_COOLDOWN,
        on_done: Callable[[Player, SyncReport], None] | None = None,
    ) -> None:
        self.store = store
        # Sees every finished sync, whoever asked (the app pushes to trackers from it).
        self._on_done = on_done
        self._catalogue = catalogue
        self._source_factory = source_factory
        self.data_dir = data_dir
        self.pages = PageKeeper(data_dir / "pages", clock=clock)
        self._pool = asyncio.Semaphore(max_syncs)
        self._running: set[int] = set()
        self._waiting = 0
        self._tasks: set[asyncio.Task[SyncReport]] = set()
        self._closed = False
        self.lease = Lease(owner, clock)
        self._clock = clock
        self.full_cooldown = full_cooldown

    @property
    def owner(self) -> str:
        return self.lease.owner

    @property
    def source_factory(self) -> SourceFactory:
        return self._source_factory

    def is_running(self, player: Player) -> bool:
        return player.id in self._running

    @property
    def queue_length(self) -> int:
        return self._waiting

    async def sync(
        self,
        player: Player,
        *,
        full: bool = False,
        trigger: str = "command",
        on_queued: Callable[[int], Awaitable[None]] | None = None,
    ) -> SyncReport:
        if player.id in self._running or self._closed:
            return SyncReport(SyncStatus.BUSY, player.id)
        self._running.add(player.id)
        # Its own task, so close() can cut it; cancelling the caller cancels it too.
        task = asyncio.create_task(self._queued(player, full, trigger, on_queued))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _: self._running.discard(player.id))
        report = await task
        if self._on_done is not None:
            self._on_done(player, report)
        return report

    async def close(self, wait: float = CLOSE_WAIT) -> None:
        """Take no new sync and cut the running ones (a cut sync loses nothing it read): each
        records its run as failed ("Interrupted") and frees its lease, within ``wait``."""
        self._closed = True
        running = set(self._tasks)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running, timeout=wait)

    async def _queued(
        self,
        player: Player,
        full: bool,
        trigger: str,
        on_queued: Callable[[int], Awaitable[None]] | None,
    ) -> SyncReport:
        if self._pool.locked() and on_queued is not None:
            await on_queued(self._waiting + 1)
        self._waiting += 1
        try:
            await self._pool.acquire()
        finally:
            self._waiting -= 1
        try:
            return await self._sync_leased(player, full, trigger)
        except Exception as e:  # the database under the opening or closing writes
            return SyncReport(SyncStatus.FAILED, player.id, error=_typed(player, e))
        finally:
            self._pool.release()

    async def _sync_leased(self, player: Player, full: bool, trigger: str) -> SyncReport:
        status = await self.store.status(player)
        if status is None:
            return SyncReport(SyncStatus.UNBOUND, player.id)
        if status == "expired":
            log.info("sync of player %s: the binding is expired", player.id)
            return SyncReport(SyncStatus.EXPIRED, player.id)
        if not await self.lease.acquire(player):
            return SyncReport(SyncStatus.BUSY, player.id)
        try:
            # Read the cookies only under the lease: another process may just have rotated them.
            try:
                loaded = await self.store.load_sealed(player)
            except ValueError as e:  # the secret key changed: these cookies are unreadable
                log.warning(
                    "sync of player %s: the saved cookies are unreadable (%s)", player.id, e
                )
                await self.store.mark_expired(player)
                return SyncReport(
                    SyncStatus.EXPIRED,
                    player.id,
                    error=SessionError(str(e), user_message=UNREADABLE),
                )
            if loaded is None:
                return SyncReport(SyncStatus.UNBOUND, player.id)
            return await self._sync(player, loaded, full, trigger)
        finally:
            await self.lease.release(player)

    async def full_cooling(self, player: Player) -> bool:
        """Whether a sync read the score lists within the cooldown, even one that failed later
        (then ``full`` runs as a normal sync)."""
        since = self._clock() - self.full_cooldown
        return await SyncRun.filter(player=player, full=True, started_at__gte=since).exists()

    # --- one run -------------------------------------------------------------------------

    async def _sync(
        self, player: Player, loaded: tuple[str, dict[str, str]], full: bool, trigger: str
    ) -> SyncReport:
        token, cookies = loaded
        await player.refresh_from_db()
        # Under the lease no other sync of this player runs: a run still "running" was cut
        # off (kill -9, power loss) and is failed, so this one finishes its work.
        await SyncRun.filter(player=player, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error="Interrupted", finished_at=self._clock()
        )
        last = await self._last_ok(player)
        first = last is None
        declined = full and not first and await self.full_cooling(player)
        full = full and not declined
        before = _rating_before(player, last)
        # ``full`` is set once the score lists are read (see read_score_lists).
        run = await SyncRun.create(
            player=player, started_at=self._clock(), trigger=trigger, rating_before=before
        )
        # "failed" until every phase has run: a crash or a cancel never reads as a success.
        report = SyncReport(SyncStatus.FAILED, player.id, run.id, full=full or first, first=first,
                            rating_before=before, full_declined=declined,
                            cooldown_minutes=round(self.full_cooldown.total_seconds() / 60))  # fmt: skip
        report.improved_charts |= await self._adopt_unfinished(player, run, last)

        session = SessionKeeper(self.store, self.lease, player, token, cookies)

        async def keep(phase: Phase, error: MaimaiError) -> Path | None:
            if not isinstance(error, PageChanged) or error.body is None:
                return None
            return await asyncio.to_thread(
                self.pages.save, PAGE_KIND[phase], error.body, set(session.secrets), player.id
            )

        source: PageSource | None = None
        interrupted = False
        try:
            async with self._source_factory(cookies, session.save) as source:
                ctx = SyncContext(
                    player, run, source, report, self._catalogue(), self.data_dir, self._clock, keep,
                    owed=_owed(last), bests_imported=await _bests_imported(player),
                    changed_runs=await self._unfinished_plays(player, last),
                )  # fmt: skip
                await run_phases(ctx)
            report.status = SyncStatus.OK
        except Exception as e:
            error = _typed(player, e)
            report.status, report.error = SyncStatus.FAILED, error
            if isinstance(error, BindingChanged):
                report.status = SyncStatus.UNBOUND
            elif isinstance(error, SessionError):
                await self.store.mark_expired(player, token=session.current)
                report.status = SyncStatus.EXPIRED
            elif isinstance(error, PageChanged):
                await keep(Phase.RECORD, error)
            log.warning("sync of player %s stopped: %s: %s", player.id, type(error).__name__, error)
        except (
            asyncio.CancelledError
        ):  # the bot stopping: the run is recorded, then the cancel goes on
            interrupted = True
            raise
        finally:
            if source is not None:
                report.requests, report.bytes_received = source.requests, source.bytes_received
            await player.refresh_from_db()
            report.rating_after = player.rating
            columns = report.run_columns(interrupted)
            await SyncRun.filter(id=run.id).update(finished_at=self._clock(), **columns)
            if report.ok:
                await Player.filter(id=player.id).update(last_sync_at=self._clock())
        return report

    # --- a failed sync's work ------------------------------------------------------------

    async def _last_ok(self, player: Player) -> SyncRun | None:
        return (
            await SyncRun.filter(player=player, status=RunStatus.OK).order_by("-started_at").first()
        )

    async def _adopt_unfinished(
        self, player: Player, run: SyncRun, last: SyncRun | None
    ) -> set[str]:
        """Best changes recorded by syncs that failed since the last good one move to this
        run, so its reply and its diff show them; returns their charts."""
        failed = SyncRun.filter(player=player, status=RunStatus.FAILED)
        if last is not None:
            failed = failed.filter(started_at__gt=last.started_at)
        ids = await failed.values_list("id", flat=True)
        if not ids:
            return set()
        adopted = BestChange.filter(player=player, sync_id__in=ids)
        charts = {str(k) for k in await adopted.values_list("chart_key", flat=True)}
        await adopted.update(sync_id=run.id)
        return charts

    async def _unfinished_plays(self, player: Player, last: SyncRun | None) -> bool:
        """Plays archived by a failed sync since the last good one (their profile, album and
        rating check are still owed)."""
        query = Play.filter(player=player, sync__status=RunStatus.FAILED)
        if last is not None:
            query = query.filter(sync__started_at__gt=last.started_at)
        return await query.exists()


def _rating_before(player: Player, last: SyncRun | None) -> int | None:
    """The rating this sync's change starts from: where the last good sync left it. The
    player row is no baseline: /bind writes the home page's newer rating into it, and the
    failed syncs since (whose changes this one reports) may have too."""
    if last is not None and last.rating_after is not None:
        return last.rating_after
    return player.rating


def _owed(last: SyncRun | None) -> frozenset[Phase]:
    if last is None or not isinstance(last.skipped, list):
        return frozenset()
    return frozenset(Phase(p) for p in last.skipped if p in {o.value for o in OPTIONAL})


def _typed(player: Player, e: Exception) -> MaimaiError:
    """The error as one of ours; anything else is a bug, logged and wrapped in SyncCrashed."""
    if isinstance(e, MaimaiError):
        return e
    log.exception("sync of player %s crashed", player.id)
    crashed = SyncCrashed(type(e).__name__)
    crashed.__cause__ = e
    return crashed


async def _bests_imported(player: Player) -> bool:
    """Whether any sync (even one that failed later) read every score list: later reads
    record improvements. Runs from before this rule: a good run that did not skip them."""
    skipped = await SyncRun.filter(player=player, full=True).values_list("skipped", flat=True)
    return any(Phase.SCORES.value not in (s if isinstance(s, list) else []) for s in skipped)
