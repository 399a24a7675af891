"""One-tap /bind: hands out the bot's own link (``http://<proxy>/bind/<token>``, a 302 to the
WeChat login), asks the player to confirm at the callback, and completes the login only when
the consent form is posted from the address that opened the link. The chat layer starts it and
turns its results into replies."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from ..archiving.binding import CallbackUrl, bound_message
from ..errors import BindingError, MaimaiError
from .links import (
    LinkTaken,
    PendingBinds,
    callback_key,
    callback_target,
    fetch_login_link,
    link_callback_path,
    link_key,
)
from .proxy import BindProxy, CallbackRequest, Page, parse_allow, split_host_port

if TYPE_CHECKING:
    from ..app import ArchiveApp

log = logging.getLogger(__name__)

# (qq, text, reply_via): tell the player in private; reply_via names the chat connection the
# /bind came through (the bot account), None = any.
Notify = Callable[[str, str, "str | None"], Awaitable[None]]

DONE_PAGE = Page(200, "<h2>绑定成功，可以关闭代理了</h2><p>回到QQ查看结果。</p>")
FAILED_PAGE = Page(
    200, "<h2>绑定失败</h2><p>原因已私聊发给你。请关闭代理后回到QQ重新发送 /bind。</p>"
)
UNKNOWN_PAGE = Page(
    403, "<h2>这个登录链接无效或已过期</h2><p>请关闭代理，回到QQ重新发送 /bind 获取新链接。</p>"
)
CONSENT = (
    "<h2>确认绑定</h2><p>将把这个舞萌DX账号绑定到 QQ {qq}</p>"
    "<p>如果这不是你的 QQ 号，请不要继续：关闭这个页面和代理。</p>"
    "<form method=post action='{action}'><input type=hidden name=consent value='{nonce}'>"
    "<button type=submit style='font-size:1.2em;padding:.5em 2em'>确认绑定</button></form>"
)


def masked_qq(qq: str) -> str:
    """``10****02``: the first two and the last two digits, enough to recognise one's own."""
    return qq[:2] + "*" * (len(qq) - 4) + qq[-2:] if len(qq) > 4 else "*" * len(qq)


@dataclass(frozen=True)
class LoginLink:
    url: str
    proxy: str  # the address players type into their proxy settings
    minutes: int


class OneTapBind:
    def __init__(
        self,
        app: ArchiveApp,
        notify: Notify,
        *,
        pending: PendingBinds | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        connect_port: int = 443,
        allow_private: bool = False,
    ) -> None:
        config = app.config
        self.app = app
        self.notify = notify
        self.pending = pending or PendingBinds()
        self.oauth_url = config.maimai_oauth_url
        self.timeout = config.maimai_request_timeout
        self._transport = transport
        listen = split_host_port(config.maimai_bind_proxy, 0)
        if listen is None or not listen[0] or ":" not in config.maimai_bind_proxy:
            raise ValueError("MAIMAI_BIND_PROXY must be host:port")
        self.listen = listen
        self.public = config.maimai_bind_proxy_public or config.maimai_bind_proxy
        public = split_host_port(self.public, 0)
        self.proxy = BindProxy(
            intercept_host=urlsplit(self.oauth_url).hostname or "",
            on_callback=self.on_callback,
            on_link=self.on_link,
            may_tunnel=self.pending.holds,
            link_host=public[0] if public else "",
            allow=parse_allow(config.maimai_bind_proxy_allow),
            connect_port=connect_port,
            allow_private=allow_private,  # tests only (loopback test servers)
        )

    async def start(self) -> None:
        await self.proxy.start(*self.listen)
        if self.public.endswith(":0"):  # any free port (tests): links name the one taken
            self.public = "{}:{}".format(*self.proxy.address)

    async def stop(self) -> None:
        await self.proxy.stop()

    async def new_link(self, qq: str, reply_via: str | None = None) -> LoginLink:
        """A fresh login link for ``qq``, remembered for ``TTL``; MaimaiError when the site gives none."""
        link = await fetch_login_link(
            self.oauth_url, request_timeout=self.timeout, transport=self._transport
        )
        try:
            key, path = link_key(link), link_callback_path(link)
        except ValueError as exc:
            raise BindingError(
                str(exc), user_message="舞萌DX的登录链接格式变了，请用 Cookie 方式绑定。"
            ) from None
        try:
            added = self.pending.add(qq, key, reply_via, path, link)
        except LinkTaken:
            raise BindingError(
                "two QQs got the same login link",
                user_message="这个登录链接撞车了，已作废，请重新发送 /bind。",
            ) from None
        finally:
            self.proxy.binds_changed()  # an older link of this QQ is void: so are its tunnels
        if added is None:
            raise BindingError(
                "too many pending binds", user_message="现在绑定的人太多了，请几分钟后再试。"
            )
        url = f"http://{self.public}/bind/{added.token}"
        return LoginLink(url, self.public, int(self.pending.ttl // 60))

    def on_link(self, token: str, client: str) -> Page:
        """The bot's link opened through the proxy: tie the bind to that address, on to WeChat."""
        pending = self.pending.open(token, client)
        if pending is None:
            log.info("login proxy: a bind link that is unknown, expired or someone else's")
            return UNKNOWN_PAGE
        return Page(302, f"<a href='{escape(pending.link)}'>继续</a>", location=pending.link)

    async def on_callback(self, request: CallbackRequest) -> Page:
        """The proxy caught a callback: a GET answers the consent page, the consent form's POST
        completes the login — both only for the pending bind's own link, path and address."""
        key = callback_key(request.query)
        pending = self.pending.peek(key) if key is not None else None
        if (
            pending is None
            or request.path != pending.path  # another path on the OAuth host: never asked
            or request.client != pending.client  # not the browser that opened the bot's link
        ):
            log.info(
                "login proxy: a callback matched no link waiting for it (refused, not forwarded)"
            )
            return UNKNOWN_PAGE
        if request.method != "POST":  # a GET binds nothing: it asks
            action = escape(f"{request.path}?{request.query}", quote=True)
            html = CONSENT.format(qq=masked_qq(pending.qq), action=action, nonce=pending.nonce)
            return Page(200, html)
        if not hmac.compare_digest(request.form.get("consent", ""), pending.nonce):
            log.info("login proxy: a consent form without its one-time field (refused)")
            return UNKNOWN_PAGE
        assert key is not None
        self.pending.take(key)
        self.proxy.binds_changed()  # the bind is done: its tunnels close
        via = pending.via
        target = callback_target(self.oauth_url, request.path, request.query)
        try:
            bound = await self.app.bind(pending.qq, CallbackUrl(target))
        except MaimaiError as exc:
            log.info("one-tap login failed: %s", type(exc).__name__)
            await self._tell(pending.qq, f"绑定失败：{exc.user_message}", via)
            return FAILED_PAGE
        await self._tell(pending.qq, bound_message(bound, "可以关闭微信的代理了。"), via)
        return DONE_PAGE

    async def _tell(self, qq: str, text: str, via: str | None) -> None:
        try:
            await self.notify(qq, text, via)
        except Exception as exc:  # the browser page still says what happened
            log.info("could not tell %s how the login went: %s", qq, type(exc).__name__)
