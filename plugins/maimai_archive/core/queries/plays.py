"""Archive → view objects: what each image shows, read from the database.

Every function takes the ``Player`` row and returns a frozen view (``render/view_models.py``) or
``None`` when there is nothing to show; renderers never touch the database. Chart constants
and ratings come from the song catalogue and ``rating.py``; a chart the catalogue does not know
(yet) is shown with its page title and level and no rating — never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple, cast

from ..db.models import Best, BestChange, Photo, Play, PlayDetail, Player, ProfileSnapshot, SyncRun
from ..game import ChartType
from ..rating import B50Entry, b50, chart_rating
from ..songs.catalogue import Catalogue
from ..songs.data import Chart, base_id
from ..views.play_views import (
    AlbumPhoto,
    AlbumView,
    B50Tile,
    B50View,
    ChartRef,
    DiffEntry,
    DiffView,
    PlayCard,
    PlayDetailView,
    PlayerHeader,
    RecentView,
    RecordsView,
)
from .best_scores import ScoreRow, Scores, UndoRow, current_scores, scores_at
from .syncs import latest_changed_sync

# The CN site's clock; stored times are UTC, images show the player's wall-clock time.
SITE_TZ = timezone(timedelta(hours=8))
RECENT_MAX = 50
PREVIOUS_MAX = 12
RECORDS_PAGE_SIZE = 25


class PlayRow(NamedTuple):
    """A play as plain values (a visit, a page of plays): no model built per row."""

    id: int
    played_unix: int
    played_at: datetime
    track: int
    title: str
    type: str
    difficulty: str
    level: str | None
    achievement: int
    rank: str
    fc: str | None
    fs: str | None
    dx_score: int
    dx_score_max: int | None
    dx_stars: int
    new_record: bool
    new_dx_record: bool
    place: int | None
    chart_key: str
    song_id: int | None

    @property
    def at(self) -> datetime:
        """The play's own second (its idx), on the site's clock."""
        return datetime.fromtimestamp(self.played_unix, SITE_TZ)


PLAY_ROW_FIELDS = PlayRow._fields

# The fields a play, best or best change shares: enough to find its chart.
ChartRow = Play | Best | BestChange | ScoreRow | UndoRow | PlayRow


@dataclass(frozen=True, slots=True)
class QueryContext:
    """What queries need besides the database: the catalogue and where covers are cached."""

    catalogue: Catalogue
    covers: Path | None = None  # data/covers: "<song id:05d>.png"
    data_dir: Path | None = None  # photo paths are relative to it

    def chart(self, row: ChartRow) -> Chart | None:
        if row.chart_key and (chart := self.catalogue.chart(row.chart_key)):
            return chart
        try:
            return self.catalogue.resolve(
                row.title, row.type, row.difficulty, getattr(row, "dx_score_max", None), row.level
            )
        except ValueError:
            return None

    def cover(self, song_id: int | None) -> Path | None:
        if self.covers is None or song_id is None:
            return None
        for candidate in (song_id, base_id(song_id)):
            path = self.covers / f"{candidate:05d}.png"
            if path.is_file():
                return path
        return None

    def ref(self, row: ChartRow, chart: Chart | None = None) -> ChartRef:
        chart = chart or self.chart(row)
        return ChartRef(
            title=row.title,
            type=row.type,
            difficulty=row.difficulty,
            level=row.level or (chart.level if chart else None),
            constant=chart.constant if chart else None,
            jacket=self.cover(chart.song_id if chart else row.song_id),
        )

    def chart_ref(self, chart: Chart) -> ChartRef:
        """A catalogue chart as the images show it (its jacket when cached)."""
        return ChartRef(
            chart.title,
            chart.type.value,
            chart.difficulty.value,
            chart.level,
            chart.constant,
            self.cover(chart.song_id),
        )

    def rating_of(self, chart: Chart | None, achievement: int | None) -> int | None:
        if chart is None or achievement is None or chart.type is ChartType.UTAGE:
            return None
        return chart_rating(chart, achievement)


def local(at: datetime) -> datetime:
    return at.astimezone(SITE_TZ)


def header(player: Player) -> PlayerHeader:
    return PlayerHeader(player.name or f"QQ {player.qq}", player.rating, player.friend_code)


def _card(archive: QueryContext, play: Play, number: int) -> PlayCard:
    return PlayCard(number=number, **card_fields(archive, play))


# What a card shows of a play as it is stored.
CARD_COPIES = tuple(
    "track achievement rank fc fs dx_score dx_score_max dx_stars new_record new_dx_record place".split()
)


def card_fields(archive: QueryContext, play: Play | PlayRow) -> dict[str, Any]:
    """What a play's card shows (a visit's play adds its detail to these)."""
    chart = archive.chart(play)
    shown = {name: getattr(play, name) for name in CARD_COPIES}
    played_at = local(play.played_at)
    rating = archive.rating_of(chart, play.achievement)
    return shown | {"chart": archive.ref(play, chart), "played_at": played_at, "rating": rating}


def same_chart(play: Play) -> dict[str, object]:
    """Filter for every play on the chart of ``play``: resolved or not, one key per chart."""
    return {"chart_key": play.chart_key}


# --- recent plays, one play, records ------------------------------------------------------


async def recent_view(player: Player, archive: QueryContext, n: int = 10) -> RecentView | None:
    n = max(1, min(n, RECENT_MAX))
    plays = await Play.filter(player=player).order_by("-played_unix").limit(n)
    if not plays:
        return None
    return RecentView(header(player), tuple(_card(archive, p, i + 1) for i, p in enumerate(plays)))


async def play_detail_view(
    player: Player, archive: QueryContext, number: int
) -> PlayDetailView | None:
    """The ``number``-th latest play (1 = latest) with its detail and earlier plays of its chart."""
    if number < 1:
        return None
    play = await Play.filter(player=player).order_by("-played_unix").offset(number - 1).first()
    if play is None:
        return None
    detail = await PlayDetail.get_or_none(play=play)
    earlier = (
        await Play.filter(player=player, played_unix__lt=play.played_unix, **same_chart(play))
        .order_by("-played_unix")
        .limit(PREVIOUS_MAX)
    )
    newer = await Play.filter(player=player, played_unix__gt=play.played_unix).count()
    previous = tuple(_card(archive, p, 0) for p in earlier)
    card = _card(archive, play, newer + 1)
    if detail is None:
        return PlayDetailView(
            header(player), card, None, None, None, None, None, None, None, previous
        )
    return PlayDetailView(
        header(player),
        card,
        judgements={k: tuple(v) for k, v in detail.judgements.items() if v is not None}
        if detail.judgements
        else None,
        fast=detail.fast,
        late=detail.late,
        max_combo=_pair(detail.max_combo, detail.max_combo_total),
        max_sync=_pair(detail.max_sync, detail.max_sync_total),
        rating_after=detail.rating,
        rating_delta=detail.rating_delta,
        previous=previous,
    )


def _pair(a: int | None, b: int | None) -> tuple[int, int] | None:
    return None if a is None or b is None else (a, b)


async def records_view(
    player: Player, archive: QueryContext, page: int = 1, page_size: int = RECORDS_PAGE_SIZE
) -> RecordsView | None:
    total = await Play.filter(player=player).count()
    if total == 0:
        return None
    pages = -(-total // page_size)
    page = max(1, min(page, pages))
    offset = (page - 1) * page_size
    plays = (
        await Play.filter(player=player).order_by("-played_unix").offset(offset).limit(page_size)
    )
    rows = tuple(_card(archive, p, offset + i + 1) for i, p in enumerate(plays))
    return RecordsView(header(player), rows, page, pages, total)


# --- histories ------------------------------------------------------------------------------


def _b50_view(
    player: Player, archive: QueryContext, scores: Scores, as_of: date | None, unrated: int
) -> B50View:
    board = b50(score for score, _ in scores.values())

    def entry(e: B50Entry) -> B50Tile:
        _, row = scores[e.chart.key]
        score = e.score
        return B50Tile(
            chart=archive.ref(row, e.chart),
            achievement=score.achievement,
            rank=e.rank.value,
            fc=score.fc.value if score.fc else None,
            fs=score.fs.value if score.fs else None,
            rating=e.rating,
            dx_score=score.dx_score,
            dx_score_max=e.chart.notes.dx_score_max,
        )

    old, new = tuple(map(entry, board.old)), tuple(map(entry, board.new))
    return B50View(header(player), old, new, as_of, unrated)


async def archive_start(player: Player) -> datetime | None:
    """The earliest moment the archive knows anything about the player."""
    firsts = []
    for model, moment, order in (
        (SyncRun, "started_at", "started_at"),
        (Play, "played_at", "played_unix"),  # played_unix is the indexed order
        (Best, "updated_at", "updated_at"),
        (BestChange, "changed_at", "changed_at"),
    ):
        query = model.filter(player=player).order_by(order).first()
        firsts.append(await query.values_list(moment, flat=True))
    known = [cast(datetime, t) for t in firsts if t is not None]
    return min(known) if known else None


async def b50_view(
    player: Player, archive: QueryContext, as_of: date | None = None
) -> B50View | None:
    """The B50 now, or at the end of the day ``as_of`` (site time), and how many bests it
    could not rate (their charts unknown: the total falls short of the player's rating)."""
    unknown: set[str] = set()
    if as_of is None:
        scores = await current_scores(player, archive, unknown)
    else:
        until = datetime.combine(as_of, time.max, SITE_TZ)
        start = await archive_start(player)
        if start is None or until < start:
            return None  # before the archive began: nothing to rebuild from
        scores = await scores_at(player, archive, until, unknown=unknown)
    if not scores:
        return None
    return _b50_view(player, archive, scores, as_of, len(unknown))


# --- what changed ---------------------------------------------------------------------------


async def diff_view(
    player: Player, archive: QueryContext, since: date | None = None
) -> DiffView | None:
    """Best changes of the last finished sync, or since the start of the day ``since``."""
    if since is None:
        run, quiet = await latest_changed_sync(player)
        if run is None:
            return None
        changes = await BestChange.filter(player=player, sync=run).order_by("changed_at")
        start = run.started_at
        label = f"上次同步 {local(run.finished_at or run.started_at):%Y/%m/%d %H:%M}"
        label += f"（之后 {quiet} 次同步没有新成绩）" if quiet else ""
        rating_before, rating_after = run.rating_before, run.rating_after
        new_plays = run.new_plays
    else:
        start = datetime.combine(since, time.min, SITE_TZ)
        changes = await BestChange.filter(player=player, changed_at__gte=start).order_by(
            "changed_at"
        )
        label = f"自 {since:%Y/%m/%d} 起"
        rating_before = await rating_before_moment(player, start)
        rating_after = player.rating
        new_plays = await Play.filter(
            player=player, played_unix__gte=int(start.timestamp())
        ).count()
    return await _diff(
        player, archive, changes, start, label, rating_before, rating_after, new_plays
    )


async def rating_before_moment(player: Player, moment: datetime) -> int | None:
    """The DX rating the archive last saw before ``moment``: the newer of the last profile
    snapshot and the rating after the last detailed play (most players have far more of
    those: a snapshot is taken only when a sync reads the home page)."""
    seen = [
        await ProfileSnapshot.filter(player=player, taken_at__lt=moment, rating__not_isnull=True)
        .order_by("-taken_at")
        .first()
        .values_list("taken_at", "rating"),
        await PlayDetail.filter(
            play__player=player,
            play__played_unix__lt=int(moment.timestamp()),
            rating__not_isnull=True,
        )
        .order_by("-play__played_unix")
        .first()
        .values_list("play__played_at", "rating"),
    ]
    known = [cast("tuple[datetime, int]", row) for row in seen if row is not None]
    return max(known)[1] if known else None


async def _diff(
    player: Player,
    archive: QueryContext,
    changes: Iterable[BestChange],
    start: datetime,
    label: str,
    rating_before: int | None,
    rating_after: int | None,
    new_plays: int,
) -> DiffView:
    # One entry per chart: the first old value and the last new value in the period.
    merged: dict[str, tuple[BestChange, BestChange]] = {}
    for change in changes:
        first, _ = merged.get(change.chart_key, (change, change))
        merged[change.chart_key] = (first, change)
    now = await current_scores(player, archive)
    # "Before" is before the first change shown: a sync records an improvement at the time
    # of the play, which is before the sync itself started.
    changed_at = [last.changed_at for _, last in merged.values()] + [
        first.changed_at for first, _ in merged.values()
    ]
    then = await scores_at(
        player, archive, min([start, *changed_at]) - timedelta(microseconds=1), now
    )
    now_b50 = {e.chart.key for e in _board_entries(now)}
    then_b50 = {e.chart.key for e in _board_entries(then)}
    entries = []
    for first, last in merged.values():
        chart = archive.chart(last)
        key = chart.key if chart else None
        entries.append(
            DiffEntry(
                chart=archive.ref(last, chart),
                old_achievement=first.old_achievement,
                new_achievement=last.new_achievement,
                old_rating=archive.rating_of(chart, first.old_achievement),
                new_rating=archive.rating_of(chart, last.new_achievement),
                old_fc=first.old_fc,
                new_fc=last.new_fc,
                old_fs=first.old_fs,
                new_fs=last.new_fs,
                old_dx_score=first.old_dx_score,
                new_dx_score=last.new_dx_score,
                changed_at=local(last.changed_at),
                entered_b50=key is not None and key in now_b50 and key not in then_b50,
            )
        )
    entries.sort(key=lambda e: (-(e.new_rating or 0) + (e.old_rating or 0), -e.new_achievement))
    left = tuple(archive.ref(then[k][1], then[k][0].chart) for k in sorted(then_b50 - now_b50))
    return DiffView(
        header(player), label, rating_before, rating_after, tuple(entries), left, new_plays
    )


def _board_entries(scores: Scores) -> tuple[B50Entry, ...]:
    board = b50(score for score, _ in scores.values())
    return board.old + board.new


# --- album ----------------------------------------------------------------------------------


async def album_view(player: Player, archive: QueryContext) -> AlbumView | None:
    photos = await Photo.filter(player=player).order_by("-taken_at", "-id")
    if not photos:
        return None
    return AlbumView(header(player), tuple(_photo(archive, p, i + 1) for i, p in enumerate(photos)))


def _photo(archive: QueryContext, photo: Photo, number: int) -> AlbumPhoto:
    path = None
    if photo.path:
        path = Path(photo.path)
        if not path.is_absolute() and archive.data_dir is not None:
            path = archive.data_dir / path
    return AlbumPhoto(
        number=number,
        path=path,
        title=photo.title,
        difficulty=photo.difficulty,
        taken_at=local(photo.taken_at) if photo.taken_at else None,
        place=photo.place,
    )
