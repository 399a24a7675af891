"""The archive image commands, turn by turn: the renderer is replaced by a tiny PNG (its own
tests render for real); each command sends image segments, or a clear text when empty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from .helpers import TINY_PNG, fake_renderers, group_message, private_message

ME, OTHER = "20001", "20002"
T0 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:
    """Calls to the renderer: (renderer function, view) — answered with a tiny PNG."""
    from plugins.maimai_archive.chat import record_images as views

    return fake_renderers(monkeypatch, views)


async def _archive(qq: str = ME, public: bool = False, plays: int = 3):
    from plugins.maimai_archive.core.db.models import Play, Player, ProfileSnapshot, SyncRun

    player = await Player.create(qq=qq, name="玩家", rating=14000, public=public)
    for i in range(plays):
        at = T0 + timedelta(minutes=i)
        await Play.create(
            player=player,
            played_unix=int(at.timestamp()),
            played_at=at,
            idx=f"{i},{int(at.timestamp())}",
            track=i % 4 + 1,
            title="ジングルベル",
            type="SD",
            difficulty="master",
            level="12",
            achievement=980_000 + i,
            dx_score=1600,
            dx_score_max=1944,
            rank="sp",
            chart_key="?SD:master:ジングルベル",  # SYNTHETIC: no song data in chat tests
        )
    await ProfileSnapshot.create(player=player, taken_at=T0, name="玩家", rating=14000)
    await SyncRun.create(player=player, started_at=T0, status="ok", new_plays=plays)
    return player


def _images(count: int) -> Message:
    return Message([MessageSegment.image(TINY_PNG)] * count)


async def _expect(app: App, matcher, event, reply) -> None:
    async with app.test_matcher(matcher) as ctx:
        bot = ctx.create_bot()
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(matcher)


@pytest.mark.parametrize(
    ("text", "matcher_name", "renderer", "pages"),
    [
        ("/recent 2", "recent_cmd", "recent_pages", 2),
        ("最近", "recent_cmd", "recent_pages", 2),
        ("/play 1", "play_cmd", "play_detail_figure", 1),
        ("详情 2", "play_cmd", "play_detail_figure", 1),
        ("/diff", "diff_cmd", "diff_pages", 2),
        ("/history", "history_cmd", "rating_curve_figure", 1),
        ("历史 ジングルベル", "history_cmd", "chart_history_figure", 2),
        ("/records 1", "records_cmd", "records_figure", 1),
    ],
)
async def test_each_command_sends_images(
    app: App, db, rendered, text, matcher_name, renderer, pages
):
    from plugins.maimai_archive.chat import record_images as views

    await _archive()
    await _expect(
        app, getattr(views, matcher_name), private_message(text, user_id=int(ME)), _images(pages)
    )
    call = rendered[0]
    assert call[0].__name__ == renderer
    if renderer == "chart_history_figure":  # then the attempts image
        assert [c[0].__name__ for c in rendered] == [renderer, "chart_attempts_figure"]
        assert rendered[1][1].plays == 3
    else:
        assert len(rendered) == 1
    if renderer == "recent_pages":
        assert len(call[1].cards) == (2 if "2" in text else 3)
    if renderer == "play_detail_figure":
        assert call[1].card.number == (2 if "2" in text else 1)


async def test_b50_sends_the_board_for_a_date(app: App, db, rendered, monkeypatch):
    from datetime import date

    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.core.views.play_views import B50View, PlayerHeader

    asked = []

    async def fake_b50(player, archive, as_of=None):
        asked.append(as_of)
        return B50View(PlayerHeader(player.name), (), (), as_of)

    monkeypatch.setattr(views, "b50_view", fake_b50)
    await _archive()
    await _expect(app, views.b50_cmd, private_message("/b50 2025-10-01"), _images(1))
    assert asked == [date(2025, 10, 1)] and rendered[0][0].__name__ == "b50_figure"


async def test_b50_is_empty_text_without_catalogue_bests(app: App, db, rendered):
    # The test catalogue is empty: no chart resolves, so there is no B50 to draw.
    from plugins.maimai_archive.chat import record_images as views

    player = await _archive()
    from plugins.maimai_archive.core.db.models import Best

    await Best.create(
        player=player,
        chart_key="?SD:master:x",
        title="x",
        type="SD",
        difficulty="master",
        achievement=1,
        rank="d",
        updated_at=T0,
    )
    await _expect(
        app, views.b50_cmd, private_message("/b50"), "还没有存档的游玩：先 /sync 同步一次吧。"
    )
    assert rendered == []


async def test_empty_archive_answers_in_text(app: App, db, rendered):
    from plugins.maimai_archive.chat import record_images as views

    await _archive(plays=0)
    await _expect(app, views.recent_cmd, private_message("/recent"), views.NOTHING_YET)
    await _expect(app, views.album_cmd, private_message("/album"), "还没有存档的照片。")
    await _expect(app, views.play_cmd, private_message("/play 5"), "没有第 5 近的游玩记录。")
    assert rendered == []


async def test_unbound_user_is_told_to_bind(app: App, db, rendered):
    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.chat.registry import NOT_BOUND

    await _expect(app, views.recent_cmd, group_message("/recent"), NOT_BOUND)


async def test_at_someone_only_when_they_are_public(app: App, db, rendered):
    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.chat import request

    await _archive(ME)
    stranger = Message("/recent ") + MessageSegment.at("20999")  # no archive at all
    await _expect(
        app, views.recent_cmd, group_message(stranger, user_id=int(ME)), request.NOT_SHOWN
    )
    await _archive(OTHER, public=False)
    ask = Message("/recent ") + MessageSegment.at(OTHER)
    # The same words as for the stranger: nobody learns that OTHER plays.
    await _expect(app, views.recent_cmd, group_message(ask, user_id=int(ME)), request.NOT_SHOWN)
    assert rendered == []

    await _expect(
        app,
        views.privacy_cmd,
        private_message("/privacy public", user_id=int(OTHER)),
        "已公开：群友可以 @你 查看你的存档，你也会出现在 /rank 群排行。",
    )
    await _expect(app, views.recent_cmd, group_message(ask, user_id=int(ME)), _images(2))
    assert rendered[0][1].player.name == "玩家"


async def test_bad_arguments_get_usage(app: App, db, rendered):
    from plugins.maimai_archive.chat import record_images as views

    await _archive()
    await _expect(
        app,
        views.recent_cmd,
        private_message("/recent abc"),
        "用法：/recent [n]，n 是 1–50 的数字。",
    )
    await _expect(
        app, views.b50_cmd, private_message("/b50 昨天"), "用法：/b50 [日期]，日期如 2025-10-01。"
    )
    await _expect(
        app,
        views.privacy_cmd,
        private_message("/privacy"),
        "你的存档现在不公开。用法：/privacy public|private",
    )


def test_parse_date_forms():
    from datetime import date

    from plugins.maimai_archive.chat.request import parse_date

    today = date(2025, 11, 23)
    assert parse_date("2025-10-01", today) == date(2025, 10, 1)
    assert parse_date("2025/10/1", today) == date(2025, 10, 1)
    assert parse_date("10-01", today) == date(2025, 10, 1)
    assert parse_date("2025年10月1日", today) == date(2025, 10, 1)
    assert parse_date("2025-13-01", today) is None
    assert parse_date("sync", today) is None


class FailingRenderer:
    """The app's renderer after a crash or a render past its time limit."""

    async def png(self, fn, *args, **kw):
        from plugins.maimai_archive.core.errors import RenderFailed

        raise RenderFailed("render process died")

    pages = png


@pytest.mark.parametrize(
    ("text", "matcher_name"), [("/recent 2", "recent_cmd"), ("/play 1", "play_cmd")]
)
async def test_a_failed_render_is_a_short_apology(app: App, db, monkeypatch, text, matcher_name):
    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.chat.registry import app as core

    monkeypatch.setattr(core(), "renderer", FailingRenderer())
    await _archive()
    await _expect(
        app,
        getattr(views, matcher_name),
        private_message(text, user_id=int(ME)),
        "图片生成失败，请稍后再试。",
    )
