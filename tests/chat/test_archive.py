"""/today, /plate, /rank turn by turn on the SYNTHETIC fixture archive (tests/archive_fixture.py):
the renderer is replaced by a tiny PNG (test_render_archive renders for real); each path sends
images, or a clear text when there is nothing to show."""

from __future__ import annotations

import pytest
from nonebot.adapters.onebot.v11 import (
    ActionFailed,
    Message,
    MessageEvent,
    MessageSegment,
    NetworkError,
)
from nonebug import App

from tests import archive_fixture as fx

from .helpers import GROUP, TINY_PNG, USER, fake_renderers, group_message, onebot, private_message
from .test_archive_images import _expect, _images


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:
    """Renderer calls (function, view), answered with tiny PNGs; the catalogue is the fixture's."""
    from plugins.maimai_archive.chat import progress as archive
    from plugins.maimai_archive.chat.registry import app

    monkeypatch.setattr(app(), "catalogue", fx.catalogue())
    return fake_renderers(monkeypatch, archive)


async def test_today_sends_the_latest_visit(app: App, db, rendered):
    from plugins.maimai_archive.chat import progress as archive

    await fx.build()
    await _expect(app, archive.today_cmd, group_message("/today"), _images(2))
    ((fn, views),) = rendered
    assert fn.__name__ == "visits_pages" and len(views) == 1
    assert views[0].start == fx.at(11, 23, 23, 50)


async def test_today_with_a_date_sends_every_visit_of_that_day(app: App, db, rendered):
    from plugins.maimai_archive.chat import progress as archive

    await fx.build()
    await _expect(app, archive.today_cmd, private_message("出勤 2025-11-22"), _images(2))
    assert [v.heading for v in rendered[0][1]] == [
        "第 1 次出勤（共 2 次）",
        "第 2 次出勤（共 2 次）",
    ]


async def test_today_without_visits_answers_in_text(app: App, db, rendered):
    from plugins.maimai_archive.chat import progress as archive
    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.core.db.models import Player

    await fx.build()
    await _expect(
        app, archive.today_cmd, private_message("今日 2025-11-21"), "2025/11/21 没有出勤记录。"
    )
    await _expect(
        app,
        archive.today_cmd,
        private_message("/today 昨天下午"),
        "用法：/today [日期]，日期如 2025-11-23。",
    )
    await Player.create(qq="20009")
    await _expect(
        app, archive.today_cmd, private_message("/today", user_id=20009), views.NOTHING_YET
    )
    assert rendered == []


async def test_plate_sends_progress_now_and_then(app: App, db, rendered):
    from datetime import date

    from plugins.maimai_archive.chat import progress as archive

    await fx.build()
    await _expect(app, archive.plate_cmd, group_message("/plate 舞将"), _images(2))
    await _expect(app, archive.plate_cmd, private_message("牌子 真将 2025-11-21"), _images(2))
    (fn, now), (_, then) = rendered
    assert fn.__name__ == "plate_pages" and (now.name, now.done, now.total) == ("舞将", 3, 13)
    assert (then.name, then.done, then.as_of) == ("真将", 2, date(2025, 11, 21))


async def test_plate_unknown_or_missing_name_lists_the_valid_ones(app: App, db, rendered):
    from plugins.maimai_archive.chat import progress as archive
    from plugins.maimai_archive.core.queries.plates import valid_names

    await fx.build()
    names = valid_names(fx.catalogue())
    await _expect(
        app, archive.plate_cmd, private_message("/plate 猫将"), f"没有「猫将」这个牌子。{names}"
    )
    await _expect(
        app, archive.plate_cmd, private_message("/plate"), f"用法：/plate <牌子> [日期]。{names}"
    )
    await _expect(
        app, archive.plate_cmd, private_message("/plate 舞将 2020-01-01"), "那时还没有存档的成绩。"
    )
    assert rendered == []


