# ruff: noqa: F811 - the fixtures imported from test_sync are pytest arguments here
"""Sync defects found in review, each as a promise over saved pages (test_sync's harness):
an off-site photo or page is skipped, not an expired binding; the rating never rolls back;
score lists read as owed work make later reads record changes; a broken photo costs one try;
the database failing around a run still gives a typed report; /sync full cools down once the
lists were read, even when the sync failed afterwards; a re-login between two syncs keeps the
rating change the second one reports.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import OperationalError

from plugins.maimai_archive.config import MaimaiConfig
from plugins.maimai_archive.core.app import ArchiveApp
from plugins.maimai_archive.core.archiving.binding import CookieJar, bound_message
from plugins.maimai_archive.core.archiving.sync import Phase, SyncService, SyncStatus
from plugins.maimai_archive.core.db.models import BestChange, Binding, Photo, Player, SyncRun
from plugins.maimai_archive.core.errors import NetworkError, OffSite, PageChanged, SyncCrashed
from plugins.maimai_archive.core.parsed import ParsedPhoto, ParsedPlay, ParsedScore
from tests.core.test_sync import (  # noqa: F401 - fixtures
    COOKIES,
    SavedPages,
    catalogue,
    harness,
    real_plays,
    real_profile,
)

CDN = "https://cdn.example.test/"


class Album(SavedPages):
    """An album of three photos; files on ``CDN`` answer off-site."""

    urls = ("/photo/a.jpg", CDN + "b.jpg", "/photo/c.jpg", "/photo/d.jpg")

    async def photos(self) -> list:
        await self._respond("photos")
        return [ParsedPhoto(url, None, None, None) for url in self.urls]

    async def image(self, url: str) -> bytes:
        if url.startswith(CDN):
            await self._respond(f"image:{url}")
            raise OffSite("photo", "an image on the site's own host")
        return await super().image(url)


async def test_an_off_site_photo_is_skipped_and_the_binding_stays(
    harness, real_plays, real_profile
):
    player = await harness.player()
    report = await harness.sync(player, Album(real_plays[:2], real_profile))
    assert report.status is SyncStatus.OK and [s.phase for s in report.skipped] == [
        Phase.PHOTO_FILES
    ]
    assert (await Binding.get(player=player)).status != "expired"


async def test_an_off_site_record_page_fails_the_sync_typed_and_keeps_the_binding(
    harness, real_plays, real_profile
):
    class Moved(SavedPages):
        async def record(self):
            await self._respond("record")
            raise OffSite("record/", "an answer on the site's own host")

    player = await harness.player()
    report = await harness.sync(player, Moved(real_plays, real_profile))
    assert report.status is SyncStatus.FAILED and isinstance(report.error, OffSite)
    assert (await Binding.get(player=player)).status != "expired"


async def test_a_broken_photo_is_tried_once_and_stops_the_phase(harness, real_plays, real_profile):
    player = await harness.player()
    first = Album(real_plays[:2], real_profile)
    report = await harness.sync(player, first)
    images = [p for p in first.fetched if p.startswith("image:")]
    assert images == ["image:/photo/a.jpg", f"image:{CDN}b.jpg"]  # the phase stops at b
    assert (await Photo.get(player=player, url=CDN + "b.jpg")).path == ""  # a miss, kept

    again = Album(real_plays[:2], real_profile)
    report = await harness.sync(player, again)  # nothing new: the owed album, c and d
    assert report.ok and not report.skipped and report.requests <= 5
    assert again.fetched == ["record", "photos", "image:/photo/c.jpg", "image:/photo/d.jpg"]
    quiet = Album(real_plays[:2], real_profile)
    await harness.sync(player, quiet)
    assert quiet.fetched == ["record"]


async def test_an_older_detail_never_rolls_the_rating_back_past_an_undetailed_newer_play(
    harness, real_plays, real_profile
):
    newest, second = real_plays[0], real_plays[1]
    home = replace(real_profile, rating=15000)

    class Ratings(SavedPages):
        def __init__(self, *a, broken=(), **kw):
            super().__init__(*a, **kw)
            self.broken = broken

        async def play_detail(self, idx):
            if idx in self.broken:
                await self._respond(f"detail:{idx}")
                raise PageChanged("playlogDetail", "the rating block")
            return replace(
                await super().play_detail(idx), rating=14500 if idx == second.idx else 14000
            )

    player = await harness.player()
    await harness.sync(player, Ratings(real_plays[:5], home, broken=(newest.idx, second.idx)))
    await player.refresh_from_db()
    assert player.rating == 15000
    report = await harness.sync(player, Ratings(real_plays[:5], home, broken=(newest.idx,)))
    assert f"detail:{second.idx}" in report.pages  # the older detail was read this time
    await player.refresh_from_db()
    assert player.rating == 15000


def _score(play: ParsedPlay, achievement: int) -> ParsedScore:
    return ParsedScore(play.title, play.type, play.difficulty, play.level, achievement, play.dx_score,
                       play.dx_score_max, play.dx_stars, play.rank, play.fc, play.fs)  # fmt: skip


async def test_score_lists_read_as_owed_work_make_later_reads_record_changes(
    harness, real_plays, real_profile, tmp_path, catalogue
):
    now = [datetime.now(UTC)]
    harness.service = SyncService(harness.store, lambda: catalogue, harness.factory, data_dir=tmp_path,
                                  clock=lambda: now[0])  # fmt: skip
    play = max((p for p in real_plays if p.achievement < 1000000), key=lambda p: p.achievement)
    same = [
        p
        for p in real_plays
        if (p.title, p.type, p.difficulty) == (play.title, play.type, play.difficulty)
    ]
    play = max(same, key=lambda p: p.achievement)  # the chart's best play

    class Broken(SavedPages):
        async def scores(self, diff):
            await self._respond(f"scores:{diff}")
            raise PageChanged("scores", "the list")

    player = await harness.player()
    await harness.sync(player, Broken(real_plays, real_profile))  # the first sync skips the lists
    now[0] += timedelta(minutes=1)
    owed = SavedPages(real_plays, real_profile, scores={0: [_score(play, play.achievement)]})
    await harness.sync(player, owed)  # a normal sync reads them: the import
    assert sum(p.startswith("scores") for p in owed.fetched) == 6
    assert await BestChange.filter(player=player).count() == 0
    now[0] += timedelta(minutes=11)
    better = SavedPages(
        real_plays, real_profile, scores={0: [_score(play, play.achievement + 100)]}
    )
    report = await harness.sync(player, better, full=True)
    assert report.full and report.improved == 1
    assert await BestChange.filter(player=player, sync_id=report.run_id).count() == 1


async def test_database_errors_around_a_run_give_a_typed_report(
    harness, real_plays, real_profile, monkeypatch
):
    player = await harness.player()

    async def broken(*a, **kw):
        raise OperationalError("database is locked")

    for target in (harness.store, harness.service.lease):
        name = "status" if target is harness.store else "acquire"
        with monkeypatch.context() as patch:
            patch.setattr(target, name, broken)
            report = await harness.service.sync(player)
        assert report.status is SyncStatus.FAILED and isinstance(report.error, SyncCrashed), name
        assert isinstance(report.error.__cause__, OperationalError)
    with monkeypatch.context() as patch:
        patch.setattr(harness.store, "load_sealed", broken)
        report = await harness.service.sync(player)
    assert isinstance(report.error, SyncCrashed)
    assert (await Player.get(id=player.id)).lease_owner is None  # the lease was given back
    with monkeypatch.context() as patch:  # the closing write of a run that archived plays
        patch.setattr(harness.service.lease, "release", broken)
        report = await harness.sync(player, SavedPages(real_plays[:2], real_profile))
    assert isinstance(report.error, SyncCrashed)


async def test_failing_full_syncs_read_the_score_lists_once_per_cooldown(
    harness, real_plays, real_profile, tmp_path, catalogue
):
    class AlbumDown(SavedPages):
        async def photos(self):
            await self._respond("photos")
            raise NetworkError("connection reset")

    now = [datetime.now(UTC)]
    harness.service = SyncService(harness.store, lambda: catalogue, harness.factory, data_dir=tmp_path,
                                  clock=lambda: now[0])  # fmt: skip
    player = await harness.player()
    assert (await harness.sync(player, SavedPages(real_plays, real_profile))).ok
    now[0] += timedelta(minutes=11)
    sources = [AlbumDown(real_plays, real_profile) for _ in range(3)]
    reports = [await harness.sync(player, s, full=True) for s in sources]
    assert reports[0].status is SyncStatus.FAILED and [r.full_declined for r in reports] == [
        False,
        True,
        True,
    ]
    assert [sum(p.startswith("scores") for p in s.fetched) for s in sources] == [6, 0, 0]


async def test_a_relogin_between_syncs_keeps_the_rating_change_the_next_sync_reports(
    harness, real_plays, real_profile, tmp_path
):
    old = real_profile.rating or 0
    player = await harness.player()
    assert (await harness.sync(player, SavedPages(real_plays[5:], real_profile))).ok
    # The session expired and the player played on: /bind reads the newer rating from home.
    newer = replace(real_profile, rating=old + 56)
    app = ArchiveApp(MaimaiConfig(maimai_data_dir=tmp_path), source_factory=harness.factory)
    app.store = harness.store
    harness.next_source = SavedPages([], newer)
    bound = await app.bind(player.qq, CookieJar(dict(COOKIES)))
    assert bound.archived and "/sync 继续存档" in bound_message(bound)

    report = await harness.sync(player, SavedPages(real_plays, newer))
    assert report.ok and (report.rating_before, report.rating_after) == (old, old + 56)
    assert (await SyncRun.get(id=report.run_id)).rating_before == old  # what /diff shows


async def test_binding_an_account_another_qq_has_bound_stops_that_binding(
    harness, real_plays, real_profile, tmp_path
):
    # Each request rotates the session: two bindings of one account would expire each other.
    real_profile = replace(real_profile, friend_code="101680081443466")
    first = await harness.player()
    assert (await harness.sync(first, SavedPages(real_plays[5:], real_profile))).ok
    await Player.filter(id=first.id).update(friend_code=real_profile.friend_code)
    app = ArchiveApp(MaimaiConfig(maimai_data_dir=tmp_path), source_factory=harness.factory)
    app.store = harness.store
    harness.next_source = SavedPages([], real_profile)
    bound = await app.bind("another qq", CookieJar(dict(COOKIES)))
    assert bound.moved and not bound.archived
    assert "另一个 QQ 上，那边的绑定已停用" in bound_message(bound)
    assert not await Binding.exists(player_id=first.id)  # stopped …
    assert await SyncRun.exists(player_id=first.id)  # … its archive kept
    assert await Binding.exists(player_id=bound.player.id)
    # The same QQ binding again moves nothing.
    harness.next_source = SavedPages([], real_profile)
    again = await app.bind("another qq", CookieJar(dict(COOKIES)))
    assert not again.moved
