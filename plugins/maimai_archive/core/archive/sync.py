"""The sync: read an account's pages, archive what is new, report what changed.

Fewest requests by design: ``record/`` first (a sync with nothing new stops there); one
``playlogDetail`` per play not yet detailed; the profile and album only when plays are new;
the score lists on the first sync, on demand (``full``), and when the rating we compute
disagrees with the site's. Every phase is its own transaction and every write is
idempotent, so a sync cut anywhere (crash, expiry, maintenance) loses nothing already read
and a retry never doubles a play. The page source is swappable (tests drive it with saved
pages); the result is a typed report, never chat text.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from ..db.models import (
    SCORE_FIELDS,
    Best,
    BestChange,
    Photo,
    Play,
    PlayDetail,
    Player,
    ProfileSnapshot,
    SyncRun,
)
from ..errors import MaimaiError, PageChanged, SessionError, SiteUnavailable
from ..game import ChartType, Difficulty
from ..parsed import ParsedPhoto, ParsedPlay, ParsedPlayDetail, ParsedProfile, ParsedScore
from ..rating import b50
from ..songs.catalogue import Catalogue
from .binding import BindingStore

log = logging.getLogger(__name__)

RING = 50  # record/ shows the latest 50 plays
SCORE_DIFFS = (0, 1, 2, 3, 4, 10)  # basic … Re:MASTER, Utage
FC_ORDER = (None, "fc", "fcp", "ap", "app")
FS_ORDER = (None, "sync", "fs", "fsp", "fsd", "fsdp")
# Renewed on every response, so a crashed process frees its accounts within this time.
LEASE = timedelta(minutes=2)
MAX_UNREADABLE_DETAILS = 3  # in a row: then the page has changed, not one play


class PageSource(Protocol):
    """What the sync reads; ``MaimaiClient`` is one, saved pages in tests are another."""

    requests: int
    bytes_received: int

    async def record(self) -> list[ParsedPlay]: ...
    async def play_detail(self, idx: str) -> ParsedPlayDetail: ...
    async def scores(self, diff: int) -> list[ParsedScore]: ...
    async def home(self) -> ParsedProfile: ...
    async def friend_code(self) -> ParsedProfile: ...
    async def photos(self) -> list[ParsedPhoto]: ...


CookieSaver = Callable[[dict[str, str]], Awaitable[None]]
SourceFactory = Callable[[dict[str, str], CookieSaver], AbstractAsyncContextManager[PageSource]]


@dataclass
class SyncReport:
    status: str  # ok | failed | busy | unbound | expired
    player_id: int
    run_id: int | None = None
    full: bool = False
    first: bool = False
    new_plays: int = 0
    new_details: int = 0
    improved: int = 0
    imported_bests: int = 0
    new_photos: int = 0
    unresolved: int = 0
    rating_before: int | None = None
    rating_after: int | None = None
    requests: int = 0
    bytes_received: int = 0
    gap: bool = False  # plays older than ours were pushed out before this sync: some may be lost
    details_failed: int = 0  # detail pages that could not be read (retried next time)
    error: MaimaiError | None = None
    pages: list[str] = field(default_factory=list)  # what was fetched, in order

    @property
    def ok(self) -> bool:
        return self.status == "ok"


UNREADABLE = "保存的 Cookie 无法解密（机器人的密钥变了），私聊我发送 /bind 重新登录。"


class BindingChanged(MaimaiError):
    """The binding was deleted or replaced while a sync ran on the old session."""

    user_message = "同步期间绑定有变化（解绑或重新绑定），这次同步已停止；请重新 /sync。"


def unresolved_key(type_: str, difficulty: str, title: str) -> str:
    return f"?{type_}:{difficulty}:{title}"


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
    ) -> None:
        self.store = store
        self._catalogue = catalogue
        self._source_factory = source_factory
        self.data_dir = data_dir
        self._pool = asyncio.Semaphore(max_syncs)
        self._running: set[int] = set()
        self._waiting = 0
        self.owner = owner or f"{_HOST}:{_pid_namespace()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._clock = clock

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
        if player.id in self._running:
            return SyncReport("busy", player.id)
        self._running.add(player.id)
        try:
            if self._pool.locked() and on_queued is not None:
                await on_queued(self._waiting + 1)
            self._waiting += 1
            try:
                await self._pool.acquire()
            finally:
                self._waiting -= 1
            try:
                return await self._sync_leased(player, full, trigger)
            finally:
                self._pool.release()
        finally:
            self._running.discard(player.id)

    # --- lease ---------------------------------------------------------------------------

    async def _acquire_lease(self, player: Player) -> bool:
        now = self._clock()
        free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=self.owner)
        holders = await Player.filter(id=player.id).values_list("lease_owner", flat=True)
        holder = holders[0] if holders else None
        if holder and holder != self.owner and _owner_is_dead(holder):
            # A bot killed mid-sync (kill -9, power loss) never released its lease: without
            # this the account could not sync for the rest of the lease after a restart.
            free |= Q(lease_owner=holder)
        taken = await Player.filter(Q(id=player.id) & free).update(
            lease_owner=self.owner, lease_until=now + LEASE
        )
        return taken == 1

    async def _renew_lease(self, player: Player) -> None:
        renewed = await Player.filter(id=player.id, lease_owner=self.owner).update(lease_until=self._clock() + LEASE)
        if not renewed:
            # Another process took the account (our lease ran out): two syncs rotating one
            # session would kill it, so this one stops here.
            raise SiteUnavailable("lease lost", user_message="另一个同步接手了你的账号，请稍后查看结果。")

    async def _release_lease(self, player: Player) -> None:
        await Player.filter(id=player.id, lease_owner=self.owner).update(lease_owner=None, lease_until=None)

    async def _sync_leased(self, player: Player, full: bool, trigger: str) -> SyncReport:
        status = await self.store.status(player)
        if status is None:
            return SyncReport("unbound", player.id)
        if status == "expired":
            return SyncReport("expired", player.id)
        if not await self._acquire_lease(player):
            return SyncReport("busy", player.id)
        try:
            # Read the cookies only under the lease: another process may just have rotated them.
            try:
                loaded = await self.store.load_sealed(player)
            except ValueError as e:  # the secret key changed: these cookies are unreadable
                await self.store.mark_expired(player)
                return SyncReport("expired", player.id, error=SessionError(str(e), user_message=UNREADABLE))
            if loaded is None:
                return SyncReport("unbound", player.id)
            return await self._sync(player, loaded, full, trigger)
        finally:
            await self._release_lease(player)

    # --- the sync itself -------------------------------------------------------------------

    async def _sync(self, player: Player, loaded: tuple[str, dict[str, str]], full: bool, trigger: str) -> SyncReport:
        token, cookies = loaded
        await player.refresh_from_db()
        # Under the lease no other sync of this player runs: a run still "running" was cut
        # off (kill -9, power loss) and is failed, so this one finishes its work.
        await SyncRun.filter(player=player, status="running").update(
            status="failed", error="Interrupted", finished_at=self._clock()
        )
        first = not await SyncRun.filter(player=player, status="ok").exists()
        run = await SyncRun.create(
            player=player, started_at=self._clock(), full=full or first, trigger=trigger,
            rating_before=player.rating,
        )
        # "failed" until every phase has run: a crash or a cancel never reads as a success.
        report = SyncReport("failed", player.id, run.id, full=full or first, first=first, rating_before=player.rating)
        report.improved = await self._adopt_unfinished(player, run)

        current = token

        async def save_cookies(jar: dict[str, str]) -> None:
            # After every response: a crash later must not leave a stale session behind.
            # Compare-and-swap: an /unbind or a new /bind during the sync wins.
            nonlocal current
            rotated = await self.store.rotate(player, jar, expected=current)
            if rotated is None:
                raise BindingChanged("binding replaced during the sync")
            current = rotated
            await self._renew_lease(player)

        source: PageSource | None = None
        try:
            async with self._source_factory(cookies, save_cookies) as source:
                await self._run_phases(player, run, source, report)
            report.status = "ok"
        except MaimaiError as e:
            report.status, report.error = "failed", e
            if isinstance(e, BindingChanged):
                report.status = "unbound"
            elif isinstance(e, SessionError):
                await self.store.mark_expired(player, token=current)
                report.status = "expired"
            log.warning("sync of player %s stopped: %s: %s", player.id, type(e).__name__, e)
        finally:
            if source is not None:
                report.requests, report.bytes_received = source.requests, source.bytes_received
            await player.refresh_from_db()
            report.rating_after = player.rating
            await SyncRun.filter(id=run.id).update(
                finished_at=self._clock(),
                status="ok" if report.ok else "failed",
                error=type(report.error).__name__ if report.error else None,
                requests=report.requests,
                bytes_received=report.bytes_received,
                new_plays=report.new_plays,
                new_details=report.new_details,
                improved_bests=report.improved,
                rating_after=report.rating_after,
                gap=report.gap,
            )
            if report.ok:
                await Player.filter(id=player.id).update(last_sync_at=self._clock())
        return report

    async def _run_phases(self, player: Player, run: SyncRun, source: PageSource, report: SyncReport) -> None:
        catalogue = self._catalogue()
        report.pages.append("record")
        plays = await source.record()
        await self._archive_plays(player, run, plays, catalogue, report)
        last_rating = await self._archive_details(player, plays, source, report)

        # New plays, or plays a failed sync archived but did not finish with.
        changed = report.new_plays > 0 or report.improved > 0 or await self._unfinished_plays(player, run)
        if report.first or report.full or (changed and last_rating != player.rating) or (changed and last_rating is None):
            report.pages.append("home")
            await self._archive_profile(player, run, await source.home(), rating=last_rating)
        elif last_rating is not None and last_rating != player.rating:
            await Player.filter(id=player.id).update(rating=last_rating)
        await player.refresh_from_db()

        if report.first or report.full or (changed and await self._rating_disagrees(player, catalogue)):
            for diff in SCORE_DIFFS:
                report.pages.append(f"scores:{diff}")
                await self._archive_scores(player, run, await source.scores(diff), catalogue, report)
            computed = await self._computed_rating(player, catalogue)
            if computed is not None and player.rating is not None:
                await Player.filter(id=player.id).update(rating_offset=player.rating - computed)

        if report.first or report.full or changed:
            report.pages.append("photos")
            await self._archive_photos(player, await source.photos(), source, report)
        report.unresolved = await Play.filter(player=player, chart_key__isnull=True).count()

    # --- a failed sync's work --------------------------------------------------------------

    async def _last_ok(self, player: Player) -> SyncRun | None:
        return await SyncRun.filter(player=player, status="ok").order_by("-started_at").first()

    async def _adopt_unfinished(self, player: Player, run: SyncRun) -> int:
        """Best changes recorded by syncs that failed since the last good one move to this
        run, so its reply and its diff show them; returns how many."""
        last = await self._last_ok(player)
        failed = SyncRun.filter(player=player, status="failed")
        if last is not None:
            failed = failed.filter(started_at__gt=last.started_at)
        ids = await failed.values_list("id", flat=True)
        if not ids:
            return 0
        return await BestChange.filter(player=player, sync_id__in=ids).update(sync_id=run.id)

    async def _unfinished_plays(self, player: Player, run: SyncRun) -> bool:
        """Plays archived by a failed sync since the last good one (their profile, album and
        rating check are still owed)."""
        last = await self._last_ok(player)
        query = Play.filter(player=player, sync__status="failed")
        if last is not None:
            query = query.filter(sync__started_at__gt=last.started_at)
        return await query.exists()

    # --- plays and bests ---------------------------------------------------------------------

    async def _archive_plays(
        self, player: Player, run: SyncRun, plays: list[ParsedPlay], catalogue: Catalogue, report: SyncReport
    ) -> None:
        if not plays:
            return
        unix = [p.played_unix for p in plays]
        known = set(await Play.filter(player=player, played_unix__in=unix).values_list("played_unix", flat=True))
        newest = await Play.filter(player=player).order_by("-played_unix").first()
        if newest is not None and len(plays) >= RING and min(unix) > newest.played_unix:
            report.gap = True  # the ring turned over since the last sync
        new = sorted((p for p in plays if p.played_unix not in known), key=lambda p: p.played_unix)
        if not new:
            return
        async with in_transaction():
            for parsed in new:
                chart = self._resolve(catalogue, parsed.title, parsed.type, parsed.difficulty, parsed.dx_score_max, parsed.level)
                play, created = await Play.get_or_create(
                    player=player,
                    played_unix=parsed.played_unix,
                    defaults=dict(
                        played_at=parsed.played_at,
                        idx=parsed.idx,
                        track=parsed.track,
                        title=parsed.title,
                        type=parsed.type.value,
                        difficulty=parsed.difficulty.value,
                        level=parsed.level,
                        achievement=parsed.achievement,
                        dx_score=parsed.dx_score,
                        dx_score_max=parsed.dx_score_max,
                        dx_stars=parsed.dx_stars,
                        rank=parsed.rank.value,
                        fc=parsed.fc.value if parsed.fc else None,
                        fs=parsed.fs.value if parsed.fs else None,
                        new_record=parsed.new_record,
                        new_dx_record=parsed.new_dx_record,
                        place=parsed.place,
                        buddy=parsed.buddy,
                        jacket=parsed.jacket,
                        chart_key=chart.key if chart else None,
                        song_id=chart.song_id if chart else None,
                        sync=run,
                    ),
                )
                if not created:
                    continue
                report.new_plays += 1
                if await self._merge_best(player, run, _best_fields(play), play.played_at, record=not report.first):
                    report.improved += 1

    @staticmethod
    def _resolve(catalogue: Catalogue, title: str, type_: ChartType, difficulty: Difficulty, dx_max: int | None, level: str | None):
        try:
            return catalogue.resolve(title, type_, difficulty, dx_max, level)
        except ValueError:
            return None

    async def _merge_best(self, player: Player, run: SyncRun, new: dict, at: datetime, record: bool) -> bool:
        """Fold one score into the player's best on its chart; True when it improved."""
        best = await Best.get_or_none(player=player, chart_key=new["chart_key"])
        if best is None:
            await Best.create(player=player, updated_at=at, **new)
            if record:
                await BestChange.create(
                    player=player, sync=run, chart_key=new["chart_key"], song_id=new["song_id"],
                    title=new["title"], type=new["type"], difficulty=new["difficulty"], level=new["level"],
                    new_achievement=new["achievement"], new_dx_score=new["dx_score"],
                    new_fc=new["fc"], new_fs=new["fs"], changed_at=at,
                )
            return record
        merged = merge_best(best, new)
        if merged is None:
            return False
        old = {k: getattr(best, k) for k in ("achievement", "dx_score", "fc", "fs")}
        await Best.filter(id=best.id).update(updated_at=at, **merged)
        if record:
            await BestChange.create(
                player=player, sync=run, chart_key=best.chart_key, song_id=best.song_id,
                title=best.title, type=best.type, difficulty=best.difficulty, level=best.level,
                old_achievement=old["achievement"], new_achievement=merged["achievement"],
                old_dx_score=old["dx_score"], new_dx_score=merged["dx_score"],
                old_fc=old["fc"], new_fc=merged["fc"], old_fs=old["fs"], new_fs=merged["fs"],
                changed_at=at,
            )
        return True

    # --- details ---------------------------------------------------------------------------

    async def _archive_details(
        self, player: Player, plays: list[ParsedPlay], source: PageSource, report: SyncReport
    ) -> int | None:
        """Fetch the detail of every play on the page that has none yet (oldest first: they
        leave the ring first). Returns the DX rating after the newest detailed play."""
        if not plays:
            return None
        on_page = {p.played_unix: p for p in plays}
        missing = await Play.filter(player=player, played_unix__in=list(on_page), detail=None).order_by("played_unix")
        rating: tuple[int, int] | None = None
        unreadable = 0
        for play in missing:
            if unreadable >= MAX_UNREADABLE_DETAILS:
                break  # the detail page changed for everyone: the rest wait for a fixed parser
            parsed = on_page[play.played_unix]
            report.pages.append(f"detail:{parsed.idx}")
            try:
                detail = await source.play_detail(parsed.idx)  # the slot moves: use today's idx
            except PageChanged as e:
                # One unreadable page must not stop the profile, score lists and album;
                # the play stays without detail and is retried while it is on record/.
                log.warning("detail of play %s unreadable: %s", play.played_unix, e)
                report.details_failed += 1
                unreadable += 1
                continue
            unreadable = 0
            async with in_transaction():
                _, created = await PlayDetail.get_or_create(play=play, defaults=_detail_fields(detail))
            report.new_details += created
            if detail.rating is not None and (rating is None or play.played_unix > rating[0]):
                rating = (play.played_unix, detail.rating)
        if rating is None:
            return None
        # A retried old detail must not roll the rating back past a newer play's.
        newer = await Play.filter(player=player, played_unix__gt=rating[0], detail__not_isnull=True).exists()
        return None if newer else rating[1]

    # --- profile -------------------------------------------------------------------------------

    async def _archive_profile(self, player: Player, run: SyncRun, profile: ParsedProfile, rating: int | None) -> None:
        rating = profile.rating if profile.rating is not None else rating
        async with in_transaction():
            await ProfileSnapshot.create(
                player=player, sync=run, taken_at=self._clock(), name=profile.name, rating=rating,
                trophy=profile.trophy, stars=profile.stars, course_rank=profile.course_rank,
                class_rank=profile.class_rank, play_count=profile.play_count,
                page={"name": profile.name, "rating": profile.rating, "friend_code": profile.friend_code,
                      "trophy": profile.trophy, "tallies": profile.tallies},
            )
            fields: dict[str, object] = {"name": profile.name, "rating": rating}
            if profile.friend_code:
                fields["friend_code"] = profile.friend_code
            await Player.filter(id=player.id).update(**fields)

    # --- score lists -----------------------------------------------------------------------

    async def _archive_scores(
        self, player: Player, run: SyncRun, scores: list[ParsedScore], catalogue: Catalogue, report: SyncReport
    ) -> None:
        now = self._clock()
        async with in_transaction():
            for score in scores:
                if score.achievement is None:
                    continue  # unplayed
                chart = self._resolve(catalogue, score.title, score.type, score.difficulty, score.dx_score_max, score.level)
                fields = {
                    "chart_key": chart.key if chart else unresolved_key(score.type.value, score.difficulty.value, score.title),
                    "song_id": chart.song_id if chart else None,
                    "title": score.title,
                    "type": score.type.value,
                    "difficulty": score.difficulty.value,
                    "level": score.level,
                    "achievement": score.achievement,
                    "dx_score": score.dx_score,
                    "dx_score_max": score.dx_score_max,
                    "dx_stars": score.dx_stars,
                    "rank": score.rank.value if score.rank else "d",
                    "fc": score.fc.value if score.fc else None,
                    "fs": score.fs.value if score.fs else None,
                }
                existed = await Best.exists(player=player, chart_key=fields["chart_key"])
                improved = await self._merge_best(player, run, fields, now, record=not report.first)
                if not existed:
                    report.imported_bests += 1
                elif improved:
                    report.improved += 1

    async def _computed_rating(self, player: Player, catalogue: Catalogue) -> int | None:
        from ..rating import Score

        if len(catalogue) == 0:
            return None  # nothing to compute with: do not fetch score lists over it
        scores = []
        for best in await Best.filter(player=player, song_id__not_isnull=True):
            chart = catalogue.chart(best.chart_key)
            if chart is not None and chart.type is not ChartType.UTAGE:
                scores.append(Score(chart, best.achievement, best.fc, best.fs, best.dx_score))
        return b50(scores).total

    async def _rating_disagrees(self, player: Player, catalogue: Catalogue) -> bool:
        """True when the site's rating moved away from what our bests explain."""
        computed = await self._computed_rating(player, catalogue)
        if computed is None or player.rating is None:
            return False
        return computed + (player.rating_offset or 0) != player.rating

    # --- album -------------------------------------------------------------------------------

    async def _archive_photos(self, player: Player, photos: list[ParsedPhoto], source: PageSource, report: SyncReport) -> None:
        fetch = getattr(source, "image", None)
        folder = self.data_dir / "photos" / str(player.id)
        for photo in photos:
            row, created = await Photo.get_or_create(
                player=player, url=photo.url,
                defaults=dict(
                    title=photo.title,
                    difficulty=photo.difficulty.value if photo.difficulty else None,
                    taken_at=photo.taken_at,
                    place=photo.place,
                ),
            )
            report.new_photos += created
            if row.path is None and fetch is not None:
                data = await fetch(photo.url)
                name = hashlib.sha256(photo.url.encode()).hexdigest()[:24] + _suffix(photo.url)
                await asyncio.to_thread(_save_file, folder / name, data)  # disk I/O off the loop
                await Photo.filter(id=row.id).update(path=str(Path("photos") / str(player.id) / name))