async def test_rank_shows_the_public_members_of_the_group(app: App, db, rendered):
    from plugins.maimai_archive.chat import progress as archive
    from plugins.maimai_archive.core.db.models import Player

    await fx.build(qq=str(USER), public=True)
    await Player.create(qq="20002", name="强者", rating=15000, public=True)
    await Player.create(qq="20003", name="隐身", rating=16000)
    await Player.create(qq="20004", name="外人", rating=17000, public=True)
    async with app.test_matcher(archive.rank_cmd) as ctx:
        bot = onebot(ctx)
        event = group_message("排行")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "get_group_member_list",
            {"group_id": GROUP},
            result=[{"user_id": USER}, {"user_id": 20002}, {"user_id": 20003}],
        )
        ctx.should_call_send(event, Message(MessageSegment.image(TINY_PNG)), result=None)
        ctx.should_finished(archive.rank_cmd)
    ((fn, view),) = rendered
    assert fn.__name__ == "ranking_figure" and [e.name for e in view.entries] == ["强者", "玩家"]


async def test_rank_with_nobody_public_or_outside_a_group(app: App, db, rendered):
    from plugins.maimai_archive.chat import progress as archive

    await fx.build(qq=str(USER), public=False)
    async with app.test_matcher(archive.rank_cmd) as ctx:
        bot = onebot(ctx)
        event: MessageEvent = group_message("/rank")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "get_group_member_list", {"group_id": GROUP}, result=[{"user_id": USER}]
        )
        ctx.should_call_send(
            event, "本群还没有人公开存档：发送 /privacy public 就能加入排行。", result=None
        )
        ctx.should_finished(archive.rank_cmd)
    async with app.test_matcher(archive.rank_cmd) as ctx:
        bot = onebot(ctx)
        event = private_message("/rank")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "排行只能在群里使用。", result=None)
        ctx.should_finished(archive.rank_cmd)
    assert rendered == []


async def test_diff_after_a_sync_with_nothing_new_shows_the_last_change(app: App, db, monkeypatch):
    from plugins.maimai_archive.chat import record_images as views

    calls = fake_renderers(monkeypatch, views)
    from plugins.maimai_archive.chat.registry import app as running

    monkeypatch.setattr(running(), "catalogue", fx.catalogue())
    await fx.build()  # its latest finished sync found nothing new
    await _expect(app, views.diff_cmd, private_message("/diff"), _images(2))
    assert calls[0][1].label == "上次同步 2025/11/22 14:01（之后 1 次同步没有新成绩）"


@pytest.mark.parametrize(
    ("command", "text"),
    [("today_cmd", "/today"), ("plate_cmd", "/plate 舞将"), ("rank_cmd", "/rank")],
)
async def test_today_plate_and_rank_share_the_image_rate_limit(
    app: App, db, rendered, monkeypatch, command, text
):
    from plugins.maimai_archive.chat import progress as archive
    from plugins.maimai_archive.chat import registry as common
    from plugins.maimai_archive.core.guards import RateLimit

    limit = RateLimit(1, 60, clock=lambda: 1000.0)
    monkeypatch.setitem(common.app().limits, "image", limit)
    await fx.build(qq=str(USER), public=True)
    assert limit.allow(str(USER))  # one image request just now uses the whole allowance
    await _expect(
        app,
        getattr(archive, command),
        group_message(text),
        common.TOO_OFTEN["image"].format(wait=60),
    )
    assert rendered == []


@pytest.mark.parametrize("error", [ActionFailed(retcode=100, msg="fail"), NetworkError("timeout")])
async def test_rank_answers_when_the_member_list_cannot_be_read(app: App, db, rendered, error):
    from plugins.maimai_archive.chat import progress as archive

    await fx.build(qq=str(USER), public=True)
    async with app.test_matcher(archive.rank_cmd) as ctx:
        bot = onebot(ctx)
        event = group_message("/rank")
        ctx.receive_event(bot, event)
        ctx.should_call_api("get_group_member_list", {"group_id": GROUP}, exception=error)
        ctx.should_call_send(event, "暂时取不到群成员列表，请稍后再试。", result=None)
        ctx.should_finished(archive.rank_cmd)
    assert rendered == []


async def test_plate_before_the_song_data_is_loaded_says_so(app: App, db, monkeypatch):
    from plugins.maimai_archive.chat import progress as archive
    from plugins.maimai_archive.chat.registry import app as running
    from plugins.maimai_archive.chat.song_pick import EMPTY_CATALOGUE
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    monkeypatch.setattr(running(), "catalogue", Catalogue.from_music_data([]))
    await fx.build()
    await _expect(app, archive.plate_cmd, private_message("/plate 舞将"), EMPTY_CATALOGUE)
    await _expect(app, archive.plate_cmd, private_message("/plate"), EMPTY_CATALOGUE)
