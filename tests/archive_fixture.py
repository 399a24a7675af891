"""SYNTHETIC fixture archive for the full-archive views (visits, plates, curve, attempts,
ranking): a small hand-counted catalogue and one player's plays, details, bests, photos.
Holds no tests. Every number the tests assert is counted by hand in the comments here.

Catalogue (versions from 水鱼 ``basic_info.from``):
  17    Old A  SD  maimai          B 2.0  A 5.0  E 8.0  M 11.0  Re 12.0
  2     Old B  SD  maimai PLUS     B 3.0  A 6.0  E 9.0  M 12.5
  3     Old C  SD  maimai GreeN    B 3.0  A 6.0  E 9.0  M 13.0
  11001 New X  DX  PRiSM           B 3.0  A 6.0  E 9.0  M 14.0
  11002 New Y  DX  PRiSM           B 3.0  A 6.0  E 9.0  M 13.5  Re 14.5
  11003 Mid Z  DX  BUDDiES         B 3.0  A 6.0  E 9.0  M 13.0
  100001 [宴]U     Utage, PRiSM (never counts)
So 真 = 8 charts (Re:MASTER does not count), 舞 / 霸者 = 13 (Old A's Re:MASTER counts: id 17 is
on plate_rules' list of Re:MASTERs the old series had), 镜 = 8.

Visits (site time, UTC+8):
  11-20 12:00–12:05  Z master, X master                       1 credit
  11-22 13:00–13:45  6 plays, tracks 1 2 3 4 1 2               2 credits, 4 new records
  11-22 19:00–19:05  2 plays (no details)                      1 credit
  11-23 23:50 – 11-24 00:05  2 plays across midnight           1 credit (the latest visit)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from plugins.maimai_archive.core.songs.catalogue import Catalogue

CN = timezone(timedelta(hours=8))


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=CN)


def _song(
    song_id: int, title: str, type_: str, version: str, ds: list[float], is_new: bool = False
) -> dict:
    notes = [100, 10, 10, 10] if type_ == "SD" else [100, 10, 10, 10, 10]
    levels = [str(int(d)) + ("+" if d % 1 >= 0.7 else "") for d in ds]
    return {
        "id": str(song_id),
        "title": title,
        "type": type_,
        "ds": ds,
        "level": levels,
        "cids": list(range(len(ds))),
        "charts": [{"notes": notes, "charter": "-"} for _ in ds],
        "basic_info": {
            "title": title,
            "artist": "-",
            "genre": "舞萌",
            "bpm": 150,
            "release_date": "",
            "from": version,
            "is_new": is_new,
        },
    }


def music_data() -> list[dict]:
    prism = "maimai でらっくす PRiSM"
    utage = _song(100001, "[宴]U", "DX", prism, [12.0])
    utage["level"] = ["12?"]
    utage["basic_info"]["genre"] = "宴会場"
    return [
        _song(17, "Old A", "SD", "maimai", [2.0, 5.0, 8.0, 11.0, 12.0]),
        _song(2, "Old B", "SD", "maimai PLUS", [3.0, 6.0, 9.0, 12.5]),
        _song(3, "Old C", "SD", "maimai GreeN", [3.0, 6.0, 9.0, 13.0]),
        _song(11001, "New X", "DX", prism, [3.0, 6.0, 9.0, 14.0], True),
        _song(11002, "New Y", "DX", prism, [3.0, 6.0, 9.0, 13.5, 14.5], True),
        _song(11003, "Mid Z", "DX", "maimai でらっくす BUDDiES", [3.0, 6.0, 9.0, 13.0]),
        utage,
    ]


def catalogue() -> Catalogue:
    return Catalogue.from_music_data(music_data())


_TITLES = {17: "Old A", 2: "Old B", 3: "Old C", 11001: "New X", 11002: "New Y", 11003: "Mid Z"}
# Bests: (key, achievement, fc, fs, updated). Old A advanced was 99.0000 % FC until its play on
# 11-22 13:45 (a best change); the others were read from the score lists on 11-19 or set by a play.
BESTS = [
    ("17:basic", 1_005_000, "app", "fsdp", at(11, 19, 12)),
    ("17:advanced", 1_000_000, "fcp", "fsd", at(11, 22, 14, 1)),
    ("17:expert", 990_000, "fc", None, at(11, 19, 12)),
    ("17:master", 850_000, None, None, at(11, 19, 12)),
    ("17:remaster", 790_000, None, None, at(11, 19, 12)),
    ("2:basic", 1_002_000, "ap", None, at(11, 19, 12)),
    ("2:advanced", 970_000, None, None, at(11, 19, 12)),
    ("3:master", 800_000, None, None, at(11, 22, 19, 0)),
    ("3:expert", 700_000, None, None, at(11, 22, 19, 5)),
    ("11003:master", 990_000, None, None, at(11, 20, 12, 0)),
    ("11001:master", 1_003_000, "fc", None, at(11, 22, 13, 10)),
    ("11002:master", 980_000, None, None, at(11, 23, 23, 50)),
    ("11002:remaster", 960_000, None, None, at(11, 24, 0, 5)),
]
# Plays: (local time, track, key, achievement, fc, new record, detail (rating, delta, fast, late) | None)
PLAYS = [
    (at(11, 20, 12, 0), 1, "11003:master", 990_000, None, True, (13980, 0, 1, 1)),
    (at(11, 20, 12, 5), 2, "11001:master", 960_000, None, True, (13990, 10, 3, 2)),
    (at(11, 22, 13, 0), 1, "17:master", 850_000, None, True, (14000, 0, 10, 9)),
    (at(11, 22, 13, 5), 2, "17:expert", 990_000, "fc", True, (14003, 3, 4, 6)),
    (at(11, 22, 13, 10), 3, "11001:master", 1_003_000, "fc", True, (14010, 7, 2, 2)),
    (at(11, 22, 13, 15), 4, "2:basic", 1_002_000, "ap", False, None),
    (at(11, 22, 13, 40), 1, "11001:master", 995_000, None, False, (14010, 0, 1, 1)),
    (at(11, 22, 13, 45), 2, "17:advanced", 1_000_000, "fcp", True, (14012, 2, 0, 3)),
    (at(11, 22, 19, 0), 1, "3:master", 800_000, None, False, None),
    (at(11, 22, 19, 5), 2, "3:expert", 700_000, None, False, None),
    (at(11, 23, 23, 50), 1, "11002:master", 980_000, None, True, None),
    (at(11, 24, 0, 5), 2, "11002:remaster", 960_000, None, True, (14020, 8, 3, 4)),
]
# The 11-20 play of New X master has judgements: GREAT 5+1, GOOD 2, MISS 1.
JUDGEMENTS = {
    "tap": [100, 10, 5, 2, 1],
    "hold": [10, 0, 0, 0, 0],
    "break": [8, 1, 1, 0, 0],
    "touch": None,
}


def _rank(achievement: int) -> str:
    for bound, code in (
        (1_005_000, "sssp"),
        (1_000_000, "sss"),
        (990_000, "ss"),
        (970_000, "s"),
        (800_000, "a"),
    ):
        if achievement >= bound:
            return code
    return "b"


async def build(qq: str = "20001", public: bool = False):
    """The player of this archive, with everything above written to the database."""
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

    player = await Player.create(qq=qq, name="玩家", rating=14020, public=public)
    for key, ach, fc, fs, updated in BESTS:
        song_id, diff = key.split(":")
        await Best.create(
            player=player,
            chart_key=key,
            song_id=int(song_id),
            title=_TITLES[int(song_id)],
            type="SD" if int(song_id) < 10000 else "DX",
            difficulty=diff,
            achievement=ach,
            rank=_rank(ach),
            fc=fc,
            fs=fs,
            updated_at=updated,
        )
    run1 = await SyncRun.create(
        player=player,
        started_at=at(11, 22, 14),
        finished_at=at(11, 22, 14, 1),
        status="ok",
        new_plays=6,
        improved_bests=1,
    )
    await SyncRun.create(player=player, started_at=at(11, 23, 10), status="ok")  # nothing new
    await SyncRun.create(player=player, started_at=at(11, 23, 11), status="failed")
    await BestChange.create(
        player=player,
        sync=run1,
        chart_key="17:advanced",
        song_id=17,
        title="Old A",
        type="SD",
        difficulty="advanced",
        old_achievement=990_000,
        new_achievement=1_000_000,
        old_fc="fc",
        new_fc="fcp",
        old_fs=None,
        new_fs="fsd",
        changed_at=at(11, 22, 13, 45),
    )
    for i, (when, track, key, ach, fc, new, detail) in enumerate(PLAYS):
        song_id, diff = key.split(":")
        unix = int(when.timestamp())
        play = await Play.create(
            player=player,
            played_unix=unix,
            played_at=when.astimezone(UTC),
            idx=f"{i},{unix}",
            track=track,
            title=_TITLES[int(song_id)],
            type="SD" if int(song_id) < 10000 else "DX",
            difficulty=diff,
            achievement=ach,
            dx_score=100,
            rank=_rank(ach),
            fc=fc,
            new_record=new,
            chart_key=key,
            song_id=int(song_id),
        )
        if detail:
            rating, delta, fast, late = detail
            await PlayDetail.create(
                play=play,
                rating=rating,
                rating_delta=delta,
                fast=fast,
                late=late,
                judgements=JUDGEMENTS if i == 1 else None,
            )
    await ProfileSnapshot.create(player=player, taken_at=at(11, 19, 12), name="玩家", rating=13970)
    await ProfileSnapshot.create(player=player, taken_at=at(11, 24, 1), name="玩家", rating=14020)
    # Photos: one at each 11-22 visit, one between them (an hour or more from both), one never downloaded.
    for url, path, when in (
        ("u1", "photos/a.jpg", at(11, 22, 13, 20)),
        ("u2", "photos/b.jpg", at(11, 22, 19, 3)),
        ("u3", "photos/c.jpg", at(11, 22, 16, 30)),
        ("u4", None, at(11, 22, 13, 30)),
    ):
        await Photo.create(player=player, url=url, path=path, taken_at=when)
    return player
