"""SYNTHETIC archives of every shape, for the property test over the whole command surface
(tests/chat/test_any_archive.py) and the real-render check beside it. Holds no tests.

An archive is drawn as an :class:`ArchiveSpec` (hypothesis) and written with the ORM's
``bulk_create``, never through a sync. Its charts mix what the song data knows (SD, DX,
Re:MASTER, Utage, a BUDDY Utage, a 100+ character title) with what it does not (a short
title, an international-only title, 100+ character titles in full-width symbols).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from plugins.maimai_archive.core.game import rank_for
from plugins.maimai_archive.core.songs.catalogue import Catalogue
from plugins.maimai_archive.core.songs.data import unresolved_chart_key
from tests import archive_fixture as fx

T0 = datetime(2025, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 site time

# Titles longer than 100 characters once the full-width symbols are counted.
LONG_KNOWN = (
    "【超長】" + "Ｌｏｎｇ☆Ｔｉｔｌｅ～ずっと続く夢の向こう側へ！" * 4 + "（Ｅｘｔｅｎｄｅｄ）"
)
LONG_UNKNOWN = (
    "Retribution ～ Cycle of Redemption ～ "
    + "「果てしなく続く物語の終わりと始まり」＆『もう一度』♪" * 3
    + "！？"
)
LONG_UNKNOWN_2 = "ＸＸＸ：" + "宴会場の向こう側で待っている誰かのために歌う歌・" * 4


@dataclass(frozen=True)
class ChartSeed:
    """A chart as a play page names it, and its key when the song data knows it."""

    title: str
    type: str
    difficulty: str
    level: str
    song_id: int | None  # None: the song data does not know it
    dx_max: int = 1500
    buddy: bool = False

    @property
    def key(self) -> str:
        """As the sync keys every row of the chart (unknown: "?<type>:<difficulty>:<title>")."""
        if self.song_id is None:
            return unresolved_chart_key(self.type, self.difficulty, self.title)
        return f"{self.song_id}:{self.difficulty}"


def music_data() -> list[dict]:
    """The fixture archive's catalogue, with a BUDDY Utage and a long-titled song."""
    data = fx.music_data()
    buddy = fx._song(100002, "[協]Buddy Ｓｏｎｇ", "DX", "maimai でらっくす PRiSM", [13.0, 13.0])
    buddy["level"] = ["13?", "13?"]
    buddy["basic_info"]["genre"] = "宴会場"
    data.append(buddy)
    data.append(fx._song(11004, LONG_KNOWN, "DX", "maimai でらっくす PRiSM", [3, 6, 9, 13.7], True))
    return data


def catalogue() -> Catalogue:
    return Catalogue.from_music_data(music_data())


KNOWN = [
    ChartSeed("Old A", "SD", "master", "11", 17),
    ChartSeed("Old A", "SD", "remaster", "12", 17),
    ChartSeed("Old B", "SD", "basic", "3", 2),
    ChartSeed("New X", "DX", "master", "14", 11001),
    ChartSeed("New Y", "DX", "remaster", "14+", 11002),
    ChartSeed("Mid Z", "DX", "expert", "9", 11003),
    ChartSeed(LONG_KNOWN, "DX", "master", "13+", 11004),
    ChartSeed("[宴]U", "UTAGE", "utage", "12?", 100001),
    ChartSeed("[協]Buddy Ｓｏｎｇ", "UTAGE", "utage", "13?", 100002, 3000, True),
]
UNKNOWN = [
    ChartSeed("Ghost", "DX", "master", "13", None),
    ChartSeed("Only Abroad ～INTL～", "SD", "expert", "10+", None),
    ChartSeed(LONG_UNKNOWN, "DX", "expert", "12+", None),
    ChartSeed(LONG_UNKNOWN_2, "UTAGE", "utage", "14?", None),
]
LONG_UNKNOWN_CHARTS = [c for c in UNKNOWN if len(c.title) > 60]
JUDGEMENTS = {
    "tap": [300, 20, 5, 1, 2],
    "hold": [40, 2, 0, 0, 0],
    "slide": [60, 0, 1, 0, 1],
    "touch": [10, 1, 0, 0, 0],
    "break": [20, 4, 1, 0, 1],
}


@dataclass(frozen=True)
class ArchiveSpec:
    seed: int
    plays: int
    charts: tuple[ChartSeed, ...]
    details: str  # none | some | all
    photos: int
    snapshots: int
    syncs: int  # runs, some that changed nothing
    score_list_bests: int  # bests read from the score lists, never played since
    public: bool


def specs(long_unknown: bool = True) -> st.SearchStrategy[ArchiveSpec]:
    """Archives of 0 to thousands of plays. ``long_unknown=False`` leaves out the unknown
    charts with long titles (only to look past a known crash while developing)."""
    pool = KNOWN + [c for c in UNKNOWN if long_unknown or c not in LONG_UNKNOWN_CHARTS]
    return st.builds(
        ArchiveSpec,
        seed=st.integers(0, 2**16),
        plays=st.one_of(st.just(0), st.integers(1, 60), st.integers(1000, 3000)),
        charts=st.lists(st.sampled_from(pool), min_size=1, max_size=8, unique=True).map(tuple),
        details=st.sampled_from(["none", "some", "all"]),
        photos=st.integers(0, 4),
        snapshots=st.integers(0, 3),
        syncs=st.integers(0, 4),
        score_list_bests=st.integers(0, 3),
        public=st.booleans(),
    )


