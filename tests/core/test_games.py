"""The games' core: /random's filters, /fortune's daily seed and chart, /guess's clues,
answers and timer (a fake sleep: no real 15 s waits)."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from plugins.maimai_archive.core.game import FC, ChartType, Difficulty
from plugins.maimai_archive.core.games import fortune
from plugins.maimai_archive.core.games import guess_game as guess
from plugins.maimai_archive.core.games.random_chart import (
    ChartFilter,
    RandomAsk,
    candidates,
    pick,
)
from plugins.maimai_archive.core.rating import Score
from plugins.maimai_archive.core.songs.catalogue import Catalogue

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic" / "music_data_small.json"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    data.pop("_comment")
    return Catalogue.from_music_data(data, {1: {"阿尔法"}, 1500: {"贝塔"}})  # aliases by base id


def _score(catalogue: Catalogue, key: str, achievement: int, fc: FC | None = None) -> Score:
    chart = catalogue.chart(key)
    assert chart is not None
    return Score(chart, achievement, fc)


# --- /random ---------------------------------------------------------------------------------


def test_candidates_narrow_by_level_type_and_difficulty_and_leave_utage_out(catalogue) -> None:
    thirteen_plus = candidates(catalogue, RandomAsk(level="13+"))
    assert sorted(c.key for c in thirteen_plus) == ["11500:master", "11501:master"]
    assert [c.key for c in candidates(catalogue, RandomAsk(level="12+", type=ChartType.SD))] == [
        "1:master",
        "131:expert",
    ]
    masters = candidates(catalogue, RandomAsk(difficulty=Difficulty.MASTER))
    assert masters and all(c.difficulty is Difficulty.MASTER for c in masters)
    assert all(c.type is not ChartType.UTAGE for c in candidates(catalogue, RandomAsk()))


def test_not_sss_never_picks_a_chart_the_player_has_sssd(catalogue) -> None:
    charts = candidates(catalogue, RandomAsk(level="13+"))
    bests = {"11500:master": _score(catalogue, "11500:master", 1_000_000)}
    picked = {
        pick(charts, bests, ChartFilter.NOT_SSS, random.Random(seed)).chart.key  # type: ignore[union-attr]
        for seed in range(40)
    }
    assert picked == {"11501:master"}
    # Below SSS it is a candidate again, with the player's best on the card.
    bests = {"11500:master": _score(catalogue, "11500:master", 999_999)}
    both = [pick(charts, bests, ChartFilter.NOT_SSS, random.Random(s)) for s in range(40)]
    assert {p.chart.key for p in both if p} == {"11500:master", "11501:master"}
    assert all(p and (p.best is not None) == (p.chart.key == "11500:master") for p in both)


def test_unplayed_and_not_fc_filters(catalogue) -> None:
    charts = candidates(catalogue, RandomAsk(level="13+"))
    played = {"11500:master": _score(catalogue, "11500:master", 900_000, FC.FC)}
    for seed in range(20):
        rng = random.Random(seed)
        assert pick(charts, played, ChartFilter.UNPLAYED, rng).chart.key == "11501:master"  # type: ignore[union-attr]
        assert pick(charts, played, ChartFilter.NOT_FC, rng).chart.key == "11501:master"  # type: ignore[union-attr]
    every = {c.key: Score(c, 1_005_000, FC.AP) for c in charts}
    assert pick(charts, every, ChartFilter.UNPLAYED, random.Random(1)) is None
    assert pick(charts, every, ChartFilter.NOT_SSS, random.Random(1)) is None
    assert pick(charts, every, ChartFilter.NOT_FC, random.Random(1)) is None


def test_raise_filter_picks_a_chart_whose_next_step_raises_the_rating(catalogue) -> None:
    charts = candidates(catalogue, RandomAsk(level="13+"))
    bests = {"11500:master": _score(catalogue, "11500:master", 1_002_000)}
    seen = set()
    for seed in range(30):
        chosen = pick(charts, bests, ChartFilter.RAISE, random.Random(seed))
        assert chosen is not None and chosen.step is not None and chosen.step.gain > 0
        assert chosen.chart.level == "13+"
        seen.add(chosen.chart.key)
        if chosen.chart.key == "11500:master":
            assert chosen.step.target == 1_005_000 and chosen.best is not None
    assert seen == {"11500:master", "11501:master"}  # the unplayed one counts too
    # Every chart at SSS+: nothing raises the rating.
    maxed = {c.key: Score(c, 1_005_000) for c in charts}
    assert pick(charts, maxed, ChartFilter.RAISE, random.Random(1)) is None


def test_ask_label() -> None:
    ask = RandomAsk("13+", ChartType.DX, Difficulty.MASTER, ChartFilter.NOT_SSS)
    assert ask.label == "13+ · DX · MASTER · 未SSS"
    assert RandomAsk().label == ""


# --- /fortune --------------------------------------------------------------------------------


def test_fortune_is_the_same_all_day_and_changes_with_the_day(catalogue) -> None:
    day = date(2025, 11, 20)
    first = fortune.tell_fortune("12345", day, {}, catalogue)
    assert fortune.tell_fortune("12345", day, {}, catalogue) == first
    assert len(first.good) == len(first.bad) == 2
    assert not {w for w, _ in first.good} & {w for w, _ in first.bad}
    assert first.chart is not None and first.chart.type is not ChartType.UTAGE
    others = [fortune.tell_fortune("12345", date(2025, 11, d), {}, catalogue) for d in range(1, 15)]
    assert len({(f.luck, f.good, f.bad, f.chart) for f in others}) > 5
    assert fortune.tell_fortune("54321", day, {}, catalogue) != first


def test_the_day_is_shanghais() -> None:
    assert fortune.today(datetime(2025, 11, 20, 15, 59, tzinfo=UTC)) == date(2025, 11, 20)
    assert fortune.today(datetime(2025, 11, 20, 16, 0, tzinfo=UTC)) == date(2025, 11, 21)
    assert fortune.seed_of("1", date(2025, 11, 20)) == fortune.seed_of("1", date(2025, 11, 20))


@pytest.mark.parametrize(
    ("achievement", "fc", "expected"),
    [
        (996_000, FC.FC, "差 0.4000% 到 SSS"),
        (1_001_000, FC.FC, "差 0.4000% 到 SSS+"),
        (990_000, None, "差 0.5000% 到 SS+"),  # 0.5% short still counts as close
        (984_999, None, None),  # 0.5001% short of SS does not
        (1_005_000, None, "离 FC 只差一口气"),
        (1_005_000, FC.FCP, "SSS+ 已到手，试试 AP"),
        (1_005_000, FC.AP, None),
    ],
)
def test_near_goal(catalogue, achievement, fc, expected) -> None:
    score = _score(catalogue, "11500:master", achievement, fc)
    assert fortune.near_goal(score) == expected


def test_fortune_recommends_the_players_chart_near_a_goal_and_keeps_it(catalogue) -> None:
    day = date(2025, 11, 20)
    near = {
        "11500:master": _score(catalogue, "11500:master", 998_000),
        "10001:master": _score(catalogue, "10001:master", 1_003_000, FC.FC),
    }
    told = fortune.tell_fortune("777", day, near, catalogue)
    assert told.chart is not None and told.chart.key in near
    assert told.best == near[told.chart.key] and told.reason.startswith("差")
    # A far-off best joins the archive later that day: the chart stays.
    later = dict(near, **{"1:master": _score(catalogue, "1:master", 800_000)})
    assert fortune.tell_fortune("777", day, later, catalogue).chart == told.chart
    # Nothing near a goal: an unplayed chart about as hard as the B50.
    far = {"1:master": _score(catalogue, "1:master", 800_000)}
    told = fortune.tell_fortune("777", day, far, catalogue)
    assert told.chart is not None and told.chart.key not in far
    assert abs(told.chart.constant - 127) <= 2 and told.reason.startswith("还没打过")


# --- /guess ----------------------------------------------------------------------------------


def _game(catalogue: Catalogue, song_id: int = 11500) -> guess.GuessGame:
    song = catalogue.song(song_id)
    assert song is not None
    return guess.GuessGame("g1", song, Path("/nonexistent.png"), (0.9, 0.1))


def test_clues_widen_inside_the_jacket_then_name_level_and_artist(catalogue) -> None:
    game = _game(catalogue)
    clues = [game.clue(stage, 60 - 15 * stage) for stage in range(4)]
    sides = [c.box[2] for c in clues]
    assert sides == sorted(sides) and sides[0] < sides[-1] < 1
    for clue in clues:
        left, top, side = clue.box
        assert 0 <= left and left + side <= 1 and 0 <= top and top + side <= 1
    assert clues[0].hints == clues[1].hints == ()
    assert clues[2].hints == ("艺术家：Synthetic Artist", "等级：MASTER 13+")
    assert len(clues[3].hints) == 3 and [c.number for c in clues] == [1, 2, 3, 4]
    reveal = game.reveal("时间到！")
    assert reveal.title == "ベータ・ステップ！" and reveal.box == (0.0, 0.0, 1.0)


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("ベータ・ステップ！", True),
        ("べーた・すてっぷ", True),  # hiragana folds like katakana
        ("贝塔", True),  # an alias
        ("11500", True),  # an id
        ("id11500", True),
        ("Alpha Song", False),
        ("哈哈哈哈", False),
        ("/b50", False),
        ("", False),
        ("x" * 100, False),
    ],
)
def test_answers_by_title_alias_or_id(catalogue, text, right) -> None:
    assert guess.is_answer(catalogue, text, catalogue.song(11500)) is right


def test_either_chart_set_answers_a_song(catalogue) -> None:
    alpha_sd = catalogue.song(1)
    assert guess.is_answer(catalogue, "10001", alpha_sd)  # the DX set's id
    assert guess.is_answer(catalogue, "阿尔法", catalogue.song(10001))


def test_only_songs_with_a_cached_jacket_are_asked(catalogue, tmp_path: Path) -> None:
    assert guess.jacketed_songs(catalogue, tmp_path / "absent") == []
    for name in ("00001.png", "11500.png", "100500.png", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    found = {song.id: path.name for song, path in guess.jacketed_songs(catalogue, tmp_path)}
    # Alpha Song's SD and DX sets share the base id's jacket and are one song; no Utage.
    assert found == {1: "00001.png", 11500: "11500.png"}


class FakeClock:
    """``sleep`` that returns at once and remembers how long the game asked to wait."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)


