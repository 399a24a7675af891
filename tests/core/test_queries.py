"""Archive queries on a test database: a fixture archive of the real record pages (resolved
against the real song data) plus SYNTHETIC best changes, syncs, snapshots and photos."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from plugins.maimai_archive.core.db.models import (
    Best,
    BestChange,
    Photo,
    Play,
    PlayDetail,
    Player,
    ProfileSnapshot,
    SyncRun,
)
from plugins.maimai_archive.core.game import Difficulty
from plugins.maimai_archive.core.queries import charts as chart_queries
from plugins.maimai_archive.core.queries import curve
from plugins.maimai_archive.core.queries import plays as queries
from plugins.maimai_archive.core.queries.plays import QueryContext
from plugins.maimai_archive.core.rating import chart_rating
from plugins.maimai_archive.core.songs.data import unresolved_chart_key
from plugins.maimai_archive.core.songs.search import Verdict
from tests.core.test_render_support import real_plays
from tests.core.test_songs_support import real_catalogue

pytestmark = pytest.mark.db

DAY1 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def archive() -> QueryContext:
    return QueryContext(real_catalogue())


async def _player(qq: str = "20001") -> Player:
    return await Player.create(qq=qq, name="ＭＡＩＭＡＩ", rating=14523)


async def _archive_real_plays(player: Player, archive: QueryContext) -> list[Play]:
    rows = []
    for p in real_plays():
        chart = archive.catalogue.resolve(p.title, p.type, p.difficulty, p.dx_score_max, p.level)
        rows.append(
            Play(
                player=player,
                played_unix=p.played_unix,
                played_at=p.played_at,
                idx=p.idx,
                track=p.track,
                title=p.title,
                type=p.type.value,
                difficulty=p.difficulty.value,
                level=p.level,
                achievement=p.achievement,
                dx_score=p.dx_score,
                dx_score_max=p.dx_score_max,
                dx_stars=p.dx_stars,
                rank=p.rank.value,
                fc=p.fc.value if p.fc else None,
                fs=p.fs.value if p.fs else None,
                new_record=p.new_record,
                new_dx_record=p.new_dx_record,
                place=p.place,
                chart_key=chart.key
                if chart
                else unresolved_chart_key(p.type.value, p.difficulty.value, p.title),
                song_id=chart.song_id if chart else None,
            )
        )
    await Play.bulk_create(rows)
    return await Play.filter(player=player).order_by("-played_unix")


async def test_recent_view_is_newest_first_with_each_plays_rating(db, archive):
    player = await _player()
    plays = await _archive_real_plays(player, archive)
    view = await queries.recent_view(player, archive, 10)
    assert view is not None
    assert [c.number for c in view.cards] == list(range(1, 11))
    assert [c.chart.title for c in view.cards] == [p.title for p in plays[:10]]
    assert view.cards[0].played_at.utcoffset() == timedelta(hours=8)
    resolved = [
        c for c in view.cards if c.chart.constant is not None and c.chart.difficulty != "utage"
    ]
    assert resolved, "the real plays resolve against the real song data"
    for card in resolved:
        chart = archive.catalogue.resolve(
            card.chart.title, card.chart.type, card.chart.difficulty, card.dx_score_max
        )
        assert card.rating == chart_rating(chart, card.achievement)
    assert all(c.rating is None for c in view.cards if c.chart.difficulty == "utage")
    capped = await queries.recent_view(player, archive, 500)
    assert capped is not None and len(capped.cards) == queries.RECENT_MAX


async def test_views_are_none_for_an_empty_archive(db, archive):
    player = await _player()
    assert await queries.recent_view(player, archive) is None
    assert await queries.play_detail_view(player, archive, 1) is None
    assert await queries.records_view(player, archive) is None
    assert await queries.b50_view(player, archive) is None
    assert await queries.diff_view(player, archive) is None
    assert await curve.rating_curve_view(player, archive.catalogue) is None
    assert await queries.album_view(player, archive) is None


async def test_play_detail_has_judgements_and_earlier_plays_of_the_same_chart(db, archive):
    player = await _player()
    plays = await _archive_real_plays(player, archive)
    # [協]疾走あんさんぶる: #13–#16 on the newer real page, one more on an older day
    target = plays[12]
    assert target.title == "[協]疾走あんさんぶる"
    await PlayDetail.create(
        play=target,
        judgements={"tap": [400, 20, 3, 0, 1], "break": [30, 2, 0, 0, 0]},
        fast=10,
        late=20,
        max_combo=500,
        max_combo_total=520,
        rating=14500,
        rating_delta=5,
    )
    view = await queries.play_detail_view(player, archive, 13)
    assert view is not None
    assert view.card.number == 13 and view.card.chart.title == target.title
    assert view.judgements is not None and view.judgements["tap"] == (400, 20, 3, 0, 1)
    assert (view.fast, view.late, view.max_combo, view.max_sync) == (10, 20, (500, 520), None)
    assert (view.rating_after, view.rating_delta) == (14500, 5)
    same = [p.achievement for p in plays[13:] if p.title == target.title]
    assert len(same) >= 3
    assert [c.achievement for c in view.previous] == same
    assert all(c.played_at < view.card.played_at for c in view.previous)
    plain = await queries.play_detail_view(player, archive, 1)
    assert plain is not None
    assert plain.judgements is None and plain.card.number == 1
    assert await queries.play_detail_view(player, archive, len(plays) + 1) is None


async def test_records_are_paged_and_numbered_from_the_latest(db, archive):
    player = await _player()
    plays = await _archive_real_plays(player, archive)
    view = await queries.records_view(player, archive, page=2, page_size=25)
    assert view is not None
    assert (view.page, view.total) == (2, len(plays))
    assert view.pages == -(-len(plays) // 25)
    assert [r.number for r in view.rows] == list(range(26, 51))
    assert view.rows[0].chart.title == plays[25].title
    last = await queries.records_view(player, archive, page=999, page_size=25)
    assert last is not None
    assert last.page == view.pages and last.rows[-1].number == len(plays)


async def _best(player, chart, achievement, at, fc=None):
    return await Best.create(
        player=player,
        chart_key=chart.key,
        song_id=chart.song_id,
        title=chart.title,
        type=chart.type.value,
        difficulty=chart.difficulty.value,
        level=chart.level,
        achievement=achievement,
        rank="sss",
        fc=fc,
        updated_at=at,
    )


async def _change(player, chart, old, new, at, sync=None, old_fc=None, new_fc=None):
    return await BestChange.create(
        player=player,
        sync=sync,
        chart_key=chart.key,
        song_id=chart.song_id,
        title=chart.title,
        type=chart.type.value,
        difficulty=chart.difficulty.value,
        level=chart.level,
        old_achievement=old,
        new_achievement=new,
        old_fc=old_fc,
        new_fc=new_fc,
        changed_at=at,
    )


def _charts(archive: QueryContext, n: int, is_new: bool = False):
    charts = [
        c
        for c in archive.catalogue.charts()
        if c.difficulty is Difficulty.MASTER and c.is_new is is_new and c.type.value != "UTAGE"
    ]
    charts.sort(key=lambda c: (c.constant, c.song_id))
    return charts[:n]


async def test_b50_now_and_rebuilt_at_a_past_date(db, archive):
    player = await _player()
    old_charts = _charts(archive, 40)
    for i, chart in enumerate(old_charts):
        await _best(player, chart, 990_000, DAY1 - timedelta(days=10 + i))
    # Day 2: the weakest chart jumps to 100.5 % (AP) — the archive saw the change.
    star = old_charts[0]
    await Best.filter(player=player, chart_key=star.key).update(
        achievement=1_005_000, fc="ap", updated_at=DAY1 + timedelta(days=1)
    )
    await _change(
        player, star, 990_000, 1_005_000, DAY1 + timedelta(days=1), old_fc=None, new_fc="ap"
    )

    now = await queries.b50_view(player, archive)
    assert now is not None
    assert len(now.old) == 35 and now.new == () and now.as_of is None
    (star_now,) = [e for e in now.old if e.achievement == 1_005_000]
    assert star_now.chart.title == star.title and star_now.fc == "ap"
    assert star_now.rating == chart_rating(star, 1_005_000)
    assert now.total == sum(e.rating for e in now.old)
    ratings = [e.rating for e in now.old]
    assert ratings == sorted(ratings, reverse=True)

    then = await queries.b50_view(player, archive, as_of=date(2025, 10, 1))
    assert then is not None
    assert then.as_of == date(2025, 10, 1)
    by_title = {(e.chart.title, e.chart.type): e for e in then.old}
    if (star.title, star.type.value) in by_title:
        assert by_title[(star.title, star.type.value)].achievement == 990_000
    assert then.total < now.total
    assert all(e.achievement == 990_000 for e in then.old)
    # Before anything was archived there is no B50.
    assert await queries.b50_view(player, archive, as_of=date(2024, 1, 1)) is None


async def test_b50_counts_the_bests_it_cannot_rate(db, archive):
    player = await _player()
    for chart in _charts(archive, 3):
        await _best(player, chart, 990_000, DAY1 - timedelta(days=5))
    # Charts the song data does not know yet; B is played after DAY1, and Utage never counts.
    for title, type_, difficulty, at in (
        ("未收录 A", "DX", "master", DAY1 - timedelta(days=5)),
        ("未收录 B", "SD", "expert", DAY1 + timedelta(days=3)),
        ("[宴]未收录", "UTAGE", "utage", DAY1),
    ):
        await Best.create(player=player, chart_key=unresolved_chart_key(type_, difficulty, title),
                          title=title, type=type_, difficulty=difficulty, achievement=1_000_000,
                          rank="sss", updated_at=at)  # fmt: skip
    now = await queries.b50_view(player, archive)
    assert now is not None and len(now.old) + len(now.new) == 3 and now.unrated == 2
    then = await queries.b50_view(player, archive, as_of=DAY1.date())
    assert then is not None and then.unrated == 1


async def test_diff_of_the_last_sync_names_b50_moves_and_lamps(db, archive):
    player = await _player()
    old_charts = _charts(archive, 36)
    low = old_charts[0]  # the weakest: outside the B35 before the sync
    for chart in old_charts:
        await _best(
            player, chart, 995_000 if chart is not low else 900_000, DAY1 - timedelta(days=5)
        )
    run = await SyncRun.create(
        player=player,
        started_at=DAY1,
        finished_at=DAY1 + timedelta(minutes=1),
        status="ok",
        rating_before=14000,
        rating_after=14010,
        new_plays=3,
    )
    await Best.filter(player=player, chart_key=low.key).update(
        achievement=1_005_000, fc="ap", updated_at=DAY1
    )
    await _change(
        player, low, 900_000, 1_005_000, DAY1 + timedelta(seconds=30), sync=run, new_fc="ap"
    )
    await SyncRun.create(player=player, started_at=DAY1 + timedelta(hours=1), status="failed")

    view = await queries.diff_view(player, archive)
    assert view is not None
    assert (view.rating_before, view.rating_after, view.new_plays) == (14000, 14010, 3)
    assert view.label.startswith("上次同步 2025/10/01 20:01")
    (entry,) = view.entries
    assert (entry.old_achievement, entry.new_achievement) == (900_000, 1_005_000)
    assert entry.new_rating == chart_rating(low, 1_005_000)
    assert entry.old_rating == chart_rating(low, 900_000)
    assert entry.entered_b50 and entry.new_lamp
    assert len(view.left_b50) == 1 and view.left_b50[0].title != low.title

    since = await queries.diff_view(player, archive, since=date(2025, 9, 30))
    assert since is not None
    assert since.label == "自 2025/09/30 起" and len(since.entries) == 1
    later = await queries.diff_view(player, archive, since=date(2025, 10, 5))
    assert later is not None and later.entries == ()


async def test_diff_since_a_date_starts_from_the_newest_rating_seen_before_it(db, archive):
    # A snapshot from long ago and a detailed play the day before: the play's rating is the
    # start (snapshots come only when a sync reads the home page).
    player = await _player()
    player.rating = 14100
    await player.save()
    await ProfileSnapshot.create(
        player=player, taken_at=DAY1 - timedelta(days=30), name="玩家", rating=13000
    )
    chart = _charts(archive, 1)[0]
    for i, (when, rating) in enumerate(
        ((DAY1 - timedelta(days=1), 14000), (DAY1 + timedelta(hours=1), 14100))
    ):
        play = await Play.create(
            player=player, played_unix=int(when.timestamp()), played_at=when, idx=f"{i},0",
            track=1, title=chart.title, type=chart.type.value, difficulty=chart.difficulty.value,
            achievement=1_000_000, dx_score=0, rank="sss", chart_key=chart.key,
        )  # fmt: skip
        await PlayDetail.create(play=play, rating=rating)
    since = await queries.diff_view(player, archive, since=DAY1.date())
    assert since is not None and (since.rating_before, since.rating_after) == (14000, 14100)
    # Before the play, only the snapshot was there.
    early = await queries.diff_view(player, archive, since=(DAY1 - timedelta(days=2)).date())
    assert early is not None and early.rating_before == 13000


async def test_a_play_before_the_sync_started_still_enters_the_b50_in_its_diff(db, archive):
    """As the sync records it: the improvement's time is the play's, before the sync began."""
    player = await _player()
    old_charts = _charts(archive, 36)
    low = old_charts[0]
    for chart in old_charts:
        await _best(
            player, chart, 995_000 if chart is not low else 900_000, DAY1 - timedelta(days=5)
        )
    played = DAY1 - timedelta(hours=2)
    run = await SyncRun.create(
        player=player,
        started_at=DAY1,
        finished_at=DAY1 + timedelta(minutes=1),
        status="ok",
        new_plays=1,
    )
    await Best.filter(player=player, chart_key=low.key).update(
        achievement=1_005_000, updated_at=played
    )
    await _change(player, low, 900_000, 1_005_000, played, sync=run)
    view = await queries.diff_view(player, archive)
    assert view is not None
    (entry,) = view.entries
    assert entry.entered_b50


async def test_rating_history_skips_snapshots_without_rating(db, archive):
    player = await _player()
    for i, rating in enumerate([14000, None, 14050, 14100]):
        await ProfileSnapshot.create(
            player=player, taken_at=DAY1 + timedelta(days=i), name="p", rating=rating
        )
    view = await curve.rating_curve_view(player, archive.catalogue)
    assert view is not None
    assert [p.rating for p in view.points] == [14000, 14050, 14100]
    assert view.points[0].at == DAY1.astimezone(queries.SITE_TZ)
    assert not any(p.from_play for p in view.points)


async def test_chart_history_finds_the_chart_and_marks_bests(db, archive):
    player = await _player()
    await _archive_real_plays(player, archive)
    songs = await chart_queries.played_songs(player, archive, "疾走あんさんぶる")
    # the player played only the Utage chart (a loose match): theirs is the one meant
    assert songs.played.verdict is Verdict.ONE and songs.known.groups[0].title == "疾走あんさんぶる"
    ids = [s.id for s in songs.played.groups[0].songs]
    play = await chart_queries.find_played_chart(player, ids)
    assert play is not None and play.title == "[協]疾走あんさんぶる"
    view = await chart_queries.chart_history_view(player, archive, play)
    times = [p.at for p in view.points]
    expected = await Play.filter(player=player, title=play.title).count()
    assert times == sorted(times) and len(times) == expected
    running = -1
    for point in view.points:
        assert point.best == (point.achievement > running)
        running = max(running, point.achievement)
    nothing = await chart_queries.played_songs(player, archive, "no such song at all xyz")
    assert nothing.played.verdict is Verdict.NONE
    assert await chart_queries.find_unknown_chart(player, archive, "no such song at all") is None


async def test_album_lists_photos_newest_first_with_paths_under_the_data_dir(db, tmp_path):
    player = await _player()
    archive = QueryContext(real_catalogue(), data_dir=tmp_path)
    await Photo.create(player=player, url="u1", path="photos/a.jpg", title="曲A", taken_at=DAY1)
    await Photo.create(
        player=player, url="u2", title="曲B", difficulty="master", taken_at=DAY1 + timedelta(days=1)
    )
    view = await queries.album_view(player, archive)
    assert view is not None
    assert [p.title for p in view.photos] == ["曲B", "曲A"]
    assert [p.number for p in view.photos] == [1, 2]
    assert view.photos[1].path == tmp_path / "photos" / "a.jpg" and view.photos[0].path is None
