"""The page writers: parsed records → rows (``rows.py``) → the archive, one phase's batch
at a time. What to read and what may fail is ``phases.py``'s."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import cast

from tortoise.transactions import in_transaction

from ...db.models import Best, Photo, Play, PlayDetail, Player, ProfileSnapshot
from ...parsed import ParsedPhoto, ParsedPlay, ParsedPlayDetail, ParsedProfile, ParsedScore
from ..bests import fold_best
from .context import SyncContext
from .rows import best_of_play, detail_fields, photo_fields, play_rows, score_rows

PHOTO_MISS = ""  # Photo.path of a file that could not be fetched (off-site, too large…)
RING = 50  # record/ shows the latest 50 plays

log = logging.getLogger(__name__)


async def store_plays(ctx: SyncContext, plays: list[ParsedPlay]) -> None:
    """The plays not archived yet: rows, then each one's best folded in (oldest first)."""
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
        for parsed, fields in await play_rows(ctx.identify, new):
            play, created = await Play.get_or_create(
                player=player, played_unix=parsed.played_unix, defaults={**fields, "sync": ctx.run}
            )
            if not created:
                continue
            report.new_plays += 1
            best = best_of_play(play)
            if await fold_best(player, ctx.run, best, parsed.played_at, record=not report.first):
                report.improved_charts.add(best["chart_key"])


async def store_detail(play: Play, detail: ParsedPlayDetail) -> bool:
    """The play's detail row; False when it had one already."""
    async with in_transaction():
        _, created = await PlayDetail.get_or_create(play=play, defaults=detail_fields(detail))
    return created


async def store_profile(ctx: SyncContext, profile: ParsedProfile, rating: int | None) -> None:
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


async def store_bests(ctx: SyncContext, scores: list[ParsedScore], record: bool) -> None:
    """One score list's played charts folded into the bests (a change recorded if ``record``)."""
    player, report = ctx.player, ctx.report
    now = ctx.now()
    async with in_transaction():
        for fields in await score_rows(ctx.identify, scores):
            existed = await Best.exists(player=player, chart_key=fields["chart_key"])
            improved = await fold_best(player, ctx.run, fields, now, record=record)
            if not existed:
                report.imported_bests += 1
            elif improved:
                report.improved_charts.add(fields["chart_key"])


async def store_photos(ctx: SyncContext, photos: list[ParsedPhoto]) -> list[Photo]:
    """The album's rows (new ones counted); returns every row of the page."""
    rows: list[Photo] = []
    for photo in photos:
        row, created = await Photo.get_or_create(
            player=ctx.player, url=photo.url, defaults=photo_fields(photo)
        )
        ctx.report.new_photos += created
        rows.append(row)
    return rows


async def store_photo_file(player: Player, row: Photo, data: bytes | None, data_dir: Path) -> None:
    """A photo's file under the data dir, or a miss (``None``: never requested again)."""
    if data is None:
        await Photo.filter(id=row.id).update(path=PHOTO_MISS)
        return
    name = hashlib.sha256(row.url.encode()).hexdigest()[:24] + _suffix(row.url)
    folder = data_dir / "photos" / str(player.id)
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
