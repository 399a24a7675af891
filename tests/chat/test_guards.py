"""Hostile input in the chat (issue 10): every malformed /bind is answered, /bind and image
commands are rate-limited per user, /recent and /b50 answer while jackets are bombs or 40 MB,
and cookies pasted in a group never reach NoneBot's log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from tests.hostile import MB, HugeBody, bomb_png

from .helpers import USER, group_message, onebot, private_message
from .test_score_tools import COVER_HOST, TINY, _bests, catalogue, cover_host  # noqa: F401  (fixtures)

NOW = datetime(2025, 11, 20, 12, tzinfo=UTC)
USER_ID, TOKEN = "1234567890123", "0123456789abcdef0123456789abcdef"


async def _say(app: App, matcher, event, reply) -> None:
    async with app.test_matcher(matcher) as ctx:
        bot = onebot(ctx)  # /bind's handler takes a OneBot v11 Bot
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(matcher)


@pytest.fixture
def limits(monkeypatch):
    """Small limits on a clock the test moves (the suite runs without limits otherwise)."""
    from plugins.maimai_archive.chat import registry as common
    from plugins.maimai_archive.core.guards import RateLimit

    now = [1000.0]
    monkeypatch.setitem(common.app().limits, "image", RateLimit(2, 60, clock=lambda: now[0]))
    monkeypatch.setitem(common.app().limits, "bind", RateLimit(3, 600, clock=lambda: now[0]))
    return now


# --- every /bind gets a reply ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 50_000 + "]" * 50_000, "嵌套太深"),  # RecursionError inside json
        ('{"a":' * 30_000 + "1" + "}" * 30_000, "嵌套太深"),
        (
            "https://[::1/wc_auth/oauth/callback/maimai-dx?code=1",
            "链接无法识别",
        ),  # unclosed IPv6 bracket
        ("https://[::1]:port/wc_auth/oauth/callback/maimai-dx?code=1", "链接无法识别"),
        (
            "https://tgk-wcaime.wahlap.com\uff03@evil/wc_auth/oauth/callback/maimai-dx?code=1",
            "链接无法识别",
        ),  # ＃ → # under NFKC
        (f"userId={USER_ID}; _t=ab\x00cd", "控制字符"),
        (f"userId={USER_ID}\x1b[31m; _t={TOKEN}", "控制字符"),
        (f'{{"userId": "{USER_ID}", "_t": "a\\u0007b"}}', "控制字符"),
    ],
)
async def test_every_malformed_bind_is_answered(app: App, db, text: str, says: str) -> None:
    from plugins.maimai_archive.chat.account import bind

    await _say(
        app,
        bind,
        private_message(Message(MessageSegment.text("/bind " + text))),
        _refusal(text, says),
    )


def _refusal(text: str, says: str) -> str:
    """The parser's message for ``text``, which must say ``says``."""
    from plugins.maimai_archive.core.archiving.binding import parse_bind_input
    from plugins.maimai_archive.core.errors import BindingError

    with pytest.raises(BindingError) as refused:
        parse_bind_input(text)
    assert says in refused.value.user_message
    return refused.value.user_message


async def test_a_bind_that_breaks_unexpectedly_still_gets_a_reply(
    app: App, db, monkeypatch
) -> None:
    from plugins.maimai_archive.chat import account
    from plugins.maimai_archive.chat.registry import app as get_app

    async def broken(qq, given):
        raise UnicodeError("label too long")  # e.g. an IDNA host httpx refuses

    monkeypatch.setattr(get_app(), "bind", broken)
    await _say(
        app,
        account.bind,
        private_message(f"/bind userId={USER_ID}; _t={TOKEN}"),
        account.BIND_BROKE,
    )


async def test_bind_attempts_are_rate_limited_per_user(app: App, db, limits) -> None:
    from plugins.maimai_archive.chat import account
    from plugins.maimai_archive.chat.registry import TOO_OFTEN

    for _ in range(3):
        await _say(
            app, account.bind, private_message("/bind userId=1"), _refusal("userId=1", "缺少 _t")
        )
    await _say(
        app, account.bind, private_message("/bind userId=1"), TOO_OFTEN["bind"].format(wait=600)
    )
    await _say(
        app,
        account.bind,
        private_message("/bind userId=1", user_id=USER + 1),
        _refusal("userId=1", "缺少 _t"),
    )
    limits[0] += 601
    await _say(
        app, account.bind, private_message("/bind userId=1"), _refusal("userId=1", "缺少 _t")
    )


