"""The phases of one sync and the page writers.

``record/`` is the required phase: when it fails, the sync fails. Details, profile, score
lists, album and photo files are optional: a page of theirs that is unreadable, changed,
missing or off-site is logged, kept as evidence, skipped and reported, and the sync still
counts as done. Only session- or site-level errors (expiry, maintenance, rate limit after
retries, network) stop a sync from an optional phase. A phase the last sync skipped is
probed once: one failing page ends it again for this sync.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar, cast

from tortoise.transactions import in_transaction

from ...db.models import Best, Photo, Play, PlayDetail, Player, ProfileSnapshot, SyncRun
from ...errors import (
    MaimaiError,
    NetworkError,
    PageChanged,
    SessionError,
    SiteUnavailable,
    SyncCrashed,
    SyncStopped,
)
from ...game import FC, FS, ChartType
from ...parsed import ParsedPhoto, ParsedPlay, ParsedProfile
from ...rating import Score, b50
from ...songs.catalogue import Catalogue
from ...songs.data import UNRESOLVED_PREFIX
from ..bests import fold_best
from .report import Phase, SyncReport
from .rows import Identify, best_of_play, best_of_score, detail_fields, photo_fields, play_fields
from .source import PageSource

log = logging.getLogger(__name__)
T = TypeVar("T")

PHOTO_MISS = ""  # Photo.path of a file that could not be fetched (off-site, too large…)
RING = 50  # record/ shows the latest 50 plays
SCORE_DIFFS = (0, 1, 2, 3, 4, 10)  # basic … Re:MASTER, Utage
MAX_UNREADABLE_DETAILS = 3  # in a row: then the page has changed, not one play
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


async def run_phases(ctx: SyncContext) -> None:
    report, player = ctx.report, ctx.player
    report.pages.append("record")
    plays = await ctx.source.record()
    await archive_plays(ctx, plays)
    last_rating = await archive_details(ctx, plays)

    changed = report.new_plays > 0 or report.improved > 0 or ctx.changed_runs
    due = report.first or report.full
    if (
        due
        or Phase.PROFILE in ctx.owed
        or (changed and (last_rating is None or last_rating != player.rating))
    ):
        report.pages.append("home")
        profile = await optional(ctx, Phase.PROFILE, ctx.source.home)
        if profile is not None:
            await archive_profile(ctx, profile, rating=last_rating)
        elif last_rating is not None:
            await Player.filter(id=player.id).update(rating=last_rating)
    elif last_rating is not None and last_rating != player.rating:
        await Player.filter(id=player.id).update(rating=last_rating)
    await player.refresh_from_db()

    if (
        due
        or Phase.SCORES in ctx.owed
        or (changed and await rating_disagrees(player, ctx.catalogue))
    ):
        await read_score_lists(ctx)

    if due or changed or Phase.ALBUM in ctx.owed or Phase.PHOTO_FILES in ctx.owed:
        report.pages.append("photos")
        photos = await optional(ctx, Phase.ALBUM, ctx.source.photos)
        if photos is not None:
            await archive_photos(ctx, photos)
    report.unresolved = await Play.filter(player=player, chart_key__gte=UNRESOLVED_PREFIX).count()


# --- plays and bests -----------------------------------------------------------------------


async def archive_plays(ctx: SyncContext, plays: list[ParsedPlay]) -> None:
    player, report = ctx.player, ctx.report
    if not plays:
        return
    unix = [p.played_unix for p in plays]
    rows = await Play.filter(player=player, played_unix__in=unix).values_list(
        "played_unix", flat=True
    )
    known = set(cast("list[int]", rows))
    newest = await Play.filter(player=player).order_by("-played_unix").first()
    if newest is not None and len(plays) >= RING and min(unix) > newest.played_unix:
        report.gap = True  # the ring turned over since the last sync
    new = sorted((p for p in plays if p.played_unix not in known), key=lambda p: p.played_unix)
    if not new:
        return
    async with in_transaction():
        for parsed in new:
            chart = await ctx.identify(
                parsed.title,
                parsed.type.value,
                parsed.difficulty.value,
                parsed.dx_score_max,
                parsed.level,
            )
            play, created = await Play.get_or_create(
                player=player,
                played_unix=parsed.played_unix,
                defaults={**play_fields(parsed, chart), "sync": ctx.run},
            )
            if not created:
                continue
            report.new_plays += 1
            best = best_of_play(play)
            if await fold_best(player, ctx.run, best, parsed.played_at, record=not report.first):
                report.improved_charts.add(best["chart_key"])


# --- details -------------------------------------------------------------------------------


async def archive_details(ctx: SyncContext, plays: list[ParsedPlay]) -> int | None:
    """Fetch the detail of every play on the page that has none yet (oldest first: they
    leave the ring first). Returns the DX rating after the newest detailed play."""
    player, report = ctx.player, ctx.report
    if not plays:
        return None
    on_page = {p.played_unix: p for p in plays}
    missing = await Play.filter(player=player, played_unix__in=list(on_page), detail=None).order_by(
        "played_unix"
    )
    missing = missing[-RING:]  # a page showing more than the ring never costs more requests
    # A detail page the last sync could not read is probed once; otherwise a few in a row.
    limit = 1 if Phase.DETAIL in ctx.owed else MAX_UNREADABLE_DETAILS
    rating: tuple[int, int] | None = None
    unreadable = 0
    for play in missing:
        if unreadable >= limit:
            break  # the detail page changed for everyone: the rest wait for a fixed parser
        parsed = on_page[play.played_unix]
        report.pages.append(f"detail:{parsed.idx}")
        try:
            detail = await ctx.source.play_detail(parsed.idx)  # the slot moves: use today's idx
        except Exception as e:
            # The play stays without detail and is retried while it is on record/.
            await ctx.skip(Phase.DETAIL, skippable(e))
            report.details_failed += 1
            unreadable += 1
            continue
        unreadable = 0
        async with in_transaction():
            _, created = await PlayDetail.get_or_create(play=play, defaults=detail_fields(detail))
        report.new_details += created
        if detail.rating is not None and (rating is None or play.played_unix > rating[0]):
            rating = (play.played_unix, detail.rating)
    if rating is None:
        return None
    # A retried old detail must not roll the rating back past a newer play's, detailed or not.
    newer = await Play.filter(player=player, played_unix__gt=rating[0]).exists()
    return None if newer else rating[1]


# --- profile -------------------------------------------------------------------------------


async def archive_profile(ctx: SyncContext, profile: ParsedProfile, rating: int | None) -> None:
    player = ctx.player
    if rating is not None and profile.rating is not None and rating != profile.rating:
        # Two readings of one number: both stay (the detail's in its row, home's here).
        log.warning(
            "player %s: rating after the newest play %s (detail page) ≠ %s (home)",
            player.id,
            rating,
            profile.rating,
        )
    rating = profile.rating if profile.rating is not None else rating
    async with in_transaction():
        await ProfileSnapshot.create(
            player=player, sync=ctx.run, taken_at=ctx.now(), name=profile.name, rating=rating,
            trophy=profile.trophy, stars=profile.stars, course_rank=profile.course_rank,
            class_rank=profile.class_rank, play_count=profile.play_count,
            page={"name": profile.name, "rating": profile.rating, "friend_code": profile.friend_code,
                  "trophy": profile.trophy, "tallies": profile.tallies},
        )  # fmt: skip
        fields: dict[str, object] = {"name": profile.name, "rating": rating}
        if profile.friend_code:
            fields["friend_code"] = profile.friend_code
        await Player.filter(id=player.id).update(**fields)


# --- score lists ---------------------------------------------------------------------------


async def read_score_lists(ctx: SyncContext) -> None:
    """All six lists; the first one that fails ends the phase (it is retried next sync)."""
    player, report = ctx.player, ctx.report
    record = ctx.bests_imported and not report.first
    for diff in SCORE_DIFFS:
        report.pages.append(f"scores:{diff}")
        scores = await optional(ctx, Phase.SCORES, functools.partial(ctx.source.scores, diff))
        if scores is None:
            return
        now = ctx.now()
        async with in_transaction():
            for score in scores:
                if score.achievement is None:
                    continue  # unplayed
                chart = await ctx.identify(
                    score.title,
                    score.type.value,
                    score.difficulty.value,
                    score.dx_score_max,
                    score.level,
                )
                fields = best_of_score(score, chart)
                existed = await Best.exists(player=player, chart_key=fields["chart_key"])
                improved = await fold_best(player, ctx.run, fields, now, record=record)
                if not existed:
                    report.imported_bests += 1
                elif improved:
                    report.improved_charts.add(fields["chart_key"])
    # All six read: the bests are imported (later reads record changes) and the cooldown starts.
    await SyncRun.filter(id=ctx.run.id).update(full=True)
    await player.refresh_from_db()
    computed = await computed_rating(player, ctx.catalogue)
    if computed is not None and player.rating is not None:
        await Player.filter(id=player.id).update(rating_offset=player.rating - computed)


async def computed_rating(player: Player, catalogue: Catalogue) -> int | None:
    if len(catalogue) == 0:
        return None  # nothing to compute with: do not fetch score lists over it
    # Values, not models: a model per best (and its datetimes) held the loop ~0.1 s per sync
    # on a full archive (bench/scale.py "sync of 10 new plays").
    rows = await Best.filter(player=player, song_id__not_isnull=True).values_list(
        "chart_key", "achievement", "fc", "fs", "dx_score"
    )
    scores = []
    for key, achievement, fc, fs, dx_score in rows:
        chart = catalogue.chart(key)
        if chart is not None and chart.type is not ChartType.UTAGE:
            scores.append(
                Score(chart, achievement, FC(fc) if fc else None, FS(fs) if fs else None, dx_score)
            )
    return b50(scores).total


async def rating_disagrees(player: Player, catalogue: Catalogue) -> bool:
    """True when the site's rating moved away from what our bests explain."""
    computed = await computed_rating(player, catalogue)
    if computed is None or player.rating is None:
        return False
    return computed + (player.rating_offset or 0) != player.rating


