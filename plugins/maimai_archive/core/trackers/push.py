"""Links to score trackers and the pushes: after a sync, on /push, retried when pending.

A link holds the player's token for one service, sealed with the same Fernet box as the
cookies. After a good sync the charts it improved (every best after a first sync) join
the link's pending set; the push then sends those bests and clears what went through. A
service that is down keeps them pending for the next sync; a rejected token marks the
link invalid (its pending set keeps growing for the day a new token is linked, or a /push
gets through again) and the player is told once, in private. A push runs as a background task: it never delays or
fails a sync.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx

from ..db.models import Best, BestChange, Play, Player, TrackerLink
from ..secret import SecretBox
from ..songs.catalogue import Catalogue
from . import divingfish, lxns, upload
from .upload import BATCH, PushedBest, Skip, TrackerError

log = logging.getLogger(__name__)

SERVICES: dict[str, ModuleType] = {divingfish.SERVICE: divingfish, lxns.SERVICE: lxns}
# What players type: 水鱼 / 落雪 and the services' usual names.
NAMES = {"水鱼": "divingfish", "divingfish": "divingfish", "df": "divingfish",
         "落雪": "lxns", "lxns": "lxns"}  # fmt: skip
HOW_TO_FIX = {
    "divingfish": "请登录水鱼查分器，在「编辑个人资料」里重新生成 Import-Token，然后私聊我 /link 水鱼 <新 Token>。",
    "lxns": "请登录落雪查分器，在「账号详情」里重新生成个人 API 密钥，然后私聊我 /link 落雪 <新密钥>。",
}
DRAIN_WAIT = 10.0  # seconds app.stop() waits for pushes still running
# Scores one push takes out after the service named them (one resend each); past that the
# rest waits for the next push, which takes out as many again.
MAX_DROPPED = 16

Notify = Callable[[str, str], Awaitable[None]]


class LinkError(Exception):
    def __init__(self, user_message: str) -> None:
        super().__init__("link refused")
        self.user_message = user_message


@dataclass(frozen=True)
class LinkInfo:
    service: str
    label: str
    masked: str
    status: str  # ok | invalid
    pending: int  # charts waiting; -1 = every best


@dataclass
class PushResult:
    service: str
    label: str
    status: str = "nothing"  # ok | nothing | more | down | invalid | rejected | unlinked
    sent: int = 0
    # reason → count: unknown (not in the song data), invalid (the service refused it)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count


class TooManyRefused(TrackerError):
    """The service named more refused scores than one push takes out: the rest waits."""


def service_of(word: str) -> str | None:
    return NAMES.get(word.strip().lower())


def mask(token: str) -> str:
    return "…" + token[-4:] if len(token) >= 12 else "***"


def check_token(token: str) -> str:
    token = token.strip().strip("`").strip()
    if not (8 <= len(token) <= 512) or not token.isascii() or any(c.isspace() for c in token):
        raise LinkError(
            "这不像是一个 Token：请直接复制完整的 Token（一串没有空格的英文、数字和符号）。"
        )
    return token


class TrackerService:
    def __init__(
        self,
        box: SecretBox,
        catalogue: Callable[[], Catalogue],
        urls: dict[str, str],
        *,
        timeout: float = 20.0,
        notify: Notify | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._box = box
        self._catalogue = catalogue
        self.urls = {name: url if url.endswith("/") else url + "/" for name, url in urls.items()}
        self.timeout = timeout
        self.notify = notify
        self._clock = clock
        self._locks: dict[tuple[int, str], asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._draining = False

    # --- links ---------------------------------------------------------------------------

    async def link(self, qq: str, service: str, token: str) -> None:
        token = check_token(token)
        player, _ = await Player.get_or_create(qq=qq)
        sealed = self._box.seal({"token": token})
        fields: dict[str, Any] = {
            "token": sealed,
            "status": "ok",
            "invalid_told": False,
            "last_error": None,
        }
        if not await TrackerLink.filter(player_id=player.id, service=service).update(**fields):
            await TrackerLink.create(player=player, service=service, **fields)

    async def unlink(self, qq: str, service: str) -> bool:
        return bool(await TrackerLink.filter(player__qq=qq, service=service).delete())

    async def links(self, qq: str) -> list[LinkInfo]:
        out = []
        for row in await TrackerLink.filter(player__qq=qq).order_by("service"):
            try:
                masked = mask(self._token(row))
            except ValueError:
                masked = "***"
            out.append(
                LinkInfo(
                    row.service,
                    SERVICES[row.service].LABEL,
                    masked,
                    row.status,
                    -1 if row.pending_all else len(row.pending),
                )
            )
        return out

    def _token(self, row: TrackerLink) -> str:
        return self._box.open(row.token)["token"]

    # --- after a sync ----------------------------------------------------------------------

    def after_sync(
        self, player_id: int, run_id: int | None, first: bool
    ) -> asyncio.Task[None] | None:
        """Queue this sync's improved charts and push them, in the background (none once
        draining: the database is about to close)."""
        if self._draining:
            log.info("push after the sync of player %s dropped: stopping", player_id)
            return None
        task = asyncio.create_task(self._after_sync(player_id, run_id, first))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _after_sync(self, player_id: int, run_id: int | None, first: bool) -> None:
        try:
            links = await TrackerLink.filter(player_id=player_id)
            if not links:
                return
            keys: list[str] = (
                []
                if first or run_id is None
                else [
                    str(k)
                    for k in await BestChange.filter(
                        player_id=player_id, sync_id=run_id
                    ).values_list("chart_key", flat=True)
                ]
            )
            for row in links:
                async with self._lock(player_id, row.service):
                    await self._add_pending(row.id, keys, first)
                    if row.status == "ok":
                        result = await self._push(player_id, row.service, everything=False)
                        if result.status != "nothing":
                            log.info(
                                "push to %s for player %s: %s, %d sent, skipped %s",
                                row.service,
                                player_id,
                                result.status,
                                result.sent,
                                result.skipped,
                            )
        except Exception:  # never a sync's problem
            log.exception("push after the sync of player %s failed", player_id)

    async def _add_pending(self, link_id: int, keys: list[str], everything: bool) -> None:
        row = await TrackerLink.get(id=link_id)
        if everything:
            await TrackerLink.filter(id=link_id).update(pending_all=True)
        elif keys:
            merged = list(dict.fromkeys([*row.pending, *keys]))
            await TrackerLink.filter(id=link_id).update(pending=merged)

    # --- /push ---------------------------------------------------------------------------

    async def push_everything(self, qq: str, service: str | None = None) -> list[PushResult]:
        """Every archived best to the player's linked services (or one of them)."""
        rows = await TrackerLink.filter(player__qq=qq).order_by("service")
        results = []
        for row in rows:
            if service is None or row.service == service:
                async with self._lock(row.player_id, row.service):
                    results.append(await self._push(row.player_id, row.service, everything=True))
        return results

    async def drain(self, wait: float = DRAIN_WAIT) -> None:
        """Take no new push; let running ones finish (bounded), then cancel what is left."""
        self._draining = True
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=wait)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    # --- the push ------------------------------------------------------------------------

    def _lock(self, player_id: int, service: str) -> asyncio.Lock:
        return self._locks.setdefault((player_id, service), asyncio.Lock())

    async def _push(self, player_id: int, service: str, everything: bool) -> PushResult:
        """Send pending bests (or all) to one service; the caller holds the link's lock."""
        module = SERVICES[service]
        result = PushResult(service, module.LABEL)
        row = await TrackerLink.get_or_none(player_id=player_id, service=service)
        if row is None:
            result.status = "unlinked"
            return result
        all_bests = everything or row.pending_all
        wanted = None if all_bests else list(row.pending)
        if wanted == []:
            return result
        try:
            token = self._token(row)
        except ValueError:  # the secret key changed: the token is unreadable
            await self._rejected(row, result, "unreadable token")
            return result
        bests = await self._bests(player_id, wanted)
        batch: list[tuple[dict[str, Any], str]] = []
        for best in bests:
            try:
                batch.append((module.record(best), best.chart_key))
            except Skip as s:
                result.skip(s.reason)
        keys = [key for _, key in batch]
        done = {b.chart_key for b in bests} - set(keys)  # skipped: never sendable as they are
        if wanted is not None:  # keys with no best any more (forgotten, or re-keyed)
            done.update(set(wanted) - {b.chart_key for b in bests})
        error: TrackerError | None = None
        left: list[str] = []  # not sent: the push stopped before them
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False) as http:
            for start in range(0, len(batch), BATCH):
                try:
                    sent = await self._send(
                        module, http, token, batch[start : start + BATCH], result, done
                    )
                except TrackerError as e:
                    error = e
                    left = [k for k in keys[start:] if k not in done]
                    break
                done.update(key for _, key in sent)
                result.sent += len(sent)
        if wanted is None and error is None:
            done.update(row.pending)
        if isinstance(error, upload.TokenRejected):
            await self._rejected(row, result, str(error))
        elif isinstance(error, upload.TrackerDown):
            result.status = "down"
        elif isinstance(error, TooManyRefused):
            result.status = "more"
        elif isinstance(error, upload.PayloadRejected):
            result.status = "rejected"
            done.update(keys)  # the same bests would be refused again
        else:
            result.status = "ok" if result.sent else "nothing"
        # Past the refused scores the rest is pending by name, so the next push goes on
        # from there instead of meeting the same refusals again.
        more = left if isinstance(error, TooManyRefused) else []
        await self._settle(
            row.id,
            done,
            more,
            clear_all=(all_bests and error is None)
            or isinstance(error, upload.PayloadRejected | TooManyRefused),
            error=type(error).__name__ if error else None,
            accepted=result.sent > 0,
        )
        if error is not None:
            log.warning("push to %s for player %s stopped: %s", service, player_id, error)
        return result

    async def _send(
        self,
        module: ModuleType,
        http: httpx.AsyncClient,
        token: str,
        batch: list[tuple[dict[str, Any], str]],
        result: PushResult,
        done: set[str],
    ) -> list[tuple[dict[str, Any], str]]:
        """Send one batch; what went through. A score the service names as the reason it
        refused the whole request is taken out (done, counted) and the rest sent again."""
        while batch:
            try:
                await module.send(http, self.urls[module.SERVICE], token, [r for r, _ in batch])
                return batch
            except upload.ScoreRejected as e:
                named = [key for record, key in batch if e.names(record)]
                if not named:  # it names nothing we sent: a refusal of the request as such
                    raise upload.PayloadRejected(str(e)) from None
                if result.skipped.get("invalid", 0) + len(named) > MAX_DROPPED:
                    raise TooManyRefused(str(e)) from None
                log.info("%s refused one score (%s); the rest goes again", module.LABEL, e.named)
                batch = [(r, k) for r, k in batch if not e.names(r)]
                done.update(named)
                result.skip("invalid", len(named))
        return batch

    async def _settle(
        self,
        link_id: int,
        done: set[str],
        more: list[str],
        clear_all: bool,
        error: str | None,
        accepted: bool,
    ) -> None:
        row = await TrackerLink.get(id=link_id)
        fields: dict[str, object] = {
            "pending": [k for k in dict.fromkeys([*row.pending, *more]) if k not in done],
            "last_error": error,
        }
        if accepted:  # the service took the token: a link marked invalid works again
            fields.update(status="ok", invalid_told=False)
        if clear_all:
            fields["pending_all"] = False
        if error is None:
            fields["last_push_at"] = self._clock()
        await TrackerLink.filter(id=link_id).update(**fields)

    async def _rejected(self, row: TrackerLink, result: PushResult, detail: str) -> None:
        result.status = "invalid"
        await TrackerLink.filter(id=row.id).update(status="invalid", last_error="TokenRejected")
        if row.invalid_told or self.notify is None:
            return
        await TrackerLink.filter(id=row.id).update(invalid_told=True)
        player = await Player.get(id=row.player_id)
        label = SERVICES[row.service].LABEL
        text = f"{label}拒绝了你关联的 Token（可能已重新生成或被删除），成绩暂停上传到{label}。\n{HOW_TO_FIX[row.service]}"
        try:
            await self.notify(player.qq, text)
        except Exception as e:  # a closed private chat must not stop the push bookkeeping
            log.info(
                "could not tell player %s about the %s token: %s",
                row.player_id,
                row.service,
                type(e).__name__,
            )

    async def _bests(self, player_id: int, keys: list[str] | None) -> list[PushedBest]:
        query = Best.filter(player_id=player_id)
        if keys is not None:
            query = query.filter(chart_key__in=keys)
        rows = await query.order_by("chart_key")
        catalogue = self._catalogue()
        # The play that set each achievement (落雪 keeps a play time): the earliest one.
        played: dict[tuple[str, int], datetime] = {}
        # Only charts the song data knows are sent, so only theirs need a play time.
        resolved = [r.chart_key for r in rows if catalogue.chart(r.chart_key) is not None]
        plays = (
            await Play.filter(player_id=player_id, chart_key__in=resolved)
            .order_by("played_unix")
            .values_list("chart_key", "achievement", "played_at")
        )
        for key, achievement, at in plays:
            played.setdefault((key, achievement), at)
        out = []
        for r in rows:
            chart = catalogue.chart(r.chart_key)
            song = catalogue.song(chart.song_id) if chart is not None else None
            out.append(
                PushedBest(
                    r.chart_key,
                    song,
                    r.type,
                    r.difficulty,
                    r.achievement,
                    r.dx_score,
                    r.fc,
                    r.fs,
                    played.get((r.chart_key, r.achievement)),
                )
            )
        return out
