"""The full-archive queries on the SYNTHETIC fixture archive (tests/archive_fixture.py, where
every expected number is counted by hand): rating curve, visits, plates, attempts, ranking,
and /diff's default sync."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from plugins.maimai_archive.core.queries import attempts, curve, plates, ranking, versions, visits
from plugins.maimai_archive.core.queries import plays as queries
from plugins.maimai_archive.core.queries.plates import Plate
from plugins.maimai_archive.core.queries.plays import QueryContext
from plugins.maimai_archive.core.songs.catalogue import Catalogue
from tests import archive_fixture as fx


def known_plate(name: str, catalogue: Catalogue) -> Plate:
    """The plate a name names (the test's catalogue has its songs)."""
    found = plates.parse_plate(name, catalogue)
    assert found is not None, name
    return found


pytestmark = pytest.mark.db


@pytest.fixture
def archive(tmp_path) -> QueryContext:
    return QueryContext(fx.catalogue(), data_dir=tmp_path)


# --- rating curve -------------------------------------------------------------------------------


async def test_curve_has_a_point_for_every_detailed_play_and_each_snapshot(db, archive):
    player = await fx.build()
    view = await curve.rating_curve_view(player, archive.catalogue)
    assert view is not None
    assert sum(p.from_play for p in view.points) == 8  # plays with a detail rating
    assert sum(not p.from_play for p in view.points) == 2
    assert [p.at for p in view.points] == sorted(p.at for p in view.points)
    assert view.points[0].rating == 13970 and view.points[-1].rating == 14020
    # BUDDiES (11-20 12:00) then the first PRiSM song five minutes later: one version mark.
    assert [(m.at, m.label) for m in view.versions] == [(fx.at(11, 20, 12, 5), "舞萌DX 2025")]


async def test_curve_is_none_without_ratings(db, archive):
    from plugins.maimai_archive.core.db.models import Player

    player = await Player.create(qq="1")
    assert await curve.rating_curve_view(player, archive.catalogue) is None


# --- visits -------------------------------------------------------------------------------------


async def test_latest_visit_crosses_midnight(db, archive):
    player = await fx.build()
    (view,) = await visits.visit_views(player, archive)
    assert (view.start, view.end) == (fx.at(11, 23, 23, 50), fx.at(11, 24, 0, 5))
    assert view.credits == 1 and len(view.plays) == 2 and view.heading == ""
    assert (view.rating_start, view.rating_end) == (
        14012,
        14020,
    )  # 14020 − 8: before the detailed play
    # Both dates the visit touches show it.
    assert len(await visits.visit_views(player, archive, date(2025, 11, 24))) == 1
    assert len(await visits.visit_views(player, archive, date(2025, 11, 23))) == 1


async def test_a_day_with_two_visits_gives_both_headed(db, archive):
    player = await fx.build()
    first, second = await visits.visit_views(player, archive, date(2025, 11, 22))
    assert first.heading == "第 1 次出勤（共 2 次）" and second.heading == "第 2 次出勤（共 2 次）"
    assert [p.track for p in first.plays] == [1, 2, 3, 4, 1, 2]
    assert first.credits == 2 and first.new_bests == 4
    assert (first.rating_start, first.rating_end) == (14000, 14012)
    assert (first.fast, first.late) == (17, 21)
    best = first.best_play
    assert best is not None and best.chart.title == "New X" and best.achievement == 1_003_000
    assert first.photos == (archive.data_dir / Path("photos/a.jpg"),)
    assert second.credits == 1 and second.fast is None and second.rating_start is None
    assert second.photos == (archive.data_dir / Path("photos/b.jpg"),)


async def test_no_visit_on_a_quiet_day_or_an_empty_archive(db, archive):
    from plugins.maimai_archive.core.db.models import Player

    player = await fx.build()
    assert await visits.visit_views(player, archive, date(2025, 11, 21)) == ()
    empty = await Player.create(qq="2")
    assert await visits.visit_views(empty, archive) == ()


async def test_a_visit_longer_than_the_first_window_is_read_whole(db, archive):
    from plugins.maimai_archive.core.db.models import Play, Player

    player = await Player.create(qq="3")
    start = fx.at(11, 1, 8)
    for i in range(30):  # a play every 40 minutes: 20 hours, one visit
        when = start + timedelta(minutes=40 * i)
        await Play.create(
            player=player,
            played_unix=int(when.timestamp()),
            played_at=when,
            idx=f"0,{i}",
            track=1 + i % 4,
            title="Old A",
            type="SD",
            difficulty="basic",
            achievement=900_000,
            dx_score=1,
            rank="aa",
            chart_key="17:basic",
            song_id=17,
        )
    (view,) = await visits.visit_views(player, archive)
    assert len(view.plays) == 30 and view.credits == 8


def test_a_credit_starts_at_a_visit_and_at_each_track_reset():
    hour = visits.VISIT_GAP
    # tracks 2 3 · 1 2 (a reset) · an hour later 3 (a new visit; its first tracks were lost)
    plays = [(0, 2), (60, 3), (120, 1), (180, 2), (180 + hour, 3)]
    assert visits.count_credits(plays) == 3 and visits.count_credits([]) == 0


# --- plates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "done", "total", "per_difficulty"),
    [
        ("真将", 3, 8, {"basic": (2, 2), "advanced": (1, 2), "expert": (0, 2), "master": (0, 2)}),
        ("真極", 4, 8, None),
        ("真神", 2, 8, None),
        ("真舞舞", 2, 8, None),
        ("舞将", 3, 13, {"remaster": (0, 1)}),
        ("霸者", 7, 13, {"remaster": (0, 1), "master": (2, 3)}),
        ("覇者", 7, 13, None),
        ("超将", 0, 4, None),
        ("镜将", 1, 8, None),  # New X master 100.3 %; the Utage song never counts
    ],
)
async def test_plate_counts_are_the_hand_counted_ones(
    db, archive, name, done, total, per_difficulty
):
    player = await fx.build()
    plate = known_plate(name, archive.catalogue)
    view = await plates.plate_view(player, archive, plate)
    assert view is not None
    assert (view.done, view.total) == (done, total)
    assert len(view.missing) == total - done
    for difficulty, pair in (per_difficulty or {}).items():
        assert next((c.done, c.total) for c in view.counts if c.difficulty == difficulty) == pair


