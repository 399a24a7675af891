"""/link, /unlink, /push — turn by turn. Tokens stay out of replies and the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import respx
from nonebot.adapters.onebot.v11 import MessageEvent, MessageSegment
from nonebug import App

from .helpers import GROUP, USER, group_message, onebot, private_message

if TYPE_CHECKING:
    from plugins.maimai_archive.core.trackers.push import TrackerService

TOKEN = "df0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"


def trackers() -> TrackerService:
    """The running app's tracker service (there once the bot started)."""
    from plugins.maimai_archive.chat.registry import app as get_app

    service = get_app().trackers
    assert service is not None
    return service


async def test_link_in_a_group_is_refused_recalled_and_stores_nothing(app: App, db) -> None:
    from plugins.maimai_archive.chat.link import LEAKED, link
    from plugins.maimai_archive.core.db.models import TrackerLink

    async with app.test_matcher(link) as ctx:
        bot = onebot(ctx)
        event = group_message(f"/link 水鱼 {TOKEN}")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": GROUP, "user_id": int(bot.self_id), "no_cache": True},
            result={"role": "owner"},
        )
        ctx.should_call_api("delete_msg", {"message_id": event.message_id}, result=None)
        ctx.should_call_send(
            event, MessageSegment.at(USER) + f" {LEAKED}（已撤回那条消息）", result=None
        )
        ctx.should_finished(link)
    assert await TrackerLink.all().count() == 0


async def test_link_in_private_keeps_the_token_sealed_and_never_echoes_it(app: App, db) -> None:
    from plugins.maimai_archive.chat.link import link
    from plugins.maimai_archive.core.db.models import TrackerLink

    async with app.test_matcher(link) as ctx:
        bot = onebot(ctx)
        event = private_message(f"/关联 水鱼 {TOKEN}")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            "已关联水鱼（…abcd）。以后每次同步提升的成绩会自动上传到水鱼；"
            "发送 /push 水鱼 上传存档里的全部成绩。",
            result=None,
        )
        ctx.should_finished(link)
    row = await TrackerLink.get(player__qq=str(USER))
    assert row.service == "divingfish" and row.status == "ok" and TOKEN not in row.token

    async with app.test_matcher(link) as ctx:
        bot = onebot(ctx)
        event = private_message("/link")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "已关联的查分器：\n水鱼：…abcd（正常）", result=None)
        ctx.should_finished(link)


async def test_link_without_a_token_explains_where_to_get_one(app: App, db) -> None:
    from plugins.maimai_archive.chat.link import USAGE, link

    async with app.test_matcher(link) as ctx:
        bot = onebot(ctx)
        event = private_message("/link 落雪")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, USAGE, result=None)
        ctx.should_finished(link)


async def test_unlink_forgets_the_token(app: App, db) -> None:
    from plugins.maimai_archive.chat.link import unlink
    from plugins.maimai_archive.core.db.models import TrackerLink

    await trackers().link(str(USER), "lxns", TOKEN)
    async with app.test_matcher(unlink) as ctx:
        bot = onebot(ctx)
        event = group_message("/unlink 落雪")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, "已删除保存的 Token，成绩不再自动上传。查分器上已有的成绩不受影响。", result=None
        )
        ctx.should_finished(unlink)
    assert await TrackerLink.all().count() == 0


