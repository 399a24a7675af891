"""Visits (出勤): plays with gaps under an hour between them are one visit to the arcade.

Only the plays around the asked moment are read, as plain tuples (a window that grows while
a visit runs over its edge), never the whole archive.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, cast

from ..db.models import Photo, Play, PlayDetail, Player
from ..views.progress_views import VisitPlay, VisitView
from .plays import PLAY_ROW_FIELDS, SITE_TZ, PlayRow, QueryContext, card_fields, header, local

VISIT_GAP = 3600  # seconds between two plays of one visit (less than)
WINDOW = 6 * 3600  # first read around the asked moment; grows while a visit touches its edge


async def _plays(player: Player, lo: int, hi: int) -> list[PlayRow]:
    """Plays in [lo, hi] (unix), widened until no visit crosses an edge."""
    while True:
        rows = [
            PlayRow(*r)
            for r in await Play.filter(player=player, played_unix__gte=lo, played_unix__lte=hi)
            .order_by("played_unix")
            .values_list(*PLAY_ROW_FIELDS)
        ]
        if not rows:
            return rows
        grow_lo = rows[0].played_unix - lo < VISIT_GAP
        grow_hi = hi - rows[-1].played_unix < VISIT_GAP
        if not grow_lo and not grow_hi:
            return rows
        lo -= WINDOW if grow_lo else 0
        hi += WINDOW if grow_hi else 0
        if (
            grow_lo
            and not await Play.filter(
                player=player, played_unix__lt=rows[0].played_unix, played_unix__gte=lo
            ).exists()
        ):
            lo = rows[0].played_unix - VISIT_GAP  # nothing earlier near: stop growing down
        if (
            grow_hi
            and not await Play.filter(
                player=player, played_unix__gt=rows[-1].played_unix, played_unix__lte=hi
            ).exists()
        ):
            hi = rows[-1].played_unix + VISIT_GAP


def count_credits(plays: Iterable[tuple[int, int]]) -> int:
    """Credits (PC) in (played_unix, track) pairs, oldest first: one starts at a visit's first
    play and wherever the track does not go up. Not "plays on track 1": the record page keeps
    only the last 50 plays, so a credit's first tracks may never have reached the archive."""
    credits, last = 0, None
    for unix, track in plays:
        if last is None or unix - last[0] >= VISIT_GAP or track <= last[1]:
            credits += 1
        last = (unix, track)
    return credits


def split_visits(plays: list[PlayRow]) -> list[list[PlayRow]]:
    visits: list[list[PlayRow]] = []
    for play in plays:
        if visits and play.played_unix - visits[-1][-1].played_unix < VISIT_GAP:
            visits[-1].append(play)
        else:
            visits.append([play])
    return visits


async def visit_views(
    player: Player, archive: QueryContext, day: date | None = None
) -> tuple[VisitView, ...]:
    """The latest visit, or every visit of ``day`` (site time) that has a play on that day."""
    if day is None:
        latest = cast(
            "int | None",
            await Play.filter(player=player)
            .order_by("-played_unix")
            .first()
            .values_list("played_unix", flat=True),
        )
        if latest is None:
            return ()
        visits = split_visits(await _plays(player, latest - WINDOW, latest))[-1:]
    else:
        start = int(datetime.combine(day, time.min, SITE_TZ).timestamp())
        end = start + 86_400 - 1
        visits = [
            v
            for v in split_visits(await _plays(player, start - WINDOW, end + WINDOW))
            if any(start <= p.played_unix <= end for p in v)
        ]
    if not visits:
        return ()
    ids = [p.id for v in visits for p in v]
    details = {
        r[0]: r[1:]
        for r in await PlayDetail.filter(play_id__in=ids).values_list(
            "play_id", "rating", "rating_delta", "fast", "late"
        )
    }
    photos = await _photos(player, archive, visits)
    views = []
    for i, visit in enumerate(visits):
        heading = f"第 {i + 1} 次出勤（共 {len(visits)} 次）" if len(visits) > 1 else ""
        views.append(_view(player, archive, visit, details, tuple(photos.get(i, ())), heading))
    return tuple(views)


def _view(
    player: Player,
    archive: QueryContext,
    visit: list[PlayRow],
    details: dict[int, tuple[Any, ...]],
    photos: tuple[Path, ...],
    heading: str,
) -> VisitView:
    plays = []
    for number, p in enumerate(visit, 1):
        rating_after, _, fast, late = details.get(p.id, (None, None, None, None))
        fields = card_fields(archive, p)
        plays.append(
            VisitPlay(number=number, **fields, rating_after=rating_after, fast=fast, late=late)
        )
    detailed = [details[p.id] for p in visit if p.id in details]
    with_rating = [d for d in detailed if d[0] is not None]
    start_rating = None
    if with_rating and with_rating[0][1] is not None:
        start_rating = with_rating[0][0] - with_rating[0][1]
    end_rating = with_rating[-1][0] if with_rating else None
    fasts = [d[2] for d in detailed if d[2] is not None]
    lates = [d[3] for d in detailed if d[3] is not None]
    credits = count_credits((p.played_unix, p.track) for p in visit)
    best = max(plays, key=lambda v: (v.rating if v.rating is not None else -1, v.achievement))
    return VisitView(
        header(player),
        local(visit[0].played_at),
        local(visit[-1].played_at),
        credits,
        tuple(plays),
        start_rating,
        end_rating,
        sum(p.new_record for p in visit),
        best,
        sum(fasts) if fasts else None,
        sum(lates) if lates else None,
        photos,
        heading,
    )


async def _photos(
    player: Player, archive: QueryContext, visits: list[list[PlayRow]]
) -> dict[int, list[Path]]:
    """The downloaded photos taken during (or within the gap of) a visit, by visit."""
    lo = datetime.combine(local(visits[0][0].played_at).date(), time.min, SITE_TZ)
    hi = datetime.combine(local(visits[-1][-1].played_at).date(), time.max, SITE_TZ)
    rows = (
        await Photo.filter(player=player, taken_at__gte=lo, taken_at__lte=hi, path__not_isnull=True)
        .exclude(path="")
        .order_by("taken_at", "id")
        .values_list("path", "taken_at")
    )
    out: dict[int, list[Path]] = {}
    for path, taken in rows:
        at = taken.timestamp()

        def distance(i: int, at: float = at) -> float:
            first, last = visits[i][0].played_unix, visits[i][-1].played_unix
            return 0 if first <= at <= last else min(abs(at - first), abs(at - last))

        nearest = min(range(len(visits)), key=distance)
        if distance(nearest) >= VISIT_GAP:
            continue  # taken at another visit of the day, not in this answer
        resolved = Path(path)
        if not resolved.is_absolute() and archive.data_dir is not None:
            resolved = archive.data_dir / resolved
        out.setdefault(nearest, []).append(resolved)
    return out
