"""/bind, /unbind, /forget, /autosync, /export — turn by turn, the site mocked with respx
serving the real CN home page."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
import respx
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from tests.conftest import REAL_HTML

from .helpers import GROUP, USER, group_message, onebot, private_message

BASE = "https://maimai.wahlap.com/maimai-mobile/"
COOKIE = (
    "userId=1234567890123; _t=0123456789abcdef0123456789abcdef; EO_Bot_Ssid=4242; __tst_status=9#"
)
HOME = REAL_HTML / "TrueRou__maimai.py__tests__sample_data__user_friend_code.html"
EXPIRED = (
    REAL_HTML
    / "bakapiano__maimai-score-hub__worker__src__tests__fixtures__cookie-expire-2025-12-31T14-39-42-498Z.html"
)


@pytest.fixture
def site():
    if not HOME.is_file():
        pytest.skip(f"real pages not available: {HOME} is absent")
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        yield mock


async def _bind_replies(app: App, text: str, reply: str) -> None:
    """``text`` sent in private gets ``reply``."""
    from plugins.maimai_archive.chat.account import bind

    async with app.test_matcher(bind) as ctx:
        event = private_message(text)
        ctx.receive_event(onebot(ctx), event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(bind)


async def test_bind_in_private_checks_with_one_page_load_and_keeps_cookies_encrypted(
    app: App, db, site
) -> None:
    from plugins.maimai_archive.chat.registry import app as get_app
    from plugins.maimai_archive.core.db.models import Binding, Player

    route = site.get("friend/userFriendCode/").mock(
        return_value=httpx.Response(
            200,
            text=HOME.read_text(encoding="utf-8"),
            headers={"Set-Cookie": "_t=rotatedvalue0001; Path=/"},
        )
    )
    await _bind_replies(
        app,
        f"/bind {COOKIE}",
        "绑定成功：Ｃｉａ～（・ω，DX Rating 9459。\n在群里或这里发送 /sync 开始存档；/autosync on 让我定时同步，最近 50 条记录不再丢失。",
    )
    assert route.call_count == 1
    sent = route.calls[0].request.headers["cookie"]
    assert "userId=1234567890123" in sent and "EO_Bot_Ssid=4242" in sent  # every cookie goes along
    player = await Player.get(qq=str(USER))
    assert (
        player.name == "Ｃｉａ～（・ω"
        and player.rating == 9459
        and player.friend_code == "386587586148257"
    )
    binding = await Binding.get(player=player)
    assert "1234567890123" not in binding.cookies
    store = get_app().store
    assert store is not None
    jar = await store.load(player)
    assert jar is not None and (
        jar["_t"] == "rotatedvalue0001" and jar["__tst_status"] == "9#"
    )  # the rotated value is what we keep


async def test_a_relogin_to_an_archive_says_the_sync_continues_it(app: App, db, site) -> None:
    from datetime import UTC, datetime

    from plugins.maimai_archive.core.db.models import Player, SyncRun

    site.get("friend/userFriendCode/").mock(
        return_value=httpx.Response(200, text=HOME.read_text(encoding="utf-8"))
    )
    player = await Player.create(qq=str(USER), friend_code="386587586148257", rating=9400)
    await SyncRun.create(player=player, started_at=datetime(2025, 1, 1, tzinfo=UTC), status="ok")
    await _bind_replies(
        app,
        f"/bind {COOKIE}",
        "绑定成功：Ｃｉａ～（・ω，DX Rating 9459。\n在群里或这里发送 /sync 继续存档（已有的存档都在）；/autosync on 让我定时同步，最近 50 条记录不再丢失。",
    )


async def test_binding_another_account_to_an_archive_is_refused(app: App, db, site) -> None:
    from datetime import UTC, datetime

    from plugins.maimai_archive.core.db.models import Play, Player

    site.get("friend/userFriendCode/").mock(
        return_value=httpx.Response(200, text=HOME.read_text(encoding="utf-8"))
    )
    old = await Player.create(qq=str(USER), name="旧号", friend_code="111111111111111")
    at = datetime(2025, 1, 1, tzinfo=UTC)
    await Play.create(
        player=old,
        played_unix=1,
        played_at=at,
        idx="0,1",
        track=1,
        title="x",
        type="DX",
        difficulty="master",
        achievement=1,
        dx_score=1,
        rank="d",
        chart_key="?DX:master:x",
    )
    await _bind_replies(
        app,
        f"/bind {COOKIE}",
        "绑定失败：这个 QQ 已经存档了另一个舞萌账号（旧号）。要换账号，请先私聊 /forget 删除旧存档。",
    )
    await old.refresh_from_db()
    assert old.friend_code == "111111111111111"


async def test_bind_with_expired_cookies_says_why_and_stores_nothing(app: App, db, site) -> None:
    from plugins.maimai_archive.chat.account import STALE_COOKIE
    from plugins.maimai_archive.core.db.models import Player

    site.get("friend/userFriendCode/").mock(
        return_value=httpx.Response(200, text=EXPIRED.read_text(encoding="utf-8"))
    )
    await _bind_replies(app, f"绑定 {COOKIE}", STALE_COOKIE)
    assert not await Player.exists(qq=str(USER))


async def test_bind_in_a_group_is_refused_recalled_and_stores_nothing(app: App, db, site) -> None:
    from plugins.maimai_archive.chat.account import LEAKED, bind
    from plugins.maimai_archive.core.db.models import Player

    home = site.get("friend/userFriendCode/")
    async with app.test_matcher(bind) as ctx:
        bot = onebot(ctx)
        event = group_message(f"/bind {COOKIE}")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": GROUP, "user_id": int(bot.self_id), "no_cache": True},
            result={"role": "admin"},
        )
        ctx.should_call_api("delete_msg", {"message_id": event.message_id}, result=None)
        ctx.should_call_send(
            event, MessageSegment.at(USER) + f" {LEAKED}（已撤回那条消息）", result=None
        )
        ctx.should_finished(bind)
    assert home.call_count == 0
    assert not await Player.exists(qq=str(USER))


async def test_bind_in_a_group_when_not_admin_still_warns(app: App, db, site) -> None:
    from plugins.maimai_archive.chat.account import LEAKED, bind

    async with app.test_matcher(bind) as ctx:
        bot = onebot(ctx)
        event = group_message(f"/bind {COOKIE}")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "get_group_member_info",
            {"group_id": GROUP, "user_id": int(bot.self_id), "no_cache": True},
            result={"role": "member"},
        )
        ctx.should_call_send(event, MessageSegment.at(USER) + f" {LEAKED}", result=None)
        ctx.should_finished(bind)


@pytest.mark.parametrize("text", ["/bind", "/bind 怎么用", "/bind   "])
async def test_bind_without_a_cookie_in_a_group_points_to_private_chat(
    app: App, db, text: str
) -> None:
    # Nothing leaked: no alarm, no recall (no get_group_member_info / delete_msg call).
    from plugins.maimai_archive.chat.account import bind

    async with app.test_matcher(bind) as ctx:
        bot = onebot(ctx)
        event = group_message(text)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "请私聊我使用 /bind（只发 /bind 就能一键登录）。", result=None)
        ctx.should_finished(bind)


async def test_bind_with_garbage_explains_the_shapes(app: App, db) -> None:

    await _bind_replies(
        app,
        "/bind hello",
        "Cookie 里缺少 userId、_t：请复制完整的 Cookie（至少包含 userId 和 _t）。",
    )


async def _bound_player(qq: str = str(USER)):
    from plugins.maimai_archive.chat.registry import app as get_app
    from plugins.maimai_archive.core.db.models import Player

    player = await Player.create(qq=qq, name="ＳＣＨＷＩ", rating=14374)
    store = get_app().store
    assert store is not None
    await store.save(player, {"userId": "1", "_t": "2"})
    return player


async def test_unbind_deletes_cookies_and_keeps_the_archive(app: App, db) -> None:
    from plugins.maimai_archive.chat.account import unbind
    from plugins.maimai_archive.core.db.models import Binding, Player

    player = await _bound_player()
    async with app.test_matcher(unbind) as ctx:
        bot = onebot(ctx)
        event = group_message("/unbind")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, "已删除保存的 Cookie。存档仍然保留；要删除全部存档请私聊 /forget。", result=None
        )
        ctx.should_finished(unbind)
    assert not await Binding.exists(player=player)
    assert await Player.exists(id=player.id)


async def test_forget_asks_first_and_cancels_on_anything_else(app: App, db) -> None:
    from plugins.maimai_archive.chat.account import forget
    from plugins.maimai_archive.core.db.models import Player

    player = await _bound_player()
    async with app.test_matcher(forget) as ctx:
        bot = onebot(ctx)
        event = private_message("/forget")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            "这会永久删除你的全部存档（每一次游玩、成绩、相册）和绑定，无法恢复。确认请回复“确认删除”，其他任何回复取消。",
            result=None,
        )
        ctx.should_rejected(forget)
        answer = private_message("算了")
        ctx.receive_event(bot, answer)
        ctx.should_call_send(answer, "已取消，存档保留。", result=None)
        ctx.should_finished(forget)
    assert await Player.exists(id=player.id)


async def test_forget_confirmed_deletes_everything(app: App, db) -> None:
    from plugins.maimai_archive.chat.account import forget
    from plugins.maimai_archive.core.db.models import Binding, Player

    await _bound_player()
    async with app.test_matcher(forget) as ctx:
        bot = onebot(ctx)
        event = private_message("/forget")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            "这会永久删除你的全部存档（每一次游玩、成绩、相册）和绑定，无法恢复。确认请回复“确认删除”，其他任何回复取消。",
            result=None,
        )
        ctx.should_rejected(forget)
        answer = private_message("确认删除")
        ctx.receive_event(bot, answer)
        ctx.should_call_send(answer, "已删除你的全部存档和绑定。", result=None)
        ctx.should_finished(forget)
    assert not await Player.exists(qq=str(USER))
    assert await Binding.all().count() == 0


async def test_autosync_on_and_off(app: App, db, monkeypatch: pytest.MonkeyPatch) -> None:
    from plugins.maimai_archive.chat.account import autosync
    from plugins.maimai_archive.chat.registry import app as get_app

    player = await _bound_player()
    # The test suite's bot runs with autosync off (tests/conftest.py); a shipped bot has it on.
    monkeypatch.setattr(get_app().config, "maimai_autosync_enabled", True)
    for word, reply, expected in [
        ("on", "已开启自动同步：我会按你的游玩频率定时同步，失败时私聊告诉你一次。", True),
        ("off", "已关闭自动同步。", False),
    ]:
        async with app.test_matcher(autosync) as ctx:
            bot = onebot(ctx)
            event = group_message(f"/autosync {word}")
            ctx.receive_event(bot, event)
            ctx.should_call_send(event, reply, result=None)
            ctx.should_finished(autosync)
        await player.refresh_from_db()
        assert player.autosync is expected


async def test_autosync_on_when_the_operator_turned_it_off(
    app: App, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plugins.maimai_archive.chat.account import autosync
    from plugins.maimai_archive.chat.registry import app as get_app

    player = await _bound_player()
    monkeypatch.setattr(get_app().config, "maimai_autosync_enabled", False)
    async with app.test_matcher(autosync) as ctx:
        bot = onebot(ctx)
        event = group_message("/autosync on")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, "这个机器人的管理员关闭了自动同步，请用 /sync 手动同步。", result=None
        )
        ctx.should_finished(autosync)
    await player.refresh_from_db()
    assert player.autosync is False


async def test_export_sends_the_archive_as_a_file(app: App, db) -> None:
    from datetime import UTC, datetime

    from plugins.maimai_archive.chat.account import export
    from plugins.maimai_archive.core.db.models import Play

    player = await _bound_player()
    at = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
    await Play.create(
        player=player,
        played_unix=int(at.timestamp()),
        played_at=at,
        idx=f"3,{int(at.timestamp())}",
        track=1,
        title="　",
        type="DX",
        difficulty="master",
        level="13",
        achievement=1_008_750,
        dx_score=1800,
        dx_score_max=1900,
        rank="sssp",
        chart_key="?DX:master:\u3000",
    )
    sent: dict = {}

    def upload(_bot, api: str, data: dict) -> None:
        sent.update(data)

    async with app.test_matcher(export) as ctx:
        bot = onebot(ctx)
        event = private_message("/export")
        ctx.receive_event(bot, event)
        ctx.should_call_api(
            "upload_private_file",
            {
                "user_id": USER,
                "file": _ANY,
                "name": _ANY,
            },
            result=None,
        )
        ctx.should_call_send(event, _ANY_TEXT, result=None)
        ctx.should_finished(export)
    assert _ANY.seen and _ANY.seen[0].startswith("base64://")
    line = json.loads(base64.b64decode(_ANY.seen[0].removeprefix("base64://")))
    assert (
        line["title"] == "　"
        and line["achievement"] == 100.875
        and line["played_at"].endswith("+08:00")
    )


class _Any:
    """Matches anything (and remembers what it matched) inside an expected API payload."""

    def __init__(self) -> None:
        self.seen: list = []

    def __eq__(self, other: object) -> bool:
        self.seen.append(other)
        return True


_ANY = _Any()


class _AnyText:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, (str, Message)) and "已发送" in str(other)


_ANY_TEXT = _AnyText()