async def test_push_counts_what_a_service_cannot_take(app: App, db) -> None:
    from plugins.maimai_archive.chat.link import NOT_LINKED, push
    from plugins.maimai_archive.core.db.models import Best, Player

    async with app.test_matcher(push) as ctx:
        bot = onebot(ctx)
        event: MessageEvent = group_message("/push")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, NOT_LINKED, result=None)
        ctx.should_finished(push)

    # The chat tests' catalogue is empty: no best can be named to 水鱼, none is sent (the
    # Utage one neither: 水鱼 keeps Utage bests, but only of songs in its song data).
    await trackers().link(str(USER), "divingfish", TOKEN)
    player = await Player.get(qq=str(USER))
    for type_, diff, title in (
        ("DX", "master", "Re:Unknown X"),
        ("UTAGE", "utage", "[協]疾走あんさんぶる"),
        ("DX", "master", "Retribution ～ Cycle of Redemption ～" + "＊" * 64),
    ):
        await Best.create(
            player=player,
            chart_key=f"?{type_}:{diff}:{title}",
            title=title,
            type=type_,
            difficulty=diff,
            achievement=1_000_000,
            rank="sss",
            updated_at=datetime.now(UTC),
        )
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post("https://www.diving-fish.com/api/maimaidxprober/player/update_records")
        async with app.test_matcher(push) as ctx:
            bot = onebot(ctx)
            event = private_message("/上传 水鱼")
            ctx.receive_event(bot, event)
            ctx.should_call_send(
                event,
                "水鱼：没有可上传的成绩，跳过 3 项（曲库未收录 3 项）。",
                result=None,
            )
            ctx.should_finished(push)
    assert route.call_count == 0


async def test_push_is_limited_per_user_and_a_refused_one_costs_nothing(
    app: App, db, monkeypatch
) -> None:
    from plugins.maimai_archive.chat.link import NOT_LINKED, push
    from plugins.maimai_archive.chat.registry import TOO_OFTEN
    from plugins.maimai_archive.chat.registry import app as get_app
    from plugins.maimai_archive.core.guards import RateLimit

    now = [1000.0]
    monkeypatch.setitem(get_app().limits, "push", RateLimit(1, 600, clock=lambda: now[0]))
    await trackers().link(str(USER), "divingfish", TOKEN)

    async def say(text: str, reply: str) -> None:
        async with app.test_matcher(push) as ctx:
            bot = onebot(ctx)
            event = private_message(text)
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, reply, result=None)
            ctx.should_finished(push)

    await say("/push 落雪", NOT_LINKED)  # not linked there: not counted
    await say("/push", "水鱼：没有可上传的成绩。")
    await say("/push 水鱼", TOO_OFTEN["push"].format(wait=600))
    now[0] += 601
    await say("/push", "水鱼：没有可上传的成绩。")


async def test_a_push_that_found_every_service_down_costs_nothing(
    app: App, db, monkeypatch
) -> None:
    from plugins.maimai_archive.chat.link import push, push_line
    from plugins.maimai_archive.chat.registry import app as get_app
    from plugins.maimai_archive.core import PushResult
    from plugins.maimai_archive.core.guards import RateLimit

    monkeypatch.setitem(get_app().limits, "push", RateLimit(1, 600, clock=lambda: 1000.0))
    await trackers().link(str(USER), "divingfish", TOKEN)
    down = [PushResult("divingfish", "水鱼", status="down")]

    async def push_everything(qq: str, service: str | None) -> list[PushResult]:
        return down

    monkeypatch.setattr(trackers(), "push_everything", push_everything)
    for _ in range(2):  # the second is not "too often": the first reached no service
        async with app.test_matcher(push) as ctx:
            bot = onebot(ctx)
            event = private_message("/push")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, push_line(down[0]), result=None)
            ctx.should_finished(push)


def test_push_lines_count_refused_scores_and_say_when_the_rest_waits() -> None:
    from plugins.maimai_archive.chat.link import push_line
    from plugins.maimai_archive.core.trackers.push import PushResult

    ok = PushResult("lxns", "落雪", "ok", sent=40, skipped={"invalid": 2, "unknown": 1})
    assert (
        push_line(ok) == "落雪：已上传 40 项成绩，跳过 3 项（查分器不收 2 项、曲库未收录 1 项）。"
    )
    more = PushResult("lxns", "落雪", "more", sent=12, skipped={"invalid": 17})
    assert push_line(more) == (
        "落雪：已上传 12 项成绩，跳过 17 项（查分器不收 17 项），其余的下次同步时继续上传。"
    )