async def test_plate_missing_charts_hardest_first_with_the_score_held(db, archive):
    player = await fx.build()
    view = await plates.plate_view(player, archive, known_plate("真将", archive.catalogue))
    assert view is not None
    assert [(m.chart.title, m.chart.difficulty) for m in view.missing] == [
        ("Old B", "master"),
        ("Old A", "master"),
        ("Old B", "expert"),
        ("Old A", "expert"),
        ("Old B", "advanced"),
    ]
    assert view.missing[0].achievement is None
    assert (view.missing[3].achievement, view.missing[3].fc) == (990_000, "fc")


async def test_plate_as_of_a_date_uses_the_best_history(db, archive):
    player = await fx.build()
    plate = known_plate("真将", archive.catalogue)
    # Old A advanced reached 100 % on 11-22: the day before it was 99 %.
    then = await plates.plate_view(player, archive, plate, date(2025, 11, 21))
    assert then is not None
    later = await plates.plate_view(player, archive, plate, date(2025, 11, 22))
    assert later is not None
    assert (then.done, later.done) == (2, 3) and then.as_of == date(2025, 11, 21)
    assert await plates.plate_view(player, archive, plate, date(2025, 1, 1)) is None


def test_plate_names():
    catalogue = fx.catalogue()
    assert known_plate("舞舞舞", catalogue).difficulties[-1].value == "remaster"
    assert known_plate("真将", catalogue).versions == ("maimai", "maimai PLUS")
    assert plates.parse_plate("華将", catalogue) is None  # でらっくす has no song in this catalogue
    assert plates.parse_plate("祝将", catalogue) is None
    for bad in ("将", "舞", "舞者", "xx将", "镜将将", ""):
        assert plates.parse_plate(bad, catalogue) is None
    names = plates.valid_names(catalogue)
    assert (
        "真" in names and "镜" in names and "双" in names and "熊" not in names and "霸者" in names
    )


def test_jingle_bell_does_not_count_for_zhen_plates_but_for_wu():
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    data = [
        *fx.music_data(),
        fx._song(70, "ジングルベル", "SD", "maimai", [6.0, 7.9, 10.9, 14.4, 14.2]),
    ]
    catalogue = Catalogue.from_music_data(data)
    zhen, wu = known_plate("真将", catalogue), known_plate("舞将", catalogue)
    assert len(zhen.charts(catalogue)) == 8  # as without it
    assert len(wu.charts(catalogue)) == 13 + 5  # with its Re:MASTER


def test_revived_songs_and_dx_era_remasters_do_not_count():
    """The id lists of plate_rules are applied: a revived song counts for no plate (its own
    version's, 舞, 霸者), a Re:MASTER added in the DX era to an old song not for 舞 / 霸者."""
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    green = "maimai GreeN"
    data = [
        *fx.music_data(),
        fx._song(146, "39", "SD", "maimai PLUS", [5.0, 8.6, 11.2, 13.0, 13.4]),  # revived (真)
        fx._song(190, "モザイクロール", "SD", green, [3.0, 7.7, 10.7, 12.7]),  # revived (超)
        fx._song(
            131, "Link", "SD", "maimai PLUS", [4.0, 7.0, 10.0, 12.0, 13.5]
        ),  # Re:MASTER from the DX era
        fx._song(10146, "39", "DX", "maimai でらっくす", [4.0, 7.0, 10.0, 12.5]),  # revived (熊)
        fx._song(10001, "Kept", "DX", "maimai でらっくす", [4.0, 7.0, 10.0, 12.5]),
    ]
    catalogue = Catalogue.from_music_data(data)

    def keys(name: str) -> set[str]:
        return {chart.key for chart in known_plate(name, catalogue).charts(catalogue)}

    # 真: the fixture's 8 + Link's four (its Re:MASTER never counts for a version plate).
    assert keys("真将") == keys("真極") and len(keys("真将")) == 8 + 4
    assert not {k for k in keys("真将") if k.startswith(("146:", "131:remaster"))}
    assert len(keys("超将")) == 4 and not any(k.startswith("190:") for k in keys("超将"))
    # 舞 / 霸者: the fixture's 13 + Link's Basic–Master, none of 39 or モザイクロール.
    assert keys("舞将") == keys("霸者") and len(keys("舞将")) == 13 + 4
    assert (
        "17:remaster" in keys("舞将")
        and "131:master" in keys("舞将")
        and "131:remaster" not in keys("舞将")
    )
    assert keys("熊将") == {f"10001:{d}" for d in ("basic", "advanced", "expert", "master")}


