"""/guess (猜歌) in a group: the first clue, silent wrong answers, the winner named and
tallied, /guess end revealing the song, the timer's clues (tiny intervals, no real 15 s),
and answers never swallowing other commands."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from .helpers import (
    GROUP,
    TINY_PNG,
    group_message,
    onebot,
    private_message,
    record_png,
)

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "synthetic" / "music_data_small.json"
TITLE = "ベータ・ステップ！"  # the only song with a cached jacket below


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch):
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    data = json.loads(SMALL.read_text(encoding="utf-8"))
    data.pop("_comment")
    current = Catalogue.from_music_data(data, {1500: {"贝塔"}})
    monkeypatch.setattr(core_app(), "catalogue", current)
    return current


@pytest.fixture
def jackets():
    """One cached jacket (song 11500) in the bot's cover folder, removed after."""
    from plugins.maimai_archive.chat.registry import app as core_app

    folder = core_app().covers.directory
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "11500.png").write_bytes(TINY_PNG)
    yield folder
    for path in folder.glob("*.png"):
        path.unlink()


@pytest.fixture
async def rooms(monkeypatch):
    """Fresh games whose timer does not fire during a test; closed after."""
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.core.games.guess_game import GuessRooms

    fresh = GuessRooms(clue_every=600, length=3000)
    monkeypatch.setattr(core_app(), "guesses", fresh)
    yield fresh
    await fresh.close()


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:
    from plugins.maimai_archive.chat import guess

    return record_png(monkeypatch, guess, TINY_PNG)


async def _say(app: App, matcher, event, reply) -> None:
    async with app.test_matcher(matcher) as ctx:
        bot = onebot(ctx)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(matcher)


def _reveal(words: str) -> Message:
    return Message([MessageSegment.text(f"{words}「{TITLE}」"), MessageSegment.image(TINY_PNG)])


async def test_a_game_shows_a_clue_survives_a_wrong_answer_and_end_reveals_the_song(
    app: App, db, catalogue, jackets, rooms, rendered
) -> None:
    from plugins.maimai_archive.chat.guess import answer_matcher, guess_cmd
    from plugins.maimai_archive.core.render.guess_clue import guess_clue_figure

    await _say(app, guess_cmd, group_message("猜歌"), MessageSegment.image(TINY_PNG))
    fn, clue = rendered[0]
    assert fn is guess_clue_figure and clue.number == 1 and clue.hints == ()
    assert clue.jacket.name == "11500.png" and clue.box[2] < 1
    assert str(GROUP) in rooms

    async with app.test_matcher(answer_matcher) as ctx:
        ctx.receive_event(onebot(ctx), group_message("Alpha Song"))
        ctx.should_pass_rule(answer_matcher)  # checked, and nothing is said
    assert str(GROUP) in rooms  # a wrong answer does not end it

    await _say(
        app,
        guess_cmd,
        group_message("/guess"),
        "本群正在猜歌，直接发送曲名作答吧（/guess end 揭晓）。",
    )
    await _say(app, guess_cmd, group_message("/guess end"), _reveal("答案是"))
    assert str(GROUP) not in rooms
    reveal = rendered[-1][1]
    assert (reveal.title, reveal.box) == (TITLE, (0.0, 0.0, 1.0))
    await _say(app, guess_cmd, group_message("猜歌 结束"), "本群没有进行中的猜歌。")


async def test_the_first_right_answer_wins_and_is_tallied(
    app: App, db, catalogue, jackets, rooms, rendered
) -> None:
    from plugins.maimai_archive.chat.guess import answer_matcher, guess_cmd

    await _say(app, guess_cmd, group_message("/guess"), MessageSegment.image(TINY_PNG))
    winner = group_message("贝塔", user_id=20002)  # an alias
    await _say(app, answer_matcher, winner, _reveal("player 猜对了（累计猜中 1 次）！答案是"))
    assert str(GROUP) not in rooms
    async with app.test_matcher(answer_matcher) as ctx:  # too late: no game, no check
        ctx.receive_event(onebot(ctx), group_message(TITLE))
        ctx.should_not_pass_rule(answer_matcher)
    await _say(app, guess_cmd, group_message("/guess"), MessageSegment.image(TINY_PNG))
    await _say(
        app,
        answer_matcher,
        group_message("11500", user_id=20002),
        _reveal("player 猜对了（累计猜中 2 次）！答案是"),
    )
    await _say(app, guess_cmd, group_message("/guess"), MessageSegment.image(TINY_PNG))
    await _say(
        app, answer_matcher, group_message(TITLE), _reveal("player 猜对了（累计猜中 1 次）！答案是")
    )
    await _say(
        app,
        guess_cmd,
        group_message("猜歌 排行"),
        "本群猜歌排行：\n1. player  2 次\n2. player  1 次",
    )
    # Another group's tally is its own.
    await _say(
        app,
        guess_cmd,
        group_message("/guess rank", group_id=30002),
        "本群还没有人猜中过：发送 /guess 开一局吧。",
    )


