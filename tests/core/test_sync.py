"""The sync service over real record pages: what is archived, what is fetched, what survives.

Scenario names are promises. The page source is built from saved pages (the real CN
record and home pages from ../shared; play details are synthetic records), and it logs
which pages the sync asked for.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from plugins.maimai_archive.core.archiving.binding import BindingStore
from plugins.maimai_archive.core.archiving.sync import Phase, SyncService
from plugins.maimai_archive.core.db.models import (
    Best,
    BestChange,
    Binding,
    Play,
    PlayDetail,
    Player,
    SyncRun,
)
from plugins.maimai_archive.core.errors import (
    Maintenance,
    NetworkError,
    SessionExpired,
    SyncCrashed,
)
from plugins.maimai_archive.core.pages import parse_profile, parse_record
from plugins.maimai_archive.core.parsed import (
    ParsedPlay,
    ParsedPlayDetail,
    ParsedProfile,
    ParsedScore,
)
from plugins.maimai_archive.core.queries.export import export_plays
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue
from tests.core.test_pages_support import REAL_HTML, real_page

RECORD = "TrueRou__maimai.py__tests__sample_data__record"
UTAGE_RECORD = "Uc207Pr4f57t9-251__mainetcn__captures__rec"
HOME = "Uc207Pr4f57t9-251__mainetcn__data__debug_response"
SONGDB = REAL_HTML.parent / "songdb" / "Skimige__Akiha-Assets__data__maimai__music_data.json"
COOKIES = {
    "userId": "7777777777777",
    "_t": "feedfacecafebeef0123456789abcdef",
    "EO_Bot_Ssid": "424242",
}


class SavedPages:
    """A page source over parsed pages; fails on demand after ``fail_after`` requests."""

    def __init__(
        self,
        plays: list[ParsedPlay],
        profile: ParsedProfile,
        scores: dict[int, list[ParsedScore]] | None = None,
        on_cookies=None,
        fail_after: int | None = None,
        error: Exception | None = None,
    ) -> None:
        self.plays = plays
        self.profile = profile
        self.score_lists = scores or {}
        self.on_cookies = on_cookies
        self.fail_after = fail_after
        self.error = error or NetworkError("connection reset")
        self.requests = 0
        self.bytes_received = 0
        self.fetched: list[str] = []
        self.jar = dict(COOKIES)

    async def _respond(self, page: str) -> None:
        if self.fail_after is not None and self.requests >= self.fail_after:
            raise self.error
        self.requests += 1
        self.bytes_received += 1000
        self.fetched.append(page)
        # The site rotates _t on every response; the sync must save each new jar.
        self.jar = {**self.jar, "_t": f"rotated{self.requests:04d}"}
        if self.on_cookies:
            await self.on_cookies(dict(self.jar))

    async def record(self) -> list[ParsedPlay]:
        await self._respond("record")
        return list(self.plays)

    async def play_detail(self, idx: str) -> ParsedPlayDetail:
        await self._respond(f"detail:{idx}")
        play = next(p for p in self.plays if p.idx == idx)
        # SYNTHETIC detail: no real playlogDetail page is public.
        return ParsedPlayDetail(
            play=play,
            judgements=None,
            fast=3,
            late=5,
            max_combo=(100, 120),
            max_sync=None,
            rating=self.profile.rating,
            rating_delta=0,
        )

    async def scores(self, diff: int) -> list[ParsedScore]:
        await self._respond(f"scores:{diff}")
        return list(self.score_lists.get(diff, []))

    async def home(self) -> ParsedProfile:
        await self._respond("home")
        return self.profile

    async def photos(self) -> list:
        await self._respond("photos")
        return []

    async def friend_code(self) -> ParsedProfile:
        await self._respond("friend_code")
        return self.profile

    async def image(self, url: str) -> bytes:
        await self._respond(f"image:{url}")
        return b"\xff\xd8photo"


@pytest.fixture(scope="module")
def real_plays() -> list[ParsedPlay]:
    return parse_record(real_page(RECORD))


@pytest.fixture(scope="module")
def real_profile() -> ParsedProfile:
    return parse_profile(real_page(HOME))


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    if not SONGDB.is_file():
        pytest.skip(f"song data not available: {SONGDB} is absent")
    return Catalogue.from_music_data(json.loads(SONGDB.read_text(encoding="utf-8")))


class Harness:
    def __init__(self, tmp_path: Path, catalogue: Catalogue) -> None:
        self.store = BindingStore(SecretBox(Fernet.generate_key()))
        self.sources: list[SavedPages] = []
        self.next_source: SavedPages | None = None
        self.service = SyncService(self.store, lambda: catalogue, self.factory, data_dir=tmp_path)

    @asynccontextmanager
    async def factory(self, cookies: dict[str, str], on_cookies):
        assert self.next_source is not None
        source, self.next_source = self.next_source, None
        assert cookies["userId"] == COOKIES["userId"]
        source.on_cookies = on_cookies
        self.sources.append(source)
        yield source

    async def player(self, qq: str = "20001") -> Player:
        player = await Player.create(qq=qq)
        await self.store.save(player, dict(COOKIES))
        return player

    async def sync(self, player: Player, source: SavedPages, **kw):
        self.next_source = source
        return await self.service.sync(player, **kw)


@pytest.fixture
def harness(db, tmp_path: Path, catalogue: Catalogue) -> Harness:
    return Harness(tmp_path, catalogue)


async def test_first_sync_archives_every_play_and_reads_everything_once(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    source = SavedPages(real_plays, real_profile)
    report = await harness.sync(player, source)
    assert report.ok and report.first
    assert report.new_plays == 50 and report.new_details == 50
    assert await Play.filter(player=player).count() == 50
    assert await PlayDetail.filter(play__player=player).count() == 50
    # record, one detail per play, profile, the six score lists, the album: nothing twice
    assert source.fetched[0] == "record"
    assert sorted(p for p in source.fetched if p.startswith("detail:")) == sorted(
        f"detail:{p.idx}" for p in real_plays
    )
    assert source.fetched[51:] == [
        "home",
        "scores:0",
        "scores:1",
        "scores:2",
        "scores:3",
        "scores:4",
        "scores:10",
        "photos",
    ]
    assert report.requests == len(source.fetched) == 59
    await player.refresh_from_db()
    assert player.name == real_profile.name and player.rating == real_profile.rating
    run = await SyncRun.get(id=report.run_id)
    assert run.status == "ok" and run.requests == 59 and run.new_plays == 50
    # The first sync imports: no "improvement" noise in the first diff.
    assert await BestChange.filter(player=player).count() == 0
    assert await Best.filter(player=player).count() == len(
        {(p.title, p.type, p.difficulty) for p in real_plays}
    )


async def test_no_change_sync_costs_one_request(harness, real_plays, real_profile) -> None:
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays, real_profile))
    again = SavedPages(real_plays, real_profile)
    report = await harness.sync(player, again)
    assert report.ok and not report.first
    assert again.fetched == ["record"]
    assert report.requests == 1 and report.new_plays == 0
    assert await Play.filter(player=player).count() == 50


async def test_resync_with_overlap_keeps_every_play_once_and_costs_one_plus_k(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    older = real_plays[7:]  # the page before 7 more plays were made
    await harness.sync(player, SavedPages(older, real_profile))
    assert await Play.filter(player=player).count() == 43
    # 7 more plays that leave the rating where it was (achievement 0 rates 0)
    newer = [replace(p, achievement=0) for p in real_plays[:7]]
    later = SavedPages(newer + older, real_profile)
    report = await harness.sync(player, later)
    assert report.new_plays == 7 and report.new_details == 7
    # 1 + k, and the album (a credit may have taken photos); no profile (rating unchanged), no score lists
    assert later.fetched == ["record", *[f"detail:{p.idx}" for p in reversed(newer)], "photos"]
    unix = await Play.filter(player=player).values_list("played_unix", flat=True)
    assert sorted(unix) == sorted(p.played_unix for p in real_plays)  # the union, nothing twice


async def test_a_rating_our_bests_cannot_explain_rereads_the_score_lists(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays[7:], real_profile))
    jumped = replace(real_profile, rating=(real_profile.rating or 0) + 40)  # bests we never saw
    later = SavedPages([replace(p, achievement=0) for p in real_plays[:7]] + real_plays[7:], jumped)
    report = await harness.sync(player, later)
    assert report.ok and "home" in later.fetched
    assert [p for p in later.fetched if p.startswith("scores")] == [
        f"scores:{d}" for d in (0, 1, 2, 3, 4, 10)
    ]
    # the offset is now known: the next sync with new plays does not read them again
    again = SavedPages(
        [replace(real_plays[0], idx="0,1900000000", achievement=0), *later.plays], jumped
    )
    await harness.sync(player, again)
    assert not any(p.startswith("scores") for p in again.fetched)


async def test_improvements_are_recorded_old_to_new(harness, real_plays, real_profile) -> None:
    player = await harness.player()
    base = real_plays[1:]
    await harness.sync(player, SavedPages(base, real_profile))
    best_before = max(
        (
            p
            for p in base
            if p.title == real_plays[0].title
            and p.difficulty == real_plays[0].difficulty
            and p.type == real_plays[0].type
        ),
        key=lambda p: p.achievement,
        default=None,
    )
    better = replace(real_plays[0], achievement=1_005_000, fc=None)
    report = await harness.sync(player, SavedPages([better, *base], real_profile))
    assert report.improved == 1
    change = await BestChange.get(player=player)
    assert change.new_achievement == 1_005_000
    assert change.old_achievement == (best_before.achievement if best_before else None)
    assert change.sync_id == report.run_id


async def test_a_chart_improved_twice_in_one_sync_counts_once(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    base = real_plays[2:]
    await harness.sync(player, SavedPages(base, real_profile))
    first = replace(real_plays[0], idx="1,1900000000", achievement=1_004_000, fc=None)
    second = replace(real_plays[0], idx="0,1900000100", achievement=1_005_000, fc=None)
    report = await harness.sync(player, SavedPages([second, first, *base], real_profile))
    # Two best changes on one chart (old → 100.4 → 100.5), one chart improved in the reply.
    assert await BestChange.filter(player=player, sync_id=report.run_id).count() == 2
    assert report.improved == 1


async def test_crash_mid_sync_then_resync_loses_nothing_and_doubles_nothing(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    broken = SavedPages(
        real_plays, real_profile, fail_after=6
    )  # record + 5 details, then the network dies
    report = await harness.sync(player, broken)
    assert report.status == "failed" and isinstance(report.error, NetworkError)
    assert await Play.filter(player=player).count() == 50  # the plays phase had committed
    assert await PlayDetail.filter(play__player=player).count() == 5
    assert (await SyncRun.get(id=report.run_id)).status == "failed"
    resync = SavedPages(real_plays, real_profile)
    report = await harness.sync(player, resync)
    assert report.ok and report.new_plays == 0 and report.new_details == 45
    assert await Play.filter(player=player).count() == 50
    assert await PlayDetail.filter(play__player=player).count() == 50
    # the first sync never finished, so this one is still the first complete one: score lists read
    assert "scores:3" in resync.fetched


async def test_expired_session_marks_the_binding_and_keeps_what_was_read(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    report = await harness.sync(
        player, SavedPages(real_plays, real_profile, fail_after=3, error=SessionExpired("200002"))
    )
    assert report.status == "expired"
    assert await Play.filter(player=player).count() == 50
    assert (await Binding.get(player=player)).status == "expired"
    report = await harness.sync(player, SavedPages(real_plays, real_profile))
    assert (
        report.status == "expired" and harness.next_source is not None
    )  # no session opened: no request


async def test_maintenance_says_try_later_and_keeps_the_binding(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    report = await harness.sync(
        player,
        SavedPages(real_plays, real_profile, fail_after=0, error=Maintenance("maintenance page")),
    )
    assert report.status == "failed" and isinstance(report.error, Maintenance)
    assert (await Binding.get(player=player)).status == "ok"


async def test_rotated_cookies_are_saved_after_every_response_and_never_in_clear(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    saved: list[dict] = []
    original = harness.store.rotate

    async def spy(p, jar, expected):
        saved.append(dict(jar))
        return await original(p, jar, expected)

    harness.store.rotate = spy
    source = SavedPages(real_plays[:3], real_profile)
    await harness.sync(player, source)
    assert len(saved) == source.requests  # one save per response
    assert (await harness.store.load(player))["_t"] == f"rotated{source.requests:04d}"
    raw = (await Binding.get(player=player)).cookies
    assert COOKIES["userId"] not in raw and "rotated" not in raw


def _database_bytes(path: str) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(FULL)")
    wal = Path(path + "-wal")
    return Path(path).read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_database_file_holds_no_cookie_in_clear_text(
    harness, real_plays, real_profile
) -> None:
    import os

    url = os.environ["MAIMAI_DB_URL"]
    if not url.startswith("sqlite://"):
        pytest.skip("checks the SQLite file; PostgreSQL stores the same Fernet tokens")
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays[:2], real_profile))
    data = _database_bytes(url.removeprefix("sqlite://"))
    for value in [COOKIES["userId"], COOKIES["_t"], "rotated0001", "rotated0002"]:
        assert value.encode() not in data


async def test_one_sync_per_account_at_a_time(harness, real_plays, real_profile) -> None:
    player = await harness.player()
    gate, reading = asyncio.Event(), asyncio.Event()

    class Slow(SavedPages):
        async def record(self):
            reading.set()  # the first sync is inside its run
            await gate.wait()
            return await super().record()

    harness.next_source = Slow(real_plays[:2], real_profile)
    first = asyncio.create_task(harness.service.sync(player))
    await asyncio.wait_for(reading.wait(), 10)
    assert harness.service.is_running(player)
    second = await harness.service.sync(player)
    assert second.status == "busy"
    gate.set()
    assert (await first).ok


async def test_two_processes_never_sync_the_same_account(
    harness, real_plays, real_profile, tmp_path, catalogue
) -> None:
    """A second service (another bot process on the same database) finds the lease taken."""
    player = await harness.player()
    other = SyncService(
        harness.store, lambda: catalogue, harness.factory, data_dir=tmp_path, owner="other-process"
    )
    assert await other.lease.acquire(player)
    report = await harness.sync(player, SavedPages(real_plays, real_profile))
    assert report.status == "busy" and harness.next_source is not None  # never opened a session
    await other.lease.release(player)
    harness.next_source = None
    assert (await harness.sync(player, SavedPages(real_plays[:1], real_profile))).ok


async def test_export_equals_the_plays_on_the_pages(harness, real_plays, real_profile) -> None:
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays, real_profile))
    lines = [json.loads(line) for line in (await export_plays(player, "jsonl")).splitlines()]
    assert len(lines) == 50
    assert sorted(r["idx"] for r in lines) == sorted(p.idx for p in real_plays)
    by_idx = {p.idx: p for p in real_plays}
    for r in lines:
        p = by_idx[r["idx"]]
        assert r["title"] == p.title and r["achievement"] == p.achievement / 10000
        assert r["played_at"] == p.played_at.isoformat()
        assert r["fast"] == 3  # detail fields travel with the play
    csv_text = await export_plays(player, "csv")
    assert csv_text.count("\n") == 51


async def test_utage_and_unknown_titles_are_kept_unresolved_not_dropped(
    harness, real_profile
) -> None:
    plays = parse_record(real_page(UTAGE_RECORD))
    unknown = replace(plays[0], title="まだ知らない新曲", idx="0,1900000000")
    player = await harness.player()
    report = await harness.sync(player, SavedPages([unknown, *plays[1:]], real_profile))
    assert report.ok and report.new_plays == 50
    assert report.unresolved >= 1
    row = await Play.get(player=player, played_unix=1900000000)
    # One identity: the play and its best carry the same unresolved key.
    assert row.chart_key == f"?{row.type}:{row.difficulty}:まだ知らない新曲" and row.song_id is None
    best = await Best.get(player=player, chart_key=row.chart_key)
    assert best.title == "まだ知らない新曲"
    assert await Play.filter(player=player, difficulty="utage").count() == 6


async def test_a_crash_in_record_is_a_typed_failure_never_a_good_sync(
    harness, real_plays, real_profile
) -> None:
    class Crashing(SavedPages):
        async def record(self):
            raise RuntimeError("bug in a parser")

    player = await harness.player()
    report = await harness.sync(player, Crashing(real_plays, real_profile))
    assert report.status == "failed" and isinstance(report.error, SyncCrashed)
    assert isinstance(report.error.__cause__, RuntimeError)
    run = await SyncRun.get(player=player)
    assert run.status == "failed" and run.error == "SyncCrashed"
    again = SavedPages(real_plays, real_profile)
    report = await harness.sync(player, again)
    assert report.ok and report.first  # still the first good sync: the score lists are read
    assert "scores:3" in again.fetched
    assert await BestChange.filter(player=player).count() == 0  # and imported, not "improved"


async def test_a_crash_in_the_score_lists_is_skipped_and_they_are_imported_next_time(
    harness, real_plays, real_profile
) -> None:
    """Was: any crash failed the sync. Score lists are optional now: the sync is done, the
    lists are owed and the next sync reads them once, still as an import."""

    class Crashing(SavedPages):
        async def scores(self, diff):
            await self._respond(f"scores:{diff}")
            raise RuntimeError("bug in a parser")

    player = await harness.player()
    source = Crashing(real_plays, real_profile)
    report = await harness.sync(player, source)
    assert report.ok and report.first and [s.phase for s in report.skipped] == [Phase.SCORES]
    assert isinstance(report.skipped[0].error, SyncCrashed)
    assert [p for p in source.fetched if p.startswith("scores")] == ["scores:0"]  # probed once
    again = SavedPages(real_plays, real_profile)
    report = await harness.sync(player, again)
    assert report.ok and not report.first
    assert [p for p in again.fetched if p.startswith("scores")] == [
        f"scores:{d}" for d in (0, 1, 2, 3, 4, 10)
    ]
    assert "home" not in again.fetched  # never back onto the first-sync path
    assert await BestChange.filter(player=player).count() == 0  # an import, not "improved"


async def test_unbind_during_a_sync_stays_unbound(harness, real_plays, real_profile) -> None:
    player = await harness.player()

    class Unbinding(SavedPages):
        async def play_detail(self, idx):
            await harness.store.delete(player)  # the user sent /unbind meanwhile
            return await super().play_detail(idx)

    await harness.sync(player, Unbinding(real_plays[:3], real_profile))
    assert not await Binding.exists(player=player)


async def test_cookies_unreadable_with_a_new_key_ask_to_bind_again(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    harness.store._box = SecretBox(Fernet.generate_key())  # the operator lost secret.key
    report = await harness.sync(player, SavedPages(real_plays, real_profile))
    assert report.status == "expired" and "/bind" in report.error.user_message
    assert harness.next_source is not None  # no request made


async def test_a_retry_after_a_failed_sync_finishes_its_work(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays[5:], real_profile))
    better = [replace(p, achievement=1_010_000) for p in real_plays[:5]]
    failing = SavedPages(better + real_plays[5:], real_profile, fail_after=3)
    report = await harness.sync(player, failing)
    assert report.status == "failed" and report.new_plays == 5
    changes = await BestChange.filter(player=player).count()
    assert changes >= 1
    retry = SavedPages(better + real_plays[5:], real_profile)
    report = await harness.sync(player, retry)
    assert report.ok and report.new_plays == 0
    assert report.improved == changes  # the failed run's improvements are shown now
    assert await BestChange.filter(player=player, sync_id=report.run_id).count() == changes
    assert "photos" in retry.fetched  # the album owed by the failed sync is read


async def test_an_unreadable_detail_page_does_not_stop_the_sync(
    harness, real_plays, real_profile
) -> None:
    from plugins.maimai_archive.core.errors import PageChanged

    class OneBadDetail(SavedPages):
        async def play_detail(self, idx):
            if idx == real_plays[10].idx:
                await self._respond(f"detail:{idx}")
                raise PageChanged("playlogDetail", "the judgement table")
            return await super().play_detail(idx)

    player = await harness.player()
    source = OneBadDetail(real_plays, real_profile)
    report = await harness.sync(player, source)
    assert report.ok and report.details_failed == 1 and report.new_details == 49
    assert "home" in source.fetched and "photos" in source.fetched
    later = SavedPages(real_plays, real_profile)
    await harness.sync(player, later)
    assert later.fetched == ["record", f"detail:{real_plays[10].idx}"]  # retried while on record/


async def test_a_new_bind_during_a_sync_wins_over_the_old_session(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    fresh = {"userId": "8888888888888", "_t": "fresh-session"}

    class Rebinding(SavedPages):
        async def play_detail(self, idx):
            await harness.store.save(player, fresh)  # the user sent /bind with a new login
            return await super().play_detail(idx)

    report = await harness.sync(player, Rebinding(real_plays[:3], real_profile))
    assert report.status == "unbound"  # stopped: its old session is no longer the binding
    assert await harness.store.load(player) == fresh
    assert (await Binding.get(player=player)).status == "ok"


async def test_a_sync_killed_outright_is_finished_by_the_next(
    harness, real_plays, real_profile
) -> None:
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays[5:], real_profile))
    # what kill -9 leaves: plays and a best change under a run still "running"
    from datetime import UTC, datetime

    killed = await SyncRun.create(player=player, started_at=datetime.now(UTC), status="running")
    better = replace(real_plays[5], idx="9,1900000000", achievement=1_010_000)
    await Play.create(
        player=player,
        played_unix=better.played_unix,
        played_at=better.played_at,
        idx=better.idx,
        track=1,
        title=better.title,
        type=better.type.value,
        difficulty=better.difficulty.value,
        achievement=better.achievement,
        dx_score=1,
        rank="sssp",
        sync=killed,
        chart_key="x",
    )
    await BestChange.create(
        player=player,
        sync=killed,
        chart_key="x",
        title=better.title,
        type=better.type.value,
        difficulty=better.difficulty.value,
        new_achievement=better.achievement,
        changed_at=better.played_at,
    )
    again = SavedPages(real_plays[5:], real_profile)
    report = await harness.sync(player, again)
    assert report.ok and report.improved == 1
    assert (await SyncRun.get(id=killed.id)).status == "failed"
    assert "photos" in again.fetched  # the owed album is read


async def test_a_retried_old_detail_never_rolls_the_rating_back(
    harness, real_plays, real_profile
) -> None:
    from plugins.maimai_archive.core.errors import PageChanged

    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays[2:], real_profile))
    older, newer = real_plays[1], real_plays[0]

    class Ratings(SavedPages):
        def __init__(self, *a, broken=(), **kw):
            super().__init__(*a, **kw)
            self.broken = broken

        async def play_detail(self, idx):
            if idx in self.broken:
                await self._respond(f"detail:{idx}")
                raise PageChanged("playlogDetail", "the rating block")
            detail = await super().play_detail(idx)
            return replace(detail, rating=14394 if idx == newer.idx else 14384)

    await harness.sync(player, Ratings(real_plays, real_profile, broken=(older.idx,)))
    await player.refresh_from_db()
    rating = player.rating
    await harness.sync(player, Ratings(real_plays, real_profile))  # the old detail reads now
    await player.refresh_from_db()
    assert player.rating == rating


async def test_a_changed_detail_page_is_not_requested_fifty_times(
    harness, real_plays, real_profile
) -> None:
    from plugins.maimai_archive.core.errors import PageChanged

    class AllBroken(SavedPages):
        async def play_detail(self, idx):
            await self._respond(f"detail:{idx}")
            raise PageChanged("playlogDetail", "the judgement table")

    player = await harness.player()
    source = AllBroken(real_plays, real_profile)
    report = await harness.sync(player, source)
    assert report.ok and report.details_failed == 3
    assert sum(p.startswith("detail:") for p in source.fetched) == 3