# --- album ---------------------------------------------------------------------------------


async def archive_photos(ctx: SyncContext, photos: list[ParsedPhoto]) -> None:
    """Album rows, then each photo file not yet tried. The first file that fails ends the
    phase (the rest wait for the next sync) and is kept as a miss, never requested again."""
    player, report = ctx.player, ctx.report
    folder = ctx.data_dir / "photos" / str(player.id)
    rows: list[Photo] = []
    for photo in photos:
        row, created = await Photo.get_or_create(
            player=player, url=photo.url, defaults=photo_fields(photo)
        )
        report.new_photos += created
        rows.append(row)
    for row in rows:
        if row.path is not None:
            continue  # downloaded, or a miss
        data = await optional(ctx, Phase.PHOTO_FILES, functools.partial(ctx.source.image, row.url))
        if data is None:
            await Photo.filter(id=row.id).update(path=PHOTO_MISS)
            return
        name = hashlib.sha256(row.url.encode()).hexdigest()[:24] + _suffix(row.url)
        await asyncio.to_thread(_save_file, folder / name, data)  # disk I/O off the loop
        await Photo.filter(id=row.id).update(path=str(Path("photos") / str(player.id) / name))


def _save_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _suffix(url: str) -> str:
    tail = url.rsplit("/", 1)[-1].split("?")[0]
    return (
        "." + tail.rsplit(".", 1)[1] if "." in tail and len(tail.rsplit(".", 1)[1]) <= 4 else ".jpg"
    )