async def test_answers_do_not_swallow_commands(
    app: App, db, catalogue, jackets, rooms, rendered
) -> None:
    from plugins.maimai_archive.chat.guess import answer_matcher, guess_cmd
    from plugins.maimai_archive.chat.registry import NOT_BOUND
    from plugins.maimai_archive.chat.score_tools import raise_cmd

    await _say(app, guess_cmd, group_message("/guess"), MessageSegment.image(TINY_PNG))
    async with app.test_matcher([answer_matcher, raise_cmd]) as ctx:
        event = group_message("/raise")
        ctx.receive_event(onebot(ctx), event)
        ctx.should_pass_rule(answer_matcher)
        ctx.should_pass_rule(raise_cmd)
        ctx.should_call_send(event, NOT_BOUND, result=None)  # /raise answered as ever
    assert str(GROUP) in rooms


async def test_outside_a_game_the_answer_rule_is_false(app: App, rooms) -> None:
    from plugins.maimai_archive.chat.guess import answer_matcher

    async with app.test_matcher(answer_matcher) as ctx:
        ctx.receive_event(onebot(ctx), group_message("ベータ・ステップ！"))
        ctx.should_not_pass_rule(answer_matcher)
    async with app.test_matcher(answer_matcher) as ctx:
        ctx.receive_event(onebot(ctx), private_message("ベータ・ステップ！"))
        ctx.should_not_pass_rule(answer_matcher)


async def test_the_timer_sends_clues_then_reveals(
    app: App, db, catalogue, jackets, rendered, monkeypatch
) -> None:
    from plugins.maimai_archive.chat import guess
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.core.games.guess_game import GuessRooms

    fast = GuessRooms(clue_every=0.01, length=0.035)  # clues at 10, 20, 30 ms; the end at 35
    monkeypatch.setattr(core_app(), "guesses", fast)
    posted: list[tuple[int, Message]] = []

    async def post(bot, group_id, message):
        posted.append((group_id, message))

    monkeypatch.setattr(guess, "_post", post)
    await _say(app, guess.guess_cmd, group_message("/guess"), MessageSegment.image(TINY_PNG))
    game = fast.game(str(GROUP))
    assert game is not None and game.task is not None
    await asyncio.wait_for(game.task, 5)
    assert [g for g, _ in posted] == [GROUP] * 4
    assert [m for _, m in posted[:3]] == [Message(MessageSegment.image(TINY_PNG))] * 3
    assert posted[3][1] == _reveal("时间到！答案是")
    clues = [view for _, view in rendered[1:4]]
    assert [c.number for c in clues] == [2, 3, 4] and clues[1].hints  # level and artist by then
    assert str(GROUP) not in fast


async def test_guess_refusals(app: App, db, catalogue, rooms, rendered, monkeypatch) -> None:
    from plugins.maimai_archive.chat.guess import GROUP_ONLY, GUESS_USAGE, NO_JACKETS, guess_cmd
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.chat.song_pick import EMPTY_CATALOGUE
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    await _say(app, guess_cmd, private_message("/guess"), GROUP_ONLY)
    await _say(app, guess_cmd, group_message("/guess"), NO_JACKETS)  # no cached jacket
    await _say(app, guess_cmd, group_message("/guess 什么"), GUESS_USAGE)
    monkeypatch.setattr(core_app(), "catalogue", Catalogue())
    await _say(app, guess_cmd, group_message("猜歌"), EMPTY_CATALOGUE)
    assert rendered == [] and str(GROUP) not in rooms


async def test_help_lists_the_games(app: App) -> None:
    from plugins.maimai_archive.chat.help import help_text

    text = help_text()
    assert "【一起玩】" in text
    for usage in ("/random [等级]", "/fortune", "/guess [end|rank]"):
        assert usage in text