def _achievement(rnd: random.Random, chart: ChartSeed) -> int:
    top = 2_000_000 if chart.buddy else 1_010_000
    return rnd.choice([rnd.randint(500_000, top), rnd.randint(970_000, 1_005_000), top])


async def build(spec: ArchiveSpec, qq: str):
    """Write the archive of ``spec`` for ``qq`` in bulk; the player row."""
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

    rnd = random.Random(spec.seed)
    player = await Player.create(qq=qq, name="ＰＬＡＹＥＲ☆", rating=14500, public=spec.public)
    runs = []
    for i in range(spec.syncs):
        nothing = i % 2 == 1  # every other run changed nothing
        runs.append(
            await SyncRun.create(
                player=player,
                started_at=T0 + timedelta(days=i),
                finished_at=T0 + timedelta(days=i, minutes=1),
                status="failed" if i == 3 else "ok",
                new_plays=0 if nothing else spec.plays // max(1, spec.syncs),
                improved_bests=0 if nothing else 1,
            )
        )
    plays: list[Play] = []
    bests: dict[str, tuple[int, ChartSeed, datetime]] = {}
    changes: list[tuple[ChartSeed, int | None, int, datetime]] = []
    at = T0
    for i in range(spec.plays):
        at += timedelta(minutes=rnd.choice([1, 2, 3, 90, 60 * 24]))
        chart = spec.charts[i % len(spec.charts)] if i % 3 else rnd.choice(spec.charts)
        achievement = _achievement(rnd, chart)
        held = bests.get(chart.key)
        new = held is None or achievement > held[0]
        unix = int(at.timestamp())
        plays.append(
            Play(
                player=player,
                played_unix=unix,
                played_at=at,
                idx=f"{i % 50},{unix}",
                track=i % 4 + 1,
                title=chart.title,
                type=chart.type,
                difficulty=chart.difficulty,
                level=chart.level,
                achievement=achievement,
                dx_score=chart.dx_max * 9 // 10,
                dx_score_max=chart.dx_max,
                dx_stars=rnd.randint(0, 5),
                rank=rank_for(achievement).value,
                fc=rnd.choice([None, "fc", "ap", "app"]),
                fs=rnd.choice([None, "fs", "fsdp"]),
                new_record=new,
                place=rnd.choice([None, 1, 2]),
                buddy=chart.buddy,
                chart_key=chart.key,
                song_id=chart.song_id,
                sync=runs[min(i * len(runs) // spec.plays, len(runs) - 1)] if runs else None,
            )
        )
        if new:
            old = held[0] if held else None
            bests[chart.key] = (achievement, chart, at)
            changes.append((chart, old, achievement, at))
    await Play.bulk_create(plays, batch_size=500)
    for chart in KNOWN[: spec.score_list_bests]:  # from the score lists, never played here
        bests.setdefault(chart.key, (rnd.randint(800_000, 1_000_000), chart, T0))
    await Best.bulk_create(
        [
            Best(
                player=player,
                chart_key=key,
                song_id=chart.song_id,
                title=chart.title,
                type=chart.type,
                difficulty=chart.difficulty,
                level=chart.level,
                achievement=achievement,
                dx_score=chart.dx_max * 9 // 10,
                dx_score_max=chart.dx_max,
                rank=rank_for(achievement).value,
                updated_at=when,
            )
            for key, (achievement, chart, when) in bests.items()
        ]
    )
    changed_runs: list[SyncRun | None] = [r for i, r in enumerate(runs) if i % 2 == 0] or [None]
    await BestChange.bulk_create(
        [
            BestChange(
                player=player,
                sync=changed_runs[i % len(changed_runs)],
                chart_key=chart.key,
                song_id=chart.song_id,
                title=chart.title,
                type=chart.type,
                difficulty=chart.difficulty,
                level=chart.level,
                old_achievement=old,
                new_achievement=new,
                changed_at=when,
            )
            for i, (chart, old, new, when) in enumerate(changes)
        ],
        batch_size=500,
    )
    if spec.details != "none":
        saved = (
            await Play.filter(player=player).order_by("played_unix").values_list("id", flat=True)
        )
        step = 1 if spec.details == "all" else 3
        await PlayDetail.bulk_create(
            [
                PlayDetail(
                    play_id=play_id,
                    judgements=JUDGEMENTS if n % 2 else None,
                    fast=n % 40,
                    late=n % 30,
                    max_combo=500,
                    max_combo_total=600,
                    rating=14000 + n % 500,
                    rating_delta=n % 7,
                )
                for n, play_id in enumerate(saved[::step])
            ],
            batch_size=500,
        )
    for n in range(spec.photos):
        chart = spec.charts[n % len(spec.charts)]
        await Photo.create(
            player=player,
            url=f"https://example.invalid/photo/{n}",
            path=None if n == 1 else "",  # never downloaded, or a miss
            title=chart.title,
            difficulty=chart.difficulty,
            taken_at=T0 + timedelta(hours=n),
        )
    for n in range(spec.snapshots):
        await ProfileSnapshot.create(
            player=player,
            sync=runs[n] if n < len(runs) else None,
            taken_at=T0 + timedelta(days=n, minutes=2),
            name="ＰＬＡＹＥＲ☆",
            rating=14000 + 100 * n,
        )
    return player