# --- image commands ----------------------------------------------------------------------------


async def test_image_commands_are_rate_limited_per_user_with_a_short_text(
    app: App, db, limits
) -> None:
    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.chat.registry import NOT_BOUND, TOO_OFTEN

    await _say(app, views.recent_cmd, group_message("/recent"), NOT_BOUND)
    await _say(app, views.b50_cmd, group_message("/b50"), NOT_BOUND)
    limits[0] += 30
    await _say(
        app, views.records_cmd, group_message("/records"), TOO_OFTEN["image"].format(wait=30)
    )
    await _say(
        app, views.b50_cmd, group_message("/b50", user_id=USER + 1), NOT_BOUND
    )  # someone else
    limits[0] += 31
    await _say(app, views.b50_cmd, group_message("/b50"), NOT_BOUND)


@pytest.mark.parametrize("jacket", ["bomb", "40 MB"])
async def test_recent_and_b50_answer_while_jackets_are_hostile(
    app: App,
    db,
    catalogue,  # noqa: F811  (a fixture)
    cover_host,  # noqa: F811  (a fixture)
    monkeypatch,
    jacket,
) -> None:
    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.core.db.models import Play

    shown: list = []

    async def fake_render(fn, view):
        shown.append(view)
        return [TINY] if fn is not views.b50_figure else TINY

    from plugins.maimai_archive.chat import request

    monkeypatch.setattr(request, "render_pages", fake_render)
    monkeypatch.setattr(request, "render_png", fake_render)
    monkeypatch.setattr(views, "render_png", fake_render)
    huge = HugeBody(40 * MB)
    if jacket == "bomb":
        route = cover_host.get(url__regex=rf"{COVER_HOST}/\d+\.png").respond(
            200, content=bomb_png()
        )
    else:
        route = cover_host.get(url__regex=rf"{COVER_HOST}/\d+\.png").mock(
            side_effect=lambda request: huge.response()
        )
    player = await _bests()
    await Play.create(
        player=player,
        played_unix=1_700_000_000,
        played_at=NOW,
        idx="0,1700000000",
        track=1,
        title="Alpha Song",
        type="DX",
        difficulty="master",
        achievement=1_000_000,
        dx_score=0,
        rank="sss",
        chart_key="10001:master",
        song_id=10001,
    )
    await _say(
        app, views.recent_cmd, private_message("/recent"), Message(MessageSegment.image(TINY))
    )
    await _say(app, views.b50_cmd, private_message("/b50"), Message(MessageSegment.image(TINY)))
    assert route.call_count >= 2  # the jackets were asked for …
    assert shown[0].cards[0].chart.jacket is None  # … and drawn as placeholders
    entries = shown[1].old + shown[1].new
    assert entries and all(entry.chart.jacket is None for entry in entries)
    # 2 MB cap by default for jackets (a setting): each 40 MB answer was cut after ~2 MB.
    assert huge.sent <= route.call_count * (4 * MB + huge.chunk)
    assert not list(views.app().config.data_dir.joinpath("covers").glob("*.png"))


# --- secrets in the log ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"userId = {USER_ID}; _t = {TOKEN}",
        f'userId="{USER_ID}"; _t="{TOKEN}"',
        f'{{"userId": {USER_ID}, "_t": "{TOKEN}"}}',
        f"#绑定 userId={USER_ID}\n_t={TOKEN}",
        f"这样发可以吗 userId\t=\t{USER_ID}；_t={TOKEN}",
    ],
)
async def test_cookies_pasted_in_a_group_never_reach_nonebots_log(app: App, db, text: str) -> None:
    from nonebot import logger

    from plugins.maimai_archive.chat import record_images as views

    seen: list[str] = []
    sink = logger.add(lambda m: seen.append(str(m)), level="DEBUG", colorize=False)
    try:
        async with app.test_matcher(
            views.recent_cmd
        ) as ctx:  # any matcher: NoneBot logs every event
            bot = ctx.create_bot()
            ctx.receive_event(bot, group_message(text))
    finally:
        logger.remove(sink)
    assert any("Message" in line for line in seen), seen  # the event itself was logged …
    assert not [line for line in seen if USER_ID in line or TOKEN[:16] in line], seen  # … masked
