"""What a sync returns: a status, what it archived, what it skipped. Never chat text."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ...errors import MaimaiError


class SyncStatus(StrEnum):
    OK = "ok"  # record/ was read and archived (optional pages may have been skipped)
    FAILED = "failed"  # record/ or the site failed; what was read is kept
    BUSY = "busy"  # another sync of this account runs (here or in another process)
    UNBOUND = "unbound"  # no binding, or it changed during the sync
    EXPIRED = "expired"  # the session is gone: the player must /bind again


class Phase(StrEnum):
    """The parts of a sync. ``RECORD`` is required; every other one is optional."""

    RECORD = "record"
    DETAIL = "detail"
    PROFILE = "profile"
    SCORES = "scores"
    ALBUM = "album"
    PHOTO_FILES = "photo_files"


OPTIONAL = (Phase.DETAIL, Phase.PROFILE, Phase.SCORES, Phase.ALBUM, Phase.PHOTO_FILES)


@dataclass
class Skipped:
    """An optional phase that could not be done this time (logged; retried next sync)."""

    phase: Phase
    error: MaimaiError
    pages: int = 1  # how many pages of the phase failed
    saved: Path | None = None  # a redacted copy of the last unreadable page


@dataclass
class SyncReport:
    status: SyncStatus
    player_id: int
    run_id: int | None = None
    full: bool = False
    full_declined: bool = False  # /sync full within the cooldown: ran as a normal sync
    cooldown_minutes: int = 0  # that cooldown, for the reply
    first: bool = False
    new_plays: int = 0
    new_details: int = 0
    # Charts whose best this sync raised (a chart played twice in one sync counts once).
    improved_charts: set[str] = field(default_factory=set)
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
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def improved(self) -> int:
        return len(self.improved_charts)

    @property
    def ok(self) -> bool:
        return self.status is SyncStatus.OK

    def skip(self, phase: Phase, error: MaimaiError, saved: Path | None = None) -> None:
        """Note one failed page of an optional phase (one entry per phase)."""
        for entry in self.skipped:
            if entry.phase is phase:
                entry.pages += 1
                entry.error = error
                entry.saved = saved or entry.saved
                return
        self.skipped.append(Skipped(phase, error, 1, saved))

    def skipped_phases(self) -> list[str]:
        return [s.phase.value for s in self.skipped]

    def run_columns(self, interrupted: bool) -> dict[str, object]:
        """The archive's ``sync_run`` row as this sync ends."""
        error = type(self.error).__name__ if self.error else None
        totals = {name: getattr(self, name) for name in RUN_TOTALS}
        return totals | {
            "status": RunStatus.OK if self.ok else RunStatus.FAILED,
            "error": "Interrupted" if interrupted else error,
            "improved_bests": self.improved,
            "skipped": self.skipped_phases(),
        }


# What a run's row keeps of its report under the same names.
RUN_TOTALS = ("requests", "bytes_received", "new_plays", "new_details", "rating_after", "gap")


class RunStatus(StrEnum):
    """``SyncRun.status`` in the archive."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
