"""The rating curve (/history): every detailed play is a point (its time, the DX rating after
it), profile snapshots fill in between. Version changes are marked where the archive shows
one: the first play of a song from the release right after the newest one played so far (new
songs are playable only from their release on; skipping a release is no evidence of when)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..db.models import Play, PlayDetail, Player, ProfileSnapshot
from ..songs.catalogue import Catalogue
from ..views.progress_views import CurvePoint, RatingCurveView, VersionMark
from .plays import SITE_TZ, header, local
from .versions import DX_VERSIONS, label, order

DX_START = order(DX_VERSIONS[0])  # the old series were long over before any archive began


async def rating_curve_view(player: Player, catalogue: Catalogue) -> RatingCurveView | None:
    # Plain tuples: an archive holds thousands of plays.
    details = dict(
        await PlayDetail.filter(play__player=player, rating__not_isnull=True).values_list(
            "play_id", "rating"
        )
    )
    # The unix time, not played_at: parsing 5,000 stored datetimes took ~0.3 s.
    plays = [
        (pid, datetime.fromtimestamp(unix, SITE_TZ), song_id)
        for pid, unix, song_id in await Play.filter(player=player)
        .order_by("played_unix")
        .values_list("id", "played_unix", "song_id")
    ]
    shots = await ProfileSnapshot.filter(player=player, rating__not_isnull=True).values_list(
        "taken_at", "rating"
    )
    points = [CurvePoint(at, details[pid], True) for pid, at, _ in plays if pid in details]
    points += [CurvePoint(local(at), rating, False) for at, rating in shots]
    if not points:
        return None
    points.sort(key=lambda p: (p.at, not p.from_play))
    return RatingCurveView(header(player), tuple(points), _version_marks(plays, catalogue))


def _version_marks(plays: list[tuple[Any, ...]], catalogue: Catalogue) -> tuple[VersionMark, ...]:
    marks: list[VersionMark] = []
    newest: int | None = None
    for _, at, song_id in plays:
        song = catalogue.song(song_id) if song_id is not None else None
        rank = order(song.version) if song else None
        if rank is None or song is None:
            continue
        if (
            newest is not None
            and DX_START is not None
            and newest >= DX_START
            and rank == newest + 1
        ):
            marks.append(VersionMark(at, label(song.version)))
        newest = rank if newest is None else max(newest, rank)
    return tuple(marks)
