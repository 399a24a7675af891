"""One identity per chart: a chart the song data does not know (yet) is archived under one key
on its plays, bests and best changes, every view answers over it, and when the song data
learns it every row moves to the resolved key together.

The world lags like the real one: the real record page, and the real song data with the ten
longest-titled songs of that page taken out (new songs reach the cabinets before the song
data; some never reach it).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from plugins.maimai_archive.core.archiving.resolve import resolve_pending
from plugins.maimai_archive.core.db.models import Best, BestChange, Play, TrackerLink
from plugins.maimai_archive.core.pages import normalize_title, parse_profile, parse_record
from plugins.maimai_archive.core.parsed import ParsedPlay, ParsedProfile, ParsedScore
from plugins.maimai_archive.core.queries import charts as chart_queries
from plugins.maimai_archive.core.queries import plays as queries
from plugins.maimai_archive.core.queries.plays import QueryContext
from plugins.maimai_archive.core.songs import Catalogue
from plugins.maimai_archive.core.songs.data import (
    UNRESOLVED_PREFIX,
    music_data_records,
    songs_from_records,
)
from tests.core.test_pages_support import real_page
from tests.core.test_sync import HOME, RECORD, SONGDB, Harness, SavedPages

MISSING = 10


@pytest.fixture(scope="module")
def real_plays() -> list[ParsedPlay]:
    return parse_record(real_page(RECORD))


@pytest.fixture(scope="module")
def real_profile() -> ParsedProfile:
    return parse_profile(real_page(HOME))


@pytest.fixture(scope="module")
def music_data() -> list[dict]:
    if not SONGDB.is_file():
        pytest.skip(f"song data not available: {SONGDB} is absent")
    return music_data_records(json.loads(SONGDB.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def longest(real_plays: list[ParsedPlay]) -> set[str]:
    """The page's ten longest titles (normalised), the songs the song data lags on."""
    titles = sorted({p.title for p in real_plays}, key=len, reverse=True)
    return {normalize_title(t) for t in titles[:MISSING]}


def catalogue_without(music_data: list[dict], titles: set[str]) -> Catalogue:
    kept = [r for r in music_data if normalize_title(str(r["title"])) not in titles]
    assert len(kept) < len(music_data)
    return Catalogue.from_music_data(kept)


def learn(catalogue: Catalogue, music_data: list[dict]) -> None:
    """The song data catches up (a refresh with the full data)."""
    catalogue.replace(songs_from_records(music_data_records(music_data)), {})


def scores_of(plays: list[ParsedPlay]) -> dict[int, list[ParsedScore]]:
    """Score lists holding each played chart's best (as the site shows them)."""
    by_diff: dict[int, dict[tuple, ParsedScore]] = {}
    for p in plays:
        diff = 10 if p.difficulty.value == "utage" else p.difficulty.index
        key = (p.title, p.type, p.difficulty)
        held = by_diff.setdefault(diff, {}).get(key)
        if held is None or (held.achievement or 0) < p.achievement:
            by_diff[diff][key] = ParsedScore(
                title=p.title, type=p.type, difficulty=p.difficulty, level=p.level or "?",
                achievement=p.achievement, dx_score=p.dx_score, dx_score_max=p.dx_score_max,
                dx_stars=p.dx_stars, rank=p.rank, fc=p.fc, fs=p.fs,
            )  # fmt: skip
    return {d: list(v.values()) for d, v in by_diff.items()}


async def keys_per_chart(player) -> dict[tuple[str, str, str], set[str]]:
    """(title, type, difficulty) → every key any row of that chart carries."""
    out: dict[tuple[str, str, str], set[str]] = {}
    for model in (Play, Best, BestChange):
        for title, type_, diff, key in await model.filter(player=player).values_list(
            "title", "type", "difficulty", "chart_key"
        ):
            out.setdefault((title, type_, diff), set()).add(key)
    return out


@pytest.fixture
def lagging(db, tmp_path, music_data, longest) -> tuple[Harness, Catalogue]:
    catalogue = catalogue_without(music_data, longest)
    return Harness(tmp_path, catalogue), catalogue


async def test_unknown_long_titles_share_one_key_and_every_view_answers(
    lagging, real_plays, real_profile, longest
) -> None:
    harness, catalogue = lagging
    player = await harness.player()
    older, newer = real_plays[10:], real_plays[:10]
    report = await harness.sync(player, SavedPages(older, real_profile, scores_of(older)))
    assert report.ok and report.unresolved > 0
    # A second sync improves some unknown charts: recorded changes under the unresolved key.
    better = [
        replace(p, achievement=min(1_010_000, p.achievement + 5_000), idx=f"0,{p.played_unix + 7}")
        for p in older
        if normalize_title(p.title) in longest
    ]
    better = [replace(p, played_at=p.played_at + timedelta(seconds=7)) for p in better]
    plays = sorted([*newer, *better, *older], key=lambda p: -p.played_unix)
    report = await harness.sync(player, SavedPages(plays, real_profile, scores_of(plays)))
    assert report.ok

    keys = await keys_per_chart(player)
    unknown = {c: k for c, k in keys.items() if normalize_title(c[0]) in longest}
    assert unknown, "the page has plays of the songs the song data lacks"
    assert all(len(k) == 1 for k in keys.values()), keys  # never two keys for one chart
    assert all(next(iter(k)).startswith(UNRESOLVED_PREFIX) for k in unknown.values())
    assert max(len(next(iter(k))) for k in unknown.values()) > 40  # the long ones

    archive = QueryContext(catalogue)
    assert await queries.recent_view(player, archive, 50) is not None
    assert await queries.records_view(player, archive, 1) is not None
    assert await queries.play_detail_view(player, archive, 1) is not None
    assert await queries.b50_view(player, archive) is not None
    first_day = min(p.played_at for p in plays).date()
    assert await queries.b50_view(player, archive, first_day + timedelta(days=1)) is not None
    diff = await queries.diff_view(player, archive)
    assert diff is not None and diff.entries
    assert {e.chart.title for e in diff.entries} & {p.title for p in better}
    some = await Play.filter(player=player, chart_key__gte=UNRESOLVED_PREFIX).first()
    assert some is not None
    history = await chart_queries.chart_history_view(player, archive, some)
    assert len(history.points) == await Play.filter(player=player, chart_key=some.chart_key).count()


