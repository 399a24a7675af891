"""A big archive's shortcuts keep their answers: the past rebuilt by undoing changes equals
the past rebuilt from every play, the chunked export equals the whole export, and /forget
in batches deletes every row of the player and none of anyone else's.

The archive here is SYNTHETIC: plays on real charts (real song data) folded into bests and
best changes the way the sync folds them."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from plugins.maimai_archive.core.archiving.forget import forget_player
from plugins.maimai_archive.core.db.models import (
    Best,
    BestChange,
    Binding,
    GuessTally,
    Photo,
    Play,
    PlayDetail,
    Player,
    ProfileSnapshot,
    SyncRun,
)
from plugins.maimai_archive.core.game import ChartType, rank_for
from plugins.maimai_archive.core.queries import best_scores as scores
from plugins.maimai_archive.core.queries import export
from plugins.maimai_archive.core.queries import plays as queries
from plugins.maimai_archive.core.queries.export import COLUMNS, export_plays, play_record
from plugins.maimai_archive.core.queries.plays import QueryContext
from tests.core.test_songs_support import real_catalogue

pytestmark = pytest.mark.db

START = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def archive() -> QueryContext:
    return QueryContext(real_catalogue())


async def _archive_of(qq: str, archive: QueryContext, seed: int, plays: int = 300) -> Player:
    """SYNTHETIC: ``plays`` plays over 60 days on 60 charts, a sync every ~day; the first sync
    reads score lists (bests without changes, some dated after later plays)."""
    rnd = random.Random(seed)
    player = await Player.create(qq=qq, name=f"P{qq}", rating=14000)
    charts = rnd.sample(
        [
            c
            for c in archive.catalogue.charts()
            if c.type is not ChartType.UTAGE and c.constant >= 120
        ],
        60,
    )
    runs = [
        await SyncRun.create(
            player=player,
            started_at=START + timedelta(days=d, hours=20),
            status="ok",
            rating_before=14000 + d,
            rating_after=14001 + d,
            new_plays=5,
        )
        for d in range(61)
    ]
    best: dict[str, Best] = {}
    for chart in charts[:15]:  # the first sync's score lists; some read after plays on them
        at = START + timedelta(hours=rnd.choice([0, 30 * 24]))
        best[chart.key] = await Best.create(
            player=player,
            chart_key=chart.key,
            song_id=chart.song_id,
            title=chart.title,
            type=chart.type.value,
            difficulty=chart.difficulty.value,
            level=chart.level,
            achievement=(a := rnd.randint(950_000, 990_000)),
            dx_score=a // 1000,
            rank="s",
            updated_at=at,
        )
    for i in range(plays):
        at = START + timedelta(minutes=288 * i + rnd.randint(0, 200))
        chart = rnd.choice(charts)
        achievement = rnd.randint(960_000, 1_008_000)
        fc = "fc" if achievement > 1_000_000 else None
        play = await Play.create(
            player=player,
            played_unix=int(at.timestamp()),
            played_at=at,
            idx=f"{i % 50},{int(at.timestamp())}",
            track=1 + i % 4,
            title=chart.title,
            type=chart.type.value,
            difficulty=chart.difficulty.value,
            level=chart.level,
            achievement=achievement,
            dx_score=achievement // 1000,
            dx_score_max=chart.notes.dx_score_max,
            rank=rank_for(achievement).value,
            fc=fc,
            chart_key=chart.key,
            song_id=chart.song_id,
            sync=runs[min(60, (at - START).days)],
            new_record=i % 7 == 0,
        )
        if i % 3:
            await PlayDetail.create(
                play=play,
                judgements={"tap": [i, 1, 0, 0, 0]},
                fast=i,
                late=1,
                rating=14000 + i,
                matching=["友人"] if i % 5 == 0 else [],
            )
        held = best.get(chart.key)
        if held is not None and achievement <= held.achievement:
            continue
        sync = runs[min(60, (at - START).days)]
        await BestChange.create(
            player=player,
            sync=sync,
            chart_key=chart.key,
            song_id=chart.song_id,
            title=chart.title,
            type=chart.type.value,
            difficulty=chart.difficulty.value,
            level=chart.level,
            old_achievement=held.achievement if held else None,
            new_achievement=achievement,
            old_dx_score=held.dx_score if held else None,
            new_dx_score=achievement // 1000,
            old_fc=held.fc if held else None,
            new_fc=fc,
            changed_at=at,
        )
        if held is None:
            best[chart.key] = await Best.create(
                player=player,
                chart_key=chart.key,
                song_id=chart.song_id,
                title=chart.title,
                type=chart.type.value,
                difficulty=chart.difficulty.value,
                level=chart.level,
                achievement=achievement,
                dx_score=achievement // 1000,
                rank="s",
                fc=fc,
                updated_at=at,
            )
        else:
            held.achievement, held.dx_score, held.fc, held.updated_at = (
                achievement,
                achievement // 1000,
                fc,
                at,
            )
            await held.save()
    for run in runs[::3]:
        await ProfileSnapshot.create(
            player=player, sync=run, taken_at=run.started_at, name="P", rating=run.rating_after
        )
    await Photo.create(player=player, url=f"https://example.invalid/{qq}.jpg", title="t")
    await Binding.create(player=player, cookies="sealed")
    return player


async def _scores_rebuilt_from_every_play(player, archive, until, now=None):
    """The method before issue 15, kept as the reference: every play up to ``until``, every
    change up to then, the value each later change replaced, bests unchanged since."""
    out: dict = {}
    for play in await Play.filter(player=player, played_at__lte=until):
        chart = archive.chart(play)
        if chart is not None:
            scores.keep(
                out, scores.score_of(chart, play.achievement, play.fc, play.fs, play.dx_score), play
            )
    first_later: dict = {}
    for change in await BestChange.filter(player=player).order_by("changed_at"):
        chart = archive.chart(change)
        if chart is None:
            continue
        if change.changed_at <= until:
            scores.keep(
                out,
                scores.score_of(
                    chart, change.new_achievement, change.new_fc, change.new_fs, change.new_dx_score
                ),
                change,
            )
        else:
            first_later.setdefault(chart.key, change)
    for key, change in first_later.items():
        if change.old_achievement is not None:
            chart = archive.catalogue.chart(key)
            scores.keep(
                out,
                scores.score_of(
                    chart, change.old_achievement, change.old_fc, change.old_fs, change.old_dx_score
                ),
                change,
            )
    for best in await Best.filter(player=player, updated_at__lte=until):
        chart = archive.chart(best)
        if chart is not None and chart.key not in first_later:
            scores.keep(
                out, scores.score_of(chart, best.achievement, best.fc, best.fs, best.dx_score), best
            )
    return out


def _values(found: dict) -> dict:
    return {k: (s.achievement, s.fc, s.fs, s.dx_score, row.title) for k, (s, row) in found.items()}


async def test_the_past_by_undoing_changes_equals_the_past_from_every_play(
    db, archive, monkeypatch
):
    player = await _archive_of("30001", archive, seed=1)
    for hours in [-1, 0, 5, 24 * 3, 24 * 10 + 7, 24 * 30, 24 * 30 + 1, 24 * 45, 24 * 59, 24 * 70]:
        until = START + timedelta(hours=hours)
        old = await _scores_rebuilt_from_every_play(player, archive, until)
        assert _values(await scores.scores_at(player, archive, until)) == _values(old), until
        now = await scores.current_scores(player, archive)
        assert _values(await scores.scores_at(player, archive, until, now)) == _values(old), until
    assert len(await scores.scores_at(player, archive, START + timedelta(days=30))) >= 20
    # /diff and /diff <date>: the same before and after values, the same B50 moves.
    new_views = [
        await queries.diff_view(player, archive),
        await queries.diff_view(player, archive, (START + timedelta(days=20)).date()),
    ]
    monkeypatch.setattr(queries, "scores_at", _scores_rebuilt_from_every_play)
    old_views = [
        await queries.diff_view(player, archive),
        await queries.diff_view(player, archive, (START + timedelta(days=20)).date()),
    ]
    assert new_views == old_views
    since = new_views[1]
    assert since is not None
    assert any(e.old_achievement is not None for e in since.entries)
    assert any(e.entered_b50 for e in since.entries)


async def _export_from_models(player, fmt):
    """The export before issue 15 (every play and detail as a model), kept as the reference."""
    plays = await Play.filter(player=player).order_by("played_unix")
    details = {d.play_id: d for d in await PlayDetail.filter(play__player=player)}
    records = [play_record(p, details.get(p.id)) for p in plays]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for r in records:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                for k, v in r.items()
            }
        )
    return out.getvalue()


async def test_the_chunked_export_is_the_whole_export(db, archive, monkeypatch):
    player = await _archive_of("30001", archive, seed=2, plays=120)
    await _archive_of("30002", archive, seed=3, plays=30)
    monkeypatch.setattr(export, "CHUNK", 7)  # many chunks, the last one short
    for fmt in ("jsonl", "csv"):
        text = await export_plays(player, fmt)
        assert text == await _export_from_models(player, fmt)
    assert len((await export_plays(player, "jsonl")).splitlines()) == 120
    empty = await Player.create(qq="30003")
    assert await export_plays(empty, "jsonl") == ""
    assert await export_plays(empty, "csv") == await _export_from_models(empty, "csv")


MODELS = (Play, Best, BestChange, ProfileSnapshot, SyncRun, Photo, Binding)


async def _rows_of(player_id: int) -> dict:
    out = {m.__name__: await m.filter(player_id=player_id).count() for m in MODELS}
    out["PlayDetail"] = await PlayDetail.filter(play__player_id=player_id).count()
    return out


async def test_forget_in_batches_deletes_every_row_of_the_player_and_none_of_others(
    db, archive, tmp_path
):
    gone = await _archive_of("30001", archive, seed=4, plays=60)
    kept = await _archive_of("30002", archive, seed=5, plays=60)
    before = await _rows_of(kept.id)
    synced = await Play.filter(player=kept, sync_id__isnull=False).count()
    photos = tmp_path / "photos" / str(gone.id)
    photos.mkdir(parents=True)
    (photos / "a.jpg").write_bytes(b"x")
    had = await _rows_of(gone.id)
    assert all(n > 0 for n in had.values())
    await GuessTally.create(group_id="1", qq=gone.qq, name="gone", wins=2)
    await GuessTally.create(group_id="1", qq=kept.qq, name="kept", wins=1)

    deleted = await forget_player(gone, tmp_path, batch=7)

    assert set((await _rows_of(gone.id)).values()) == {0}
    assert not await Player.exists(id=gone.id) and not photos.exists()
    assert deleted == sum(had.values()) + 2  # the player row and their /guess wins
    assert [t.qq for t in await GuessTally.all()] == [kept.qq]
    assert await _rows_of(kept.id) == before
    assert await Play.filter(player=kept, sync_id__isnull=False).count() == synced
