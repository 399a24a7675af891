"""/random (随个) and /fortune (今日舞萌) turn by turn, on the small synthetic catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from nonebot.adapters.onebot.v11 import MessageSegment
from nonebug import App

from .helpers import TINY_PNG, USER, group_message, private_message, record_png, use_small_catalogue

NOW = datetime(2025, 11, 20, 12, tzinfo=UTC)


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch):
    return use_small_catalogue(monkeypatch)


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:
    from plugins.maimai_archive.chat import play_together

    return record_png(monkeypatch, play_together, TINY_PNG)


async def _player_with_bests(*bests: tuple[str, int, str | None]):
    from plugins.maimai_archive.core.db.models import Best, Player

    player = await Player.create(qq=str(USER), name="玩家", rating=12000)
    for key, achievement, fc in bests:
        song_id, difficulty = key.split(":")
        await Best.create(
            player=player,
            chart_key=key,
            song_id=int(song_id),
            title="t",
            type="DX" if int(song_id) >= 10_000 else "SD",
            difficulty=difficulty,
            achievement=achievement,
            fc=fc,
            rank="sss" if achievement >= 1_000_000 else "s",
            updated_at=NOW,
        )
    return player


async def _say(app: App, matcher, event, reply) -> None:
    async with app.test_matcher(matcher) as ctx:
        bot = ctx.create_bot()
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(matcher)


# --- /random ---------------------------------------------------------------------------------


async def test_random_13p_not_sss_as_typed_in_a_group(app: App, db, catalogue, rendered) -> None:
    from plugins.maimai_archive.chat.play_together import random_cmd
    from plugins.maimai_archive.core.render.random_card import random_card_figure

    # 13+ has two charts; the player has SSS'd one of them.
    await _player_with_bests(("11500:master", 1_003_000, "fc"), ("11501:master", 990_000, None))
    for _ in range(8):
        await _say(app, random_cmd, group_message("随个 13+ 未SSS"), MessageSegment.image(TINY_PNG))
    assert {fn for fn, _ in rendered} == {random_card_figure}
    views = [view for _, view in rendered]
    assert {(v.chart.title, v.chart.level, v.chart.difficulty) for v in views} == {
        ("Gamma Ｒｕｓｈ", "13+", "master")
    }
    assert {v.best.achievement for v in views} == {990_000}  # the player's best, on the card
    assert views[0].asked == "13+ · 未SSS" and views[0].player == "玩家"


async def test_random_says_when_nothing_is_left(app: App, db, catalogue, rendered) -> None:
    from plugins.maimai_archive.chat.play_together import random_cmd

    await _player_with_bests(("11500:master", 1_003_000, "fc"), ("11501:master", 1_000_000, "ap"))
    await _say(
        app, random_cmd, group_message("/random 13+ 未sss"), "没有符合「13+ · 未SSS」的谱面。"
    )
    await _say(app, random_cmd, group_message("随个 13+ 未玩"), "没有符合「13+ · 未玩」的谱面。")
    assert rendered == []


async def test_random_raise_picks_a_chart_that_raises_the_rating(
    app: App, db, catalogue, rendered
) -> None:
    from plugins.maimai_archive.chat.play_together import random_cmd

    await _player_with_bests(("11500:master", 1_002_000, None))
    await _say(app, random_cmd, private_message("随个 13+ 推分"), MessageSegment.image(TINY_PNG))
    view = rendered[0][1]
    assert view.chart.level == "13+" and view.gain > 0
    now = view.best.achievement if view.best else 0
    assert view.target > now


async def test_random_without_an_archive(app: App, db, catalogue, rendered) -> None:
    from plugins.maimai_archive.chat.play_together import random_cmd
    from plugins.maimai_archive.chat.registry import NOT_BOUND

    await _say(app, random_cmd, group_message("随个 紫 dx"), MessageSegment.image(TINY_PNG))
    view = rendered[0][1]
    assert (view.chart.difficulty, view.chart.type, view.best, view.player) == (
        "master",
        "DX",
        None,
        None,
    )
    await _say(app, random_cmd, group_message("随个 未FC"), NOT_BOUND)  # filters need an archive


async def test_random_usage_and_song_data_not_loaded(app: App, db, rendered, monkeypatch) -> None:
    from plugins.maimai_archive.chat.play_together import RANDOM_USAGE, random_cmd
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.chat.song_pick import EMPTY_CATALOGUE
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    monkeypatch.setattr(core_app(), "catalogue", Catalogue())
    await _say(app, random_cmd, group_message("随个 13+"), EMPTY_CATALOGUE)
    await _say(app, random_cmd, group_message("随个 什么"), RANDOM_USAGE)
    async with app.test_matcher(random_cmd) as ctx:
        ctx.receive_event(ctx.create_bot(), group_message("随个人吧"))
        ctx.should_not_pass_rule(random_cmd)  # chat, not a command


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13+ 未SSS", ("13+", None, None, "未SSS")),
        ("１３＋ 未ｓｓｓ", ("13+", None, None, "未SSS")),  # full-width as a phone may type it
        ("dx 紫 14 推分", ("14", "DX", "master", "推分")),
        ("", (None, None, None, None)),
        ("13+ 14", None),
        ("16", None),
        ("潘", None),
    ],
)
def test_parse_random_args(text, expected) -> None:
    from plugins.maimai_archive.chat.play_together import parse_random_args

    ask = parse_random_args(text)
    got = (
        None
        if ask is None
        else (
            ask.level,
            ask.type and ask.type.value,
            ask.difficulty and ask.difficulty.value,
            ask.filter and ask.filter.value,
        )
    )
    assert got == expected


# --- /fortune --------------------------------------------------------------------------------


async def test_fortune_answers_the_same_twice_in_a_day(app: App, db, catalogue, rendered) -> None:
    from plugins.maimai_archive.chat.play_together import fortune_cmd
    from plugins.maimai_archive.core.render.fortune_card import fortune_figure

    await _player_with_bests(("11500:master", 998_000, None), ("1:master", 800_000, None))
    await _say(app, fortune_cmd, group_message("今日舞萌"), MessageSegment.image(TINY_PNG))
    await _say(app, fortune_cmd, private_message("/fortune"), MessageSegment.image(TINY_PNG))
    (fn, first), (_, second) = rendered
    assert fn is fortune_figure and first == second
    assert first.name == "玩家" and first.chart is not None
    # From the archive: the chart 0.2% short of SSS.
    assert (first.chart.title, first.reason, first.best) == (
        "ベータ・ステップ！",
        "差 0.2000% 到 SSS",
        998_000,
    )


async def test_fortune_without_an_archive_comes_from_the_catalogue(
    app: App, db, catalogue, rendered
) -> None:
    from plugins.maimai_archive.chat.play_together import fortune_cmd

    await _say(app, fortune_cmd, group_message("今日运势"), MessageSegment.image(TINY_PNG))
    await _say(app, fortune_cmd, group_message("今日运势"), MessageSegment.image(TINY_PNG))
    first, second = (view for _, view in rendered)
    assert first == second and first.name is None and first.best is None
    assert first.chart is not None and first.chart.difficulty in ("expert", "master", "remaster")


async def test_fortune_song_data_not_loaded_and_chat(app: App, db, monkeypatch) -> None:
    from plugins.maimai_archive.chat.play_together import fortune_cmd
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.chat.song_pick import EMPTY_CATALOGUE
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    monkeypatch.setattr(core_app(), "catalogue", Catalogue())
    await _say(app, fortune_cmd, group_message("今日舞萌"), EMPTY_CATALOGUE)
    async with app.test_matcher(fortune_cmd) as ctx:
        ctx.receive_event(ctx.create_bot(), group_message("今日舞萌 好玩"))
        ctx.should_finished(fortune_cmd)  # silent: chat after the command word


async def test_today_still_means_today(app: App, db) -> None:
    """ "今日" is /today's alias: "今日舞萌" must not reach /today."""
    from plugins.maimai_archive.chat.progress import today_cmd

    async with app.test_matcher(today_cmd) as ctx:
        ctx.receive_event(ctx.create_bot(), group_message("今日舞萌"))
        ctx.should_not_pass_rule(today_cmd)