async def test_when_the_song_data_learns_the_songs_every_row_moves_to_the_resolved_key(
    lagging, real_plays, real_profile, music_data, longest
) -> None:
    harness, catalogue = lagging
    player = await harness.player()
    plays = real_plays
    await harness.sync(player, SavedPages(plays, real_profile, scores_of(plays)))
    link = await TrackerLink.create(player=player, service="lxns", token="x", pending=[])
    unresolved = set(
        await Best.filter(player=player, chart_key__gte=UNRESOLVED_PREFIX).values_list(
            "chart_key", flat=True
        )
    )
    assert unresolved
    await TrackerLink.filter(id=link.id).update(pending=sorted(unresolved))

    learn(catalogue, music_data)
    moved = await resolve_pending(catalogue)

    on_unknown = [p for p in plays if normalize_title(p.title) in longest]
    assert moved == len(on_unknown)
    assert await Play.filter(player=player, chart_key__gte=UNRESOLVED_PREFIX).count() == 0
    assert await Best.filter(player=player, chart_key__gte=UNRESOLVED_PREFIX).count() == 0
    keys = await keys_per_chart(player)
    assert all(len(k) == 1 for k in keys.values()), keys
    for play in await Play.filter(player=player):
        assert play.song_id is not None and catalogue.chart(play.chart_key) is not None
    pending = (await TrackerLink.get(id=link.id)).pending
    assert len(pending) == len(unresolved) and not any(k.startswith("?") for k in pending)
    assert await resolve_pending(catalogue) == 0  # nothing left to do


async def test_a_resolved_best_takes_the_better_values_of_the_unresolved_one(
    lagging, real_plays, real_profile, music_data, longest
) -> None:
    harness, catalogue = lagging
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays, real_profile))
    unknown = await Best.filter(player=player, chart_key__gte=UNRESOLVED_PREFIX).first()
    assert unknown is not None
    learn(catalogue, music_data)
    chart = catalogue.resolve(unknown.title, unknown.type, unknown.difficulty, unknown.dx_score_max)
    assert chart is not None
    # A lower best already kept under the resolved key (read while the song data knew it).
    fields = {f: getattr(unknown, f) for f in ("title", "type", "difficulty", "level", "rank")}
    await Best.create(
        player=player, chart_key=chart.key, song_id=chart.song_id, achievement=1,
        dx_score=None, fc=None, fs="fsdp", updated_at=unknown.updated_at, **fields,
    )  # fmt: skip
    await resolve_pending(catalogue)
    (best,) = await Best.filter(player=player, chart_key=chart.key)
    assert best.achievement == unknown.achievement and best.fs == "fsdp"
    assert not await Best.filter(player=player, chart_key=unknown.chart_key).exists()


async def test_a_song_the_song_data_renamed_or_dropped_keeps_the_key_its_plays_have(
    db, tmp_path, real_plays, real_profile, music_data
) -> None:
    catalogue = Catalogue.from_music_data(music_data)
    harness = Harness(tmp_path, catalogue)
    player = await harness.player()
    old = real_plays[5:]
    await harness.sync(player, SavedPages(old, real_profile))
    renamed, dropped = old[0], next(p for p in old if p.title != old[0].title)
    keys = {
        p.title: (await Play.get(player=player, played_unix=p.played_unix)).chart_key
        for p in (renamed, dropped)
    }
    assert not any(k.startswith(UNRESOLVED_PREFIX) for k in keys.values())
    # The song data renames one song and drops the other; the site still shows both.
    changed = []
    for record in music_data:
        title = normalize_title(str(record["title"]))
        if title == normalize_title(dropped.title):
            continue
        if title == normalize_title(renamed.title):
            record = {**record, "title": f"{record['title']} (renamed)"}
            record["basic_info"] = {**record["basic_info"], "title": record["title"]}
        changed.append(record)
    learn(catalogue, changed)
    again = [
        replace(p, idx=f"0,{p.played_unix + 100_000}", played_at=p.played_at + timedelta(days=2))
        for p in (renamed, dropped)
    ]
    report = await harness.sync(player, SavedPages([*again, *old], real_profile))
    assert report.ok and report.new_plays == 2
    for p in again:
        row = await Play.get(player=player, played_unix=p.played_unix)
        assert row.chart_key == keys[p.title]
    assert all(len(k) == 1 for k in (await keys_per_chart(player)).values())
    archive = QueryContext(catalogue)
    assert await queries.recent_view(player, archive, 50) is not None
    assert await queries.b50_view(player, archive) is not None