def test_plate_kanji_cover_the_song_data_versions(songdb):
    """Every version in the real CN song data has a plate kanji (PRiSM PLUS = 彩)."""
    import json

    data = json.loads(
        (songdb / "Skimige__Akiha-Assets__data__maimai__music_data.json").read_text(
            encoding="utf-8"
        )
    )
    versions = {
        r["basic_info"]["from"] for r in (data.values() if isinstance(data, dict) else data)
    }
    covered = {v for vs in plates.VERSION_CHARS.values() for v in vs}
    assert versions <= covered


def test_plate_totals_on_the_real_cn_song_data(songdb):
    """On the CN song data: 舞 asks for 59 Re:MASTERs (of the 88 old-series ones the data has),
    and every listed id is a song of the data in the versions its plate covers."""
    import json

    from plugins.maimai_archive.core.queries import plate_rules
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    data = json.loads(
        (songdb / "Skimige__Akiha-Assets__data__maimai__music_data.json").read_text(
            encoding="utf-8"
        )
    )
    catalogue = Catalogue.from_music_data(list(data.values()))
    wu = known_plate("舞将", catalogue)
    counts, _ = plates.progress(wu, catalogue, {})
    assert {c.difficulty: c.total for c in counts}["remaster"] == 59
    old = {s.id for s in catalogue.songs() if s.version in versions.OLD_VERSIONS}
    assert (
        plate_rules.OLD_REMASTER_IDS <= old
        and {i for i in plate_rules.REVIVED_IDS if i < 10_000} <= old
    )
    assert {
        s.version for s in catalogue.songs() if s.id in plate_rules.REVIVED_IDS and s.id >= 10_000
    } == set(versions.DX_VERSIONS[:3])
    for name, gone in (
        ("真将", {44, 70, 146}),
        ("超将", {185, 189, 190}),
        ("白将", {687, 688, 712}),
        ("辉将", {792}),
    ):
        ids = {c.song_id for c in known_plate(name, catalogue).charts(catalogue)}
        assert ids and not ids & gone


# --- attempts -----------------------------------------------------------------------------------


async def test_chart_attempts(db, archive):
    from plugins.maimai_archive.core.db.models import Play

    player = await fx.build()
    play = (
        await Play.filter(player=player, chart_key="11001:master").order_by("-played_unix").first()
    )
    assert play is not None
    view = await attempts.chart_attempts_view(player, archive, play)
    assert (view.plays, view.days, view.average, view.best) == (3, 2, 986_000, 1_003_000)
    got = {m.label: (m.plays, m.days) for m in view.milestones}
    assert got == {
        "S": (2, 2),
        "SSS": (2, 2),
        "SSS+": (None, None),
        "FC": (2, 2),
        "AP": (None, None),
    }
    first = view.judgements[0]
    assert (first.great, first.good, first.miss, first.fast, first.late) == (6, 2, 1, 3, 2)
    assert len(view.judgements) == 3


# --- ranking ------------------------------------------------------------------------------------


async def test_ranking_lists_public_members_only_with_their_change(db):
    from plugins.maimai_archive.core.db.models import Player, ProfileSnapshot

    me = await fx.build(public=True)
    await Player.create(qq="20002", name="强者", rating=15000, public=True)
    await Player.create(qq="20003", name="隐身", rating=16000, public=False)
    await Player.create(qq="20004", name="外人", rating=17000, public=True)
    now = fx.at(11, 28, 12)
    await ProfileSnapshot.create(
        player=me, taken_at=now - timedelta(days=8), name="玩家", rating=13900
    )
    view = await ranking.group_ranking(["20001", "20002", "20003", 99], now, "群")
    assert view is not None
    assert [(e.place, e.name, e.rating, e.change) for e in view.entries] == [
        (1, "强者", 15000, None),
        (2, "玩家", 14020, 120),  # against the latest snapshot before the 7-day cutoff (11-20)
    ]
    assert await ranking.group_ranking(["20003"], now, "群") is None
    assert await ranking.group_ranking([], now, "群") is None


# --- /diff's default ----------------------------------------------------------------------------


async def test_diff_shows_the_latest_sync_that_changed_something(db, archive):
    player = await fx.build()
    view = await queries.diff_view(player, archive)
    assert view is not None
    assert view.label == "上次同步 2025/11/22 14:01（之后 1 次同步没有新成绩）"
    assert [e.chart.title for e in view.entries] == ["Old A"] and view.new_plays == 6
