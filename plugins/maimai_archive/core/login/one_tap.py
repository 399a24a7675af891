"""One-tap /bind: hands out WeChat login links and completes the login when the proxy catches
the callback. The chat layer starts it and turns its results into replies."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from ..archiving.binding import CallbackUrl
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
from .proxy import BindProxy, Page, parse_allow, split_host_port

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
        self.proxy = BindProxy(
            intercept_host=urlsplit(self.oauth_url).hostname or "",
            on_callback=self.on_callback,
            tunnels_open=self.pending.active,
            allow=parse_allow(config.maimai_bind_proxy_allow),
            connect_port=connect_port,
            allow_private=allow_private,  # tests only (loopback test servers)
        )

    async def start(self) -> None:
        await self.proxy.start(*self.listen)

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
            added = self.pending.add(qq, key, reply_via, path)
        except LinkTaken:
            raise BindingError(
                "two QQs got the same login link",
                user_message="这个登录链接撞车了，已作废，请重新发送 /bind。",
            ) from None
        if added is None:
            raise BindingError(
                "too many pending binds", user_message="现在绑定的人太多了，请几分钟后再试。"
            )
        return LoginLink(link, self.public, int(self.pending.ttl // 60))

    async def on_callback(self, path: str, query: str) -> Page:
        """The proxy caught a callback: complete the login when it answers a pending bind."""
        key = callback_key(query)
        pending = self.pending.take(key) if key is not None else None
        if pending is None or path != pending.path:  # another path on the OAuth host: never asked
            log.info(
                "login proxy: a callback matched no link waiting for it (refused, not forwarded)"
            )
            return UNKNOWN_PAGE
        via = pending.via
        try:
            _, profile = await self.app.bind(
                pending.qq, CallbackUrl(callback_target(self.oauth_url, path, query))
            )
        except MaimaiError as exc:
            log.info("one-tap login failed: %s", type(exc).__name__)
            await self._tell(pending.qq, f"绑定失败：{exc.user_message}", via)
            return FAILED_PAGE
        rating = f"，DX Rating {profile.rating}" if profile.rating is not None else ""
        await self._tell(
            pending.qq,
            f"绑定成功：{profile.name}{rating}。\n可以关闭微信的代理了。"
            "在群里或这里发送 /sync 开始存档；/autosync on 让我定时同步。",
            via,
        )
        return DONE_PAGE

    async def _tell(self, qq: str, text: str, via: str | None) -> None:
        try:
            await self.notify(qq, text, via)
        except Exception as exc:  # the browser page still says what happened
            log.info("could not tell %s how the login went: %s", qq, type(exc).__name__)
