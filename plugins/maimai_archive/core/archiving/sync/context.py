"""One sync's state, and how an optional phase fails without failing the sync."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from ...db.models import Player, SyncRun
from ...errors import (
    MaimaiError,
    NetworkError,
    PageChanged,
    SessionError,
    SiteUnavailable,
    SyncCrashed,
    SyncStopped,
)
from ...songs.catalogue import Catalogue
from .report import Phase, SyncReport
from .rows import Identify
from .source import PageSource

log = logging.getLogger(__name__)
T = TypeVar("T")

# What stops a sync even from an optional phase: the session or the site, not one page.
FATAL = (SessionError, SiteUnavailable, SyncStopped, NetworkError)
Keep = Callable[[Phase, MaimaiError], Awaitable[Path | None]]


@dataclass
class SyncContext:
    player: Player
    run: SyncRun
    source: PageSource
    report: SyncReport
    catalogue: Catalogue
    data_dir: Path
    now: Callable[[], datetime]
    keep: Keep  # keeps a redacted copy of an unreadable page
    owed: frozenset[Phase] = frozenset()  # phases the last good sync skipped
    bests_imported: bool = True  # score lists read before (else they are an import)
    changed_runs: bool = False  # plays of a failed sync are still owed their profile/album
    identify: Identify = field(init=False)

    def __post_init__(self) -> None:
        self.identify = Identify(self.catalogue, self.player)

    async def skip(self, phase: Phase, error: MaimaiError) -> None:
        log.warning(
            "sync of player %s: %s skipped: %s: %s",
            self.player.id,
            phase,
            type(error).__name__,
            error,
        )
        self.report.skip(phase, error, await self.keep(phase, error))


def skippable(e: Exception) -> MaimaiError:
    """The typed error an optional page failed with; re-raises what must stop the sync."""
    if isinstance(e, FATAL) and not isinstance(e, PageChanged):
        raise e
    if isinstance(e, MaimaiError):
        return e
    log.exception("unexpected error in an optional sync phase")
    crashed = SyncCrashed(f"{type(e).__name__} in an optional phase")
    crashed.__cause__ = e
    return crashed


async def optional(ctx: SyncContext, phase: Phase, work: Callable[[], Awaitable[T]]) -> T | None:
    try:
        return await work()
    except Exception as e:
        await ctx.skip(phase, skippable(e))
        return None
