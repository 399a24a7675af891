"""The sync: read an account's pages, archive what is new, report what changed.

    service   SyncService: the queue, the lease, one run's lifecycle
    lease     one sync per account across processes
    phases    the phases (record/ required, the rest optional): source → rows → writes
    context   one sync's state; how an optional phase fails
    rows      parsed records → archive rows
    writes    archive rows → the database (plays, details, profile, bests, photos)
    report    SyncStatus, Phase, SyncReport (typed; the chat layer words it)
    source    the PageSource protocol (images included)

Best-merging rules live in ``archive.bests`` (shared with ``archive.resolve``).
"""

from ...errors import BindingChanged, LeaseLost
from .lease import Lease
from .report import Phase, RunStatus, Skipped, SyncReport, SyncStatus
from .service import SyncService
from .source import CookieSaver, PageSource, SourceFactory

__all__ = [
    "BindingChanged", "CookieSaver", "Lease", "LeaseLost", "PageSource", "Phase", "RunStatus",
    "Skipped", "SourceFactory", "SyncReport", "SyncService", "SyncStatus",
]  # fmt: skip
