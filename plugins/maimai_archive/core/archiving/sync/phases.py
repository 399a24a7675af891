"""The phases of one sync: what is read, in which order, and what may fail.

Each phase is a pipeline: its pages from the source (fetched and parsed, ``source.py``) →
archive rows (``rows.py``) → the archive (``writes.py``).

``record/`` is the required phase: when it fails, the sync fails. Details, profile, score
lists, album and photo files are optional: a page of theirs that is unreadable, changed,
missing or off-site is logged, kept as evidence, skipped and reported, and the sync still
counts as done. Only session- or site-level errors (expiry, maintenance, rate limit after
retries, network) stop a sync from an optional phase. A phase the last sync skipped is
probed once: one failing page ends it again for this sync.
"""

from __future__ import annotations

import functools

from ...db.models import Best, Play, Player, SyncRun
from ...game import FC, FS, ChartType
from ...parsed import ParsedPlay
from ...rating import Score, b50
from ...songs.catalogue import Catalogue
from ...songs.data import UNRESOLVED_PREFIX
from .context import SyncContext, optional, skippable
from .report import Phase
from .writes import (
    RING,
    store_bests,
    store_detail,
    store_photo_file,
    store_photos,
    store_plays,
    store_profile,
)

SCORE_DIFFS = (0, 1, 2, 3, 4, 10)  # basic … Re:MASTER, Utage
MAX_UNREADABLE_DETAILS = 3  # in a row: then the page has changed, not one play


async def run_phases(ctx: SyncContext) -> None:
    report, player = ctx.report, ctx.player
    report.pages.append("record")
    plays = await ctx.source.record()
    await store_plays(ctx, plays)
    last_rating = await read_details(ctx, plays)

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
            await store_profile(ctx, profile, rating=last_rating)
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
        await read_album(ctx)
    report.unresolved = await Play.filter(player=player, chart_key__gte=UNRESOLVED_PREFIX).count()


# --- details -------------------------------------------------------------------------------


async def read_details(ctx: SyncContext, plays: list[ParsedPlay]) -> int | None:
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
        report.new_details += await store_detail(play, detail)
        if detail.rating is not None and (rating is None or play.played_unix > rating[0]):
            rating = (play.played_unix, detail.rating)
    if rating is None:
        return None
    # A retried old detail must not roll the rating back past a newer play's, detailed or not.
    newer = await Play.filter(player=player, played_unix__gt=rating[0]).exists()
    return None if newer else rating[1]


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
        await store_bests(ctx, scores, record)
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


async def read_album(ctx: SyncContext) -> None:
    """Album rows, then each photo file not yet tried. The first file that fails ends the
    phase (the rest wait for the next sync) and is kept as a miss, never requested again."""
    ctx.report.pages.append("photos")
    photos = await optional(ctx, Phase.ALBUM, ctx.source.photos)
    if photos is None:
        return
    for row in await store_photos(ctx, photos):
        if row.path is not None:
            continue  # downloaded, or a miss
        data = await optional(ctx, Phase.PHOTO_FILES, functools.partial(ctx.source.image, row.url))
        await store_photo_file(ctx.player, row, data, ctx.data_dir)
        if data is None:
            return