async def _run_until_idle(rooms: guess.GuessRooms, room: str) -> None:
    game = rooms.game(room)
    if game is not None and game.task is not None:
        await asyncio.gather(game.task, return_exceptions=True)


async def test_a_game_shows_a_clue_every_15_s_and_reveals_at_60(catalogue) -> None:
    clock = FakeClock()
    rooms = guess.GuessRooms(sleep=clock.sleep)
    events: list[str] = []

    async def on_clue(game, stage):
        events.append(f"clue {stage} ({rooms.seconds_left(stage)} s left)")

    async def time_up(game):
        events.append(f"time up: {game.song.title}")

    song = catalogue.song(11500)
    game = rooms.start("g1", song, Path("j.png"), random.Random(1), on_clue, time_up)
    assert game is not None and "g1" in rooms
    assert rooms.start("g1", song, Path("j.png"), random.Random(2), on_clue, time_up) is None
    await _run_until_idle(rooms, "g1")
    assert clock.slept == [15.0, 15.0, 15.0, 15.0]
    assert events == [
        "clue 1 (45 s left)",
        "clue 2 (30 s left)",
        "clue 3 (15 s left)",
        "time up: ベータ・ステップ！",
    ]
    assert "g1" not in rooms


async def test_a_failing_send_does_not_stop_the_clock(catalogue) -> None:
    rooms = guess.GuessRooms(sleep=FakeClock().sleep)
    ended = []

    async def broken(game, stage):
        raise ConnectionError("the bot is offline")

    async def time_up(game):
        ended.append(game)

    rooms.start("g1", catalogue.song(1), Path("j.png"), random.Random(1), broken, time_up)
    await _run_until_idle(rooms, "g1")
    assert len(ended) == 1


async def test_end_claim_and_close_cancel_the_timer(catalogue) -> None:
    rooms = guess.GuessRooms(clue_every=0.01, length=0.04)
    said: list[str] = []

    async def on_clue(game, stage):
        said.append(f"clue {stage}")

    async def time_up(game):
        said.append("time up")

    song = catalogue.song(11500)
    game = rooms.start("g1", song, Path("j.png"), random.Random(1), on_clue, time_up)
    assert game is not None
    assert rooms.end("g1") is game and rooms.end("g1") is None
    # A second game: the first right answer claims it, a second one (or a stale one) does not.
    second = rooms.start("g1", song, Path("j.png"), random.Random(1), on_clue, time_up)
    assert second is not None
    assert not rooms.claim("g1", game)  # the ended game's answer
    assert rooms.claim("g1", second) and not rooms.claim("g1", second)
    third = rooms.start("g2", song, Path("j.png"), random.Random(1), on_clue, time_up)
    assert third is not None
    await rooms.close()
    await asyncio.sleep(0.08)
    assert said == [] and "g2" not in rooms
    assert all(g.task is not None and g.task.cancelled() for g in (game, second, third))