def merge_best(best: Best, new: dict) -> dict | None:
    """The fields of ``best`` that ``new`` improves (each best is kept on its own, as the game
    does: achievement, DX score, combo lamp, sync lamp); None when nothing improves."""
    merged = {
        "achievement": max(best.achievement, new["achievement"]),
        "dx_score": _max_opt(best.dx_score, new["dx_score"]),
        "dx_stars": max(best.dx_stars, new["dx_stars"]),
        "fc": _better(best.fc, new["fc"], FC_ORDER),
        "fs": _better(best.fs, new["fs"], FS_ORDER),
    }
    if all(getattr(best, k) == v for k, v in merged.items()):
        return None
    if merged["achievement"] > best.achievement:
        merged["rank"] = new["rank"]
    merged["dx_score_max"] = best.dx_score_max or new["dx_score_max"]
    return merged


_HOST = os.uname().nodename[:40]


def _pid_namespace() -> str:
    """Which process-id space our pid belongs to (containers on one host share the host name)."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def _owner_is_dead(owner: str) -> bool:
    """Whether a lease owner (``host:pidns:pid:nonce``) was a process of our host and pid
    space that is gone."""
    parts = owner.rsplit(":", 3)
    if len(parts) != 4 or parts[0] != _HOST or parts[1] != _pid_namespace() or not parts[2].isdigit():
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


def _save_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _suffix(url: str) -> str:
    tail = url.rsplit("/", 1)[-1].split("?")[0]
    return "." + tail.rsplit(".", 1)[1] if "." in tail and len(tail.rsplit(".", 1)[1]) <= 4 else ".jpg"


def _max_opt(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _better(a: str | None, b: str | None, order: Iterable[str | None]) -> str | None:
    order = list(order)
    rank = lambda v: order.index(v) if v in order else 0  # noqa: E731
    return a if rank(a) >= rank(b) else b


def _best_fields(play: Play) -> dict:
    return {
        "chart_key": play.chart_key or unresolved_key(play.type, play.difficulty, play.title),
        "song_id": play.song_id,
        **{name: getattr(play, name) for name in SCORE_FIELDS},
    }


def _detail_fields(detail: ParsedPlayDetail) -> dict:
    j = detail.judgements
    return {
        "judgements": None if j is None else {
            "tap": list(j.tap), "hold": list(j.hold), "slide": list(j.slide),
            "touch": list(j.touch), "break": list(j.break_),
        },
        "fast": detail.fast,
        "late": detail.late,
        "max_combo": detail.max_combo[0] if detail.max_combo else None,
        "max_combo_total": detail.max_combo[1] if detail.max_combo else None,
        "max_sync": detail.max_sync[0] if detail.max_sync else None,
        "max_sync_total": detail.max_sync[1] if detail.max_sync else None,
        "rating": detail.rating,
        "rating_delta": detail.rating_delta,
        "matching": list(detail.matching),
        "characters": list(detail.characters),
    }
