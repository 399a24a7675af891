"""/chart, /charts and /alias, turn by turn (renderers replaced by a tiny PNG)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageEvent, MessageSegment
from nonebug import App

from .helpers import USER, group_message, private_message

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "tests" / "fixtures" / "synthetic" / "music_data_small.json"
PNG = b"\x89PNG\r\n\x1a\nfake"
SUPERUSER = 10000


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch):
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    data = json.loads(SMALL.read_text(encoding="utf-8"))
    data.pop("_comment")
    current = Catalogue.from_music_data(data, {1: {"阿尔法"}})
    monkeypatch.setattr(core_app(), "catalogue", current)
    return current


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    from plugins.maimai_archive.chat import chart

    calls: list[tuple] = []

    async def fake_png(fn, *args):
        calls.append((fn.__name__, *args))
        return PNG

    async def fake_pages(fn, *args):
        calls.append((fn.__name__, *args))
        return [PNG]

    monkeypatch.setattr(chart, "render_png", fake_png)
    monkeypatch.setattr(chart, "render_pages", fake_pages)
    return calls


def png_reply() -> Message:
    return Message(MessageSegment.image(PNG))


async def test_chart_by_title_sends_one_image_of_both_chart_sets(
    app: App, catalogue, renders, db
) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("/chart alpha song")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, MessageSegment.image(PNG), result=None)
        ctx.should_finished(chart_cmd)
    (name, view) = renders[0]
    assert name == "chart_info_figure"
    assert [s.id for s in view.songs] == [1, 10001]
    assert view.aliases == ("阿尔法",) and view.player is None and view.bests == {}


@pytest.mark.parametrize(
    "text", ["/chart 阿尔法", "查歌 id10001", "id 10001", "/chart ａｌｐｈａ　ｓｏｎｇ"]
)
async def test_chart_by_alias_id_and_width(app: App, catalogue, renders, db, text: str) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message(text)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, MessageSegment.image(PNG), result=None)
        ctx.should_finished(chart_cmd)
    assert 10001 in [s.id for s in renders[0][1].songs]


async def test_chart_with_the_askers_best_and_history(app: App, catalogue, renders, db) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd
    from plugins.maimai_archive.core.db.models import Best, Play, Player

    player = await Player.create(qq=str(USER), name="ＴＥＳＴ", rating=12345)
    now = datetime(2025, 11, 20, 12, tzinfo=UTC)
    await Best.create(
        player=player,
        chart_key="10001:master",
        song_id=10001,
        title="Alpha Song",
        type="DX",
        difficulty="master",
        achievement=1_003_000,
        rank="sss",
        fc="fc",
        updated_at=now,
    )
    for i, ach in enumerate((990_000, 1_003_000)):
        await Play.create(
            player=player,
            played_unix=1_700_000_000 + i,
            played_at=now,
            idx=f"{i},1",
            track=1,
            title="Alpha Song",
            type="DX",
            difficulty="master",
            achievement=ach,
            dx_score=0,
            rank="ss",
            chart_key="10001:master",
            song_id=10001,
        )
    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("/chart alpha song")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, MessageSegment.image(PNG), result=None)
        ctx.should_finished(chart_cmd)
    view = renders[0][1]
    assert view.player.name == "ＴＥＳＴ" and view.player.rating == 12345
    best = view.bests["10001:master"]
    assert best.achievement == 1_003_000 and best.fc == "fc"
    assert [a for _, a in best.history] == [990_000, 1_003_000]


async def test_chart_at_a_member_shows_their_scores_only_when_public(
    app: App, catalogue, renders, db
) -> None:
    from nonebot.adapters.onebot.v11 import Message

    from plugins.maimai_archive.chat.chart import chart_cmd
    from plugins.maimai_archive.chat.request import NOT_SHOWN
    from plugins.maimai_archive.core.db.models import Best, Player

    friend = await Player.create(qq="20002", name="ＦＲＩＥＮＤ", rating=15000)
    await Best.create(
        player=friend, chart_key="10001:master", song_id=10001, title="Alpha Song", type="DX",
        difficulty="master", achievement=1_005_000, rank="sssp",
        updated_at=datetime(2025, 11, 20, tzinfo=UTC),
    )  # fmt: skip
    ask = Message("/chart alpha song ") + MessageSegment.at(20002)
    async with app.test_matcher(chart_cmd) as ctx:  # private archive: nothing of theirs
        bot = ctx.create_bot()
        event = group_message(ask)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, NOT_SHOWN, result=None)
        ctx.should_finished(chart_cmd)
    await Player.filter(id=friend.id).update(public=True)
    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message(ask)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, MessageSegment.image(PNG), result=None)
        ctx.should_finished(chart_cmd)
    view = renders[0][1]
    assert view.player.name == "ＦＲＩＥＮＤ"
    assert view.bests["10001:master"].achievement == 1_005_000


async def test_nothing_found_says_so_and_suggests(app: App, catalogue, renders, db) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("/chart qqqqqqqq")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "没有找到「qqqqqqqq」。", result=None)
        ctx.should_finished(chart_cmd)
    assert renders == []


async def test_several_matches_ask_for_a_number(app: App, catalogue, renders, db) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("/chart lin")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, "找到多首，请回复序号：\n1. Link（id131）\n2. Link(CoF)（id383）", result=None
        )
        ctx.should_rejected(chart_cmd)
        pick = group_message("2")
        ctx.receive_event(bot, pick)
        ctx.should_call_send(pick, MessageSegment.image(PNG), result=None)
        ctx.should_finished(chart_cmd)
    assert [s.id for s in renders[0][1].songs] == [383]


async def test_id_alias_ignores_words_that_merely_start_with_id(
    app: App, catalogue, renders, db
) -> None:
    from plugins.maimai_archive.chat.chart import chart_cmd

    async with app.test_matcher(chart_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("idol is great")
        ctx.receive_event(bot, event)
        ctx.should_not_pass_rule(chart_cmd)  # a command needs whitespace after its name
    assert renders == []


async def test_charts_by_level_with_filters(app: App, catalogue, renders, db) -> None:
    from plugins.maimai_archive.chat.chart import charts_cmd

    async with app.test_matcher(charts_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("定数表 13+ dx master")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, png_reply(), result=None)
        ctx.should_finished(charts_cmd)
    name, view = renders[0]
    assert name == "chart_list_figures" and view.level == "13+"
    assert {c.key for c in view.charts} == {"11500:master", "11501:master"}
    assert view.filters == "DX · MASTER"


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/charts", "用法：/charts <等级> [dx|sd] [难度]，例如 /charts 13+、/charts 14 master"),
        ("/charts 15", "曲库里没有 15 的谱面。"),
        ("/charts 13+ sd", "曲库里没有 13+ · SD 的谱面。"),  # the filter is named: 13+ DX exist
        (
            "/charts 13+ 未SSS",
            "用法：/charts <等级> [dx|sd] [难度]，例如 /charts 13+、/charts 14 master",
        ),
    ],
)
async def test_charts_usage_and_empty_level(
    app: App, catalogue, renders, db, text: str, reply: str
) -> None:
    from plugins.maimai_archive.chat.chart import charts_cmd

    async with app.test_matcher(charts_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message(text)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(charts_cmd)


def test_parse_charts_args() -> None:
    from plugins.maimai_archive.chat.chart import parse_charts_args
    from plugins.maimai_archive.core.game import ChartType, Difficulty

    assert parse_charts_args("13+") == ("13+", None, None)
    assert parse_charts_args("14 紫 sd") == ("14", ChartType.SD, Difficulty.MASTER)
    assert parse_charts_args("re:master 12+") == ("12+", None, Difficulty.REMASTER)
    assert parse_charts_args("dx") is None
    assert parse_charts_args("13++") is None
    assert parse_charts_args("１３＋ ＤＸ") == ("13+", ChartType.DX, None)  # full-width, as /random


async def test_alias_proposal_then_superuser_approval(app: App, catalogue, renders, db) -> None:
    from plugins.maimai_archive.chat.chart import alias_cmd
    from plugins.maimai_archive.core.songs.tables import Alias

    # ids keep counting across tests (sequences are not reset): learn the next one
    probe = await Alias.create(song_id=0, alias="probe")
    await probe.delete()
    n = probe.id + 1
    async with app.test_matcher(alias_cmd) as ctx:
        bot = ctx.create_bot()
        event: MessageEvent = group_message("/alias add 伽马 gamma rush")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, f"已提交别名「伽马」→ Gamma Ｒｕｓｈ，等待管理员审核（编号 {n}）。", result=None
        )
        ctx.should_finished(alias_cmd)
    assert all(m.matched != "伽马" for m in catalogue.search("伽马"))
    async with app.test_matcher(alias_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message(f"/alias approve {n}")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "只有管理员可以审核别名。", result=None)
        ctx.should_finished(alias_cmd)
    async with app.test_matcher(alias_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message("/alias pending", user_id=SUPERUSER)
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, f"待审核别名：\n{n}. 「伽马」→ Gamma Ｒｕｓｈ（提交者 {USER}）", result=None
        )
        ctx.should_finished(alias_cmd)
        event = private_message(f"/alias approve {n}", user_id=SUPERUSER)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "已通过别名「伽马」。", result=None)
        ctx.should_finished(alias_cmd)
    assert catalogue.search("伽马")[0].song.id == 11501


async def test_superuser_alias_applies_at_once(app: App, catalogue, renders, db) -> None:
    from plugins.maimai_archive.chat.chart import alias_cmd

    async with app.test_matcher(alias_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("/alias add 贝塔 ベータ・ステップ！", user_id=SUPERUSER)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "已添加别名「贝塔」→ ベータ・ステップ！", result=None)
        ctx.should_finished(alias_cmd)
    assert catalogue.search("贝塔")[0].song.id == 11500
