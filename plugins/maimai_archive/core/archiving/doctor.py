"""``mai-archive doctor``: fetch each page kind once for a bound player and say what parses.

The first thing an operator runs when the site changes: record, one detail, home, one score
list and the album, each parsed; an unreadable page is kept (redacted) under
``<data dir>/pages/``. Runs under the account's lease and saves rotated cookies like a sync.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from ..db.models import Player
from ..errors import BindingChanged, MaimaiError, PageChanged, SessionError, SiteUnavailable
from .sync import SyncService
from .sync.session import SessionKeeper
from .sync.source import PageSource

MASTER = 3  # the score list checked: MASTER charts


@dataclass(frozen=True)
class PageCheck:
    page: str
    ok: bool
    result: str  # what was read, or what was missing / the error
    saved: Path | None = None


class DoctorError(MaimaiError):
    """The check could not start (no binding, expired, a sync running)."""


async def check_pages(service: SyncService, player: Player) -> list[PageCheck]:
    status = await service.store.status(player)
    if status is None:
        raise DoctorError("no binding for this player")
    if status == "expired":
        raise DoctorError("the binding is expired: the player must /bind again")
    if not await service.lease.acquire(player):
        raise DoctorError("a sync of this player is running; try again in a minute")
    try:
        loaded = await service.store.load_sealed(player)
        if loaded is None:
            raise DoctorError("no binding for this player")
        token, cookies = loaded
        session = SessionKeeper(service.store, service.lease, player, token, cookies)
        async with service.source_factory(cookies, session.save) as source:
            return await _run_checks(service, source, session.secrets, player.id)
    finally:
        await service.lease.release(player)


async def _run_checks(
    service: SyncService, source: PageSource, secrets: set[str], player_id: int
) -> list[PageCheck]:
    checks: list[PageCheck] = []
    idx: list[str] = []

    async def record() -> str:
        plays = await source.record()
        idx.extend(p.idx for p in plays[:1])
        return f"{len(plays)} plays"

    async def detail() -> str:
        if not idx:
            return "no play on record/ to check"
        d = await source.play_detail(idx[0])
        area = d.rating_area
        return f"rating {d.rating}" + (
            f" (total {area.total}, change {area.delta}, rows {len(area.rows)})" if area else ""
        )

    async def home() -> str:
        return f"rating {(await source.home()).rating}"

    async def scores() -> str:
        return f"{len(await source.scores(MASTER))} charts"

    async def album() -> str:
        return f"{len(await source.photos())} photos"

    steps: list[tuple[str, Callable[[], Awaitable[str]]]] = [
        ("record", record), ("detail", detail), ("home", home), ("scores", scores), ("album", album),
    ]  # fmt: skip
    for page, step in steps:
        try:
            checks.append(PageCheck(page, True, await step()))
        except PageChanged as e:
            saved = None
            if e.body is not None:
                saved = await asyncio.to_thread(
                    service.pages.save, page, e.body, set(secrets), player_id
                )
            checks.append(PageCheck(page, False, f"{type(e).__name__}: missing {e.missing}", saved))
        except (SessionError, SiteUnavailable, BindingChanged) as e:
            checks.append(PageCheck(page, False, f"{type(e).__name__}: {e} (stopped)"))
            break  # the session or the site: the other pages would fail the same way
        except MaimaiError as e:
            checks.append(PageCheck(page, False, f"{type(e).__name__}: {e}"))
    return checks


def format_checks(checks: list[PageCheck]) -> str:
    rows = [("page", "result", "saved copy")]
    rows += [
        (c.page, "ok: " + c.result if c.ok else c.result, str(c.saved) if c.saved else "-")
        for c in checks
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}" for r in rows) + "\n"
