"""/web in the chat: a link in private (that opens the archive), /web off ends every link,
a group gets words and no link."""

from __future__ import annotations

import re

import httpx
from nonebug import App

from .helpers import group_message, private_message
from .test_archive_images import _expect

LINK = re.compile(r"https?://\S+/web/([A-Za-z0-9_-]{32})/")


async def test_web_in_private_answers_with_a_link_that_opens_the_archive(app: App, db):
    import nonebot

    from plugins.maimai_archive.chat import web
    from plugins.maimai_archive.core.db.models import Player

    await Player.create(qq="20001", name="网页玩家")
    replies: list[str] = []
    async with app.test_matcher(web.web_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message("/web")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, _Capture(replies), result=None)
        ctx.should_finished(web.web_cmd)
    (text,) = replies
    assert "7 天内有效" in text and text.startswith("你的网页存档")
    found = LINK.search(text)
    assert found is not None
    token = found.group(1)
    # The bot's own server: the web app is mounted on NoneBot's FastAPI app at start.
    server = nonebot.get_app()
    transport = httpx.ASGITransport(app=server)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as c:
        page = await c.get(f"/web/{token}/plays")
        assert page.status_code == 200 and "网页玩家" in page.text
        await _expect(
            app, web.web_cmd, private_message("/web off"), "已让你的 1 个网页链接全部失效。"
        )
        gone = await c.get(f"/web/{token}/plays")
        assert gone.status_code == 404 and "网页玩家" not in gone.text


class _Capture:
    """Equal to any message, keeping its text (the link is random)."""

    def __init__(self, into: list[str]) -> None:
        self.into = into

    def __eq__(self, other: object) -> bool:
        self.into.append(str(other))
        return True


async def test_web_in_a_group_gives_no_link(app: App, db):
    from plugins.maimai_archive.chat import web
    from plugins.maimai_archive.core.db.models import Player, WebLink

    await Player.create(qq="20001", name="网页玩家")
    await _expect(app, web.web_cmd, group_message("/web"), web.GROUP_REFUSAL)
    assert await WebLink.all().count() == 0


async def test_web_without_an_archive_says_how_to_bind(app: App, db):
    from plugins.maimai_archive.chat import web
    from plugins.maimai_archive.chat.registry import NOT_BOUND

    await _expect(app, web.web_cmd, private_message("网页"), NOT_BOUND)
    await _expect(app, web.web_cmd, private_message("/web off"), NOT_BOUND)
