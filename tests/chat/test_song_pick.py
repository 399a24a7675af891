"""The numbered song list (/chart, /line, /history) while it waits for the asker's number:
a command is a command, chat passes by, and songs of one title are told apart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from .helpers import (
    TINY_PNG,
    USER,
    fake_renderers,
    group_message,
    small_catalogue,
    use_small_catalogue,
)

LINK_CHOICES = "找到多首，请回复序号：\n1. Link（id131）\n2. Link(CoF)（id383）"
T0 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:
    """/chart's renderer calls (/recent's: ``recent_rendered``), on the small catalogue."""
    from plugins.maimai_archive.chat import chart

    use_small_catalogue(monkeypatch)
    return fake_renderers(monkeypatch, chart)


@pytest.fixture
def recent_rendered(monkeypatch, rendered) -> list[tuple]:
    from plugins.maimai_archive.chat import record_images

    return fake_renderers(monkeypatch, record_images)


async def _one_play() -> None:
    from plugins.maimai_archive.core.db.models import Play, Player

    player = await Player.create(qq=str(USER), name="玩家", rating=14000)
    await Play.create(
        player=player,
        played_unix=int(T0.timestamp()),
        played_at=T0,
        idx=f"0,{int(T0.timestamp())}",
        track=1,
        title="Link",
        type="SD",
        difficulty="master",
        level="12",
        achievement=980_000,
        dx_score=1600,
        rank="sp",
        chart_key="131:master",
        song_id=131,
    )


@pytest.mark.parametrize("command", ["/recent 1", "最近 1"])
async def test_a_command_ends_the_list_quietly_and_runs(
    app: App, db, rendered, recent_rendered, command: str
) -> None:
    """QA: "/chart link", then "/recent 1" answered 已取消。 and /recent never ran."""
    from plugins.maimai_archive.chat.chart import chart_cmd
    from plugins.maimai_archive.chat.record_images import recent_cmd

    await _one_play()
    async with app.test_matcher([chart_cmd, recent_cmd]) as ctx:
        bot = ctx.create_bot()
        ask = group_message("/chart lin")
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, LINK_CHOICES, result=None)
        ctx.should_rejected(chart_cmd)
        other = group_message(command)
        ctx.receive_event(bot, other)
        ctx.should_finished(chart_cmd)  # the list, quietly
        ctx.should_call_send(other, Message([MessageSegment.image(TINY_PNG)] * 2), result=None)
        ctx.should_finished(recent_cmd)
        late = group_message("2")  # the list is gone: a number is chat again
        ctx.receive_event(bot, late)
    assert rendered == [] and [call[0].__name__ for call in recent_rendered] == ["recent_pages"]


async def test_an_unknown_slash_command_ends_the_list_too(app: App, db, rendered) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        ask = group_message("/chart lin")
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, LINK_CHOICES, result=None)
        ctx.should_rejected(chart_cmd)
        ctx.receive_event(bot, group_message("／recent 1"))  # a full-width slash
        ctx.should_finished(chart_cmd)
        ctx.receive_event(bot, group_message("2"))
    assert rendered == []


async def test_chat_passes_by_and_the_list_still_takes_a_number(app: App, db, rendered) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        ask = group_message("/chart lin")
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, LINK_CHOICES, result=None)
        ctx.should_rejected(chart_cmd)
        ctx.receive_event(bot, group_message("哈哈 两首都好听"))
        ctx.should_not_pass_permission(chart_cmd)  # not eaten: other matchers see it
        wrong = group_message("3")
        ctx.receive_event(bot, wrong)
        ctx.should_call_send(wrong, "请回复 1–2 的序号，或发送「取消」。", result=None)
        ctx.should_rejected(chart_cmd)
        pick = group_message("２")
        ctx.receive_event(bot, pick)
        ctx.should_call_send(pick, MessageSegment.image(TINY_PNG), result=None)
        ctx.should_finished(chart_cmd)
    assert [s.id for s in rendered[0][1].songs] == [383]


async def test_another_members_number_is_not_the_askers_pick(app: App, db, rendered) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        ask = group_message("/chart lin")
        ctx.receive_event(bot, ask)
        ctx.should_call_send(ask, LINK_CHOICES, result=None)
        ctx.should_rejected(chart_cmd)
        ctx.receive_event(bot, group_message("1", user_id=USER + 1))
        ctx.should_not_pass_permission(chart_cmd)
    assert rendered == []


@pytest.mark.parametrize(
    ("changes", "lines"),
    [
        (
            {383: {"title": "Link", "artist": "Circle of friends"}},
            ["1. Link · Synthetic Artist（id131）", "2. Link · Circle of friends（id383）"],
        ),
        (
            {383: {"title": "Link", "from": "maimai ORANGE"}},
            ["1. Link · maimai でらっくす（id131）", "2. Link · maimai ORANGE（id383）"],
        ),
    ],
    ids=["artist", "version"],
)
def test_songs_of_one_title_are_told_apart(changes, lines) -> None:
    from plugins.maimai_archive.chat.song_pick import choice_text
    from plugins.maimai_archive.core import decide

    catalogue = small_catalogue(changes)
    decision = decide(catalogue.search("link"))
    assert choice_text(decision.groups).splitlines()[1:] == lines


def test_sets_of_one_title_and_artist_are_told_apart_by_type() -> None:
    from plugins.maimai_archive.chat.song_pick import choice_text
    from plugins.maimai_archive.core import decide

    # "ベータ・ステップ！" is DX only (11500); 131 renamed to it is an SD song of another base id
    catalogue = small_catalogue(
        {131: {"title": "ベータ・ステップ！", "from": "maimai でらっくす PRiSM PLUS"}}
    )
    decision = decide(catalogue.search("ベータ・ステップ！"))
    lines = choice_text(decision.groups).splitlines()[1:]
    assert lines == ["1. ベータ・ステップ！ · SD（id131）", "2. ベータ・ステップ！ · DX（id11500）"]
