"""Every play, paged on the server: filters (title by the /chart search, level, difficulty,
dates, rank, lamps) and sorts (date, achievement, rating). Reads plain tuples; by date the
page comes from the per-player time index (player, played_unix) without reading the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, cast

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from ..db.models import Play, Player
from ..game import FC, FS, Difficulty, Rank
from ..queries.plays import PLAY_ROW_FIELDS, SITE_TZ, PlayRow, QueryContext
from ..songs.search import Verdict, decide

PAGE_SIZE = 50
SORTS = ("date", "achievement", "rating")
LEVEL_MAX = 8  # a level as the game writes it: "13+", "12?"


@dataclass(frozen=True, slots=True)
class PlayFilter:
    """What the every-play page asks for; built from query parameters, unknown values dropped."""

    title: str = ""
    level: str = ""
    difficulty: str = ""
    since: date | None = None
    until: date | None = None
    rank: str = ""
    fc: str = ""  # a lamp code, or "none"
    fs: str = ""
    sort: str = "date"
    page: int = 1

    @classmethod
    def from_query(cls, q: Mapping[str, str]) -> PlayFilter:
        def one_of(name: str, allowed: set[str]) -> str:
            value = q.get(name, "").strip()
            return value if value in allowed else ""

        page = q.get("page", "1")
        return cls(
            title=q.get("title", "").strip()[:64],
            level=q.get("level", "").strip()[:LEVEL_MAX],
            difficulty=one_of("difficulty", {d.value for d in Difficulty}),
            since=_date(q.get("since", "")),
            until=_date(q.get("until", "")),
            rank=one_of("rank", {r.value for r in Rank}),
            fc=one_of("fc", {f.value for f in FC} | {"none"}),
            fs=one_of("fs", {f.value for f in FS} | {"none"}),
            sort=one_of("sort", set(SORTS)) or "date",
            page=int(page) if page.isdigit() and 0 < len(page) < 8 else 1,
        )

    def query(self, **change: Any) -> dict[str, str]:
        """The query parameters of this filter (with ``change``), empty ones left out."""
        f = replace(self, **change)
        values = {
            "title": f.title,
            "level": f.level,
            "difficulty": f.difficulty,
            "since": f.since.isoformat() if f.since else "",
            "until": f.until.isoformat() if f.until else "",
            "rank": f.rank,
            "fc": f.fc,
            "fs": f.fs,
            "sort": "" if f.sort == "date" else f.sort,
            "page": "" if f.page == 1 else str(f.page),
        }
        return {k: v for k, v in values.items() if v}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ShownPlay:
    play: PlayRow
    level: str | None
    constant: int | None  # tenths
    rating: int | None


@dataclass(frozen=True, slots=True)
class PlayPage:
    rows: tuple[ShownPlay, ...]
    total: int
    page: int
    pages: int


async def _title_filter(archive: QueryContext, title: str) -> Q:
    """The songs /chart's search finds for ``title`` (both SD and DX sets), and any play
    whose title contains it (unresolved plays, songs the catalogue lacks)."""
    contains = Q(title__icontains=title)
    if not len(archive.catalogue):
        return contains
    # The fuzzy search is tens of ms of pure Python: off the event loop.
    decision = decide(await asyncio.to_thread(archive.catalogue.search, title))
    if decision.verdict is Verdict.NONE:
        return contains
    ids = {
        s.id
        for group in decision.groups
        for song in group.songs
        for s in archive.catalogue.siblings(song) or [song]
    }
    return Q(song_id__in=sorted(ids)) | contains


async def filtered(player: Player, archive: QueryContext, f: PlayFilter) -> QuerySet[Play]:
    qs = Play.filter(player_id=player.id)
    if f.title:
        qs = qs.filter(await _title_filter(archive, f.title))
    if f.level:
        qs = qs.filter(level=f.level)
    if f.difficulty:
        qs = qs.filter(difficulty=f.difficulty)
    if f.since:
        qs = qs.filter(
            played_unix__gte=int(datetime.combine(f.since, time.min, SITE_TZ).timestamp())
        )
    if f.until:
        qs = qs.filter(
            played_unix__lte=int(datetime.combine(f.until, time.max, SITE_TZ).timestamp())
        )
    if f.rank:
        qs = qs.filter(rank=f.rank)
    for name in ("fc", "fs"):
        value = getattr(f, name)
        if value == "none":
            qs = qs.filter(**{f"{name}__isnull": True})
        elif value:
            qs = qs.filter(**{name: value})
    return qs


def shown(archive: QueryContext, row: PlayRow) -> ShownPlay:
    chart = archive.chart(cast(Any, row))  # a row tuple with the fields of a Play
    return ShownPlay(
        row,
        row.level or (chart.level if chart else None),
        chart.constant if chart else None,
        archive.rating_of(chart, row.achievement),
    )


async def play_page(
    player: Player, archive: QueryContext, f: PlayFilter, page_size: int = PAGE_SIZE
) -> PlayPage:
    qs = await filtered(player, archive, f)
    total = await qs.count()
    pages = max(1, -(-total // page_size))
    page = max(1, min(f.page, pages))
    offset = (page - 1) * page_size
    if f.sort == "rating":
        rows = await _by_rating(qs, archive, offset, page_size)
    else:
        order = ("-played_unix",) if f.sort == "date" else ("-achievement", "-played_unix")
        rows = [
            PlayRow(*r)
            for r in await qs.order_by(*order)
            .offset(offset)
            .limit(page_size)
            .values_list(*PLAY_ROW_FIELDS)
        ]
    return PlayPage(tuple(shown(archive, r) for r in rows), total, page, pages)


async def _by_rating(
    qs: QuerySet[Play], archive: QueryContext, offset: int, size: int
) -> list[PlayRow]:
    """Rating is the catalogue's constant times the achievement's factor, not a column: the
    filtered plays' keys and achievements are read and ranked here, then one page is read."""
    keys = await qs.values_list("id", "chart_key", "achievement", "played_unix")
    charts = {key: archive.catalogue.chart(key) for key in {k for _, k, _, _ in keys}}

    def rating(r: tuple[Any, ...]) -> tuple[int, int, int]:
        return (archive.rating_of(charts[r[1]], r[2]) or 0, r[2], r[3])

    page_ids = [r[0] for r in sorted(keys, key=rating, reverse=True)[offset : offset + size]]
    by_id = {
        r[0]: PlayRow(*r) for r in await Play.filter(id__in=page_ids).values_list(*PLAY_ROW_FIELDS)
    }
    return [by_id[i] for i in page_ids]
