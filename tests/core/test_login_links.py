"""The one-tap login link: rewriting, its key, and the binds waiting for their callback."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from plugins.maimai_archive.core.errors import LoginFailed
from plugins.maimai_archive.core.login.links import (
    LinkKey,
    PendingBinds,
    callback_key,
    callback_target,
    fetch_login_link,
    link_key,
    rewrite_link,
)

# The shape of the site's 302 (DOMAIN.md §1), values made up.
CALLBACK = "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=c9N1mMeLT&t=241114354"
LOCATION = (
    "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1234567890abcdef"
    f"&redirect_uri={quote(CALLBACK, safe='')}&response_type=code&scope=snsapi_base"
    "&state=24F0976C60BD9796310AD933AFEF39FF#wechat_redirect"
)
KEY = LinkKey("24F0976C60BD9796310AD933AFEF39FF", "c9N1mMeLT", "241114354")


def test_rewrite_turns_only_the_redirect_uri_to_plain_http() -> None:
    link = rewrite_link(LOCATION)
    assert link == LOCATION.replace("redirect_uri=https%3A", "redirect_uri=http%3A")
    assert link.startswith("https://open.weixin.qq.com/")  # WeChat's own page stays https
    assert "redirect_uri=https" not in link


def test_rewrite_handles_an_unencoded_redirect_and_refuses_a_link_without_one() -> None:
    assert (
        rewrite_link("https://w/a?redirect_uri=https://x/cb?r=1&state=s")
        == "https://w/a?redirect_uri=http://x/cb?r=1&state=s"
    )
    already = LOCATION.replace("redirect_uri=https%3A", "redirect_uri=http%3A")
    assert rewrite_link(already) == already
    with pytest.raises(ValueError):
        rewrite_link("https://open.weixin.qq.com/connect/oauth2/authorize?appid=x&state=y")


def test_link_key_is_the_state_and_the_callbacks_r_and_t() -> None:
    assert link_key(rewrite_link(LOCATION)) == KEY
    assert "c9N1mMeLT" not in repr(KEY)
    with pytest.raises(ValueError):
        link_key(
            "https://open.weixin.qq.com/connect/oauth2/authorize?state=x&redirect_uri=http%3A%2F%2Fh%2Fcb%3Fr%3D1"
        )


def test_the_callback_names_the_same_key_and_needs_a_code() -> None:
    query = "r=c9N1mMeLT&t=241114354&code=071EIC0003YUbTf5X31EIC0p&state=24F0976C60BD9796310AD933AFEF39FF"
    assert callback_key(query) == KEY
    assert callback_key("r=c9N1mMeLT&t=241114354&state=24F0976C60BD9796310AD933AFEF39FF") is None
    # A repeated field is not trusted (which one would the site read?).
    assert callback_key(query + "&r=other") is None


def test_the_callback_is_requested_on_the_configured_host_never_the_browsers() -> None:
    target = callback_target(
        "https://tgk-wcaime.wahlap.com/wc_auth/oauth/authorize/maimai-dx",
        "/wc_auth/oauth/callback/maimai-dx",
        "r=1&t=2&code=3&state=4",
    )
    assert (
        target
        == "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=1&t=2&code=3&state=4"
    )
    local = callback_target(
        "http://127.0.0.1:9/wc_auth/oauth/authorize/maimai-dx", "/wc_auth/oauth/callback/x", "q=1"
    )
    assert local == "http://127.0.0.1:9/wc_auth/oauth/callback/x?q=1"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_pending_bind_is_used_once_within_ten_minutes() -> None:
    clock = Clock()
    pending = PendingBinds(clock=clock)
    assert pending.ttl == 600
    pending.add("20001", KEY, via="10001")
    clock.now += 599
    taken = pending.take(KEY)
    assert taken is not None and taken.qq == "20001" and taken.via == "10001"
    assert pending.take(KEY) is None  # replayed
    assert not pending.active()


def test_a_pending_bind_expires_after_ten_minutes() -> None:
    clock = Clock()
    pending = PendingBinds(clock=clock)
    pending.add("20001", KEY)
    assert pending.active() and len(pending) == 1
    clock.now += 600
    assert not pending.active() and len(pending) == 0
    assert pending.take(KEY) is None


def test_a_new_bind_replaces_the_users_older_link_and_the_total_is_capped() -> None:
    pending = PendingBinds(clock=Clock(), limit=2)
    other = LinkKey("s2", "r2", "t2")
    pending.add("20001", KEY)
    pending.add("20001", other)
    assert pending.take(KEY) is None and pending.take(other) is not None
    assert pending.add("1", KEY) is not None and pending.add("2", other) is not None
    assert pending.add("3", LinkKey("s3", "r3", "t3")) is None
    assert len(pending) == 2


async def test_fetch_login_link_asks_as_wechat_and_returns_the_rewritten_redirect() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"location": LOCATION})

    link = await fetch_login_link(
        "https://tgk-wcaime.wahlap.com/wc_auth/oauth/authorize/maimai-dx",
        transport=httpx.MockTransport(handler),
    )
    assert link == rewrite_link(LOCATION)
    assert "MicroMessenger" in seen[0].headers["user-agent"]


async def test_fetch_login_link_without_a_redirect_is_a_login_failure() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, text="<html></html>"))
    with pytest.raises(LoginFailed):
        await fetch_login_link("https://tgk-wcaime.wahlap.com/x", transport=transport)


def test_the_allowlist_names_hosts_and_wildcards_name_subdomains() -> None:
    from plugins.maimai_archive.config import DEFAULT_BIND_PROXY_ALLOW
    from plugins.maimai_archive.core.login.proxy import parse_allow, split_host_port
    from plugins.maimai_archive.core.login.targets import host_allowed

    allow = parse_allow(" open.weixin.qq.com, *.wx.qq.com. ,")
    assert allow == ("open.weixin.qq.com", "*.wx.qq.com")
    assert host_allowed("open.weixin.qq.com", allow) and host_allowed("res.wx.qq.com", allow)
    assert not host_allowed("qq.com", allow) and not host_allowed("weixin.qq.com", allow)
    assert not host_allowed("wx.qq.com", allow) and not host_allowed("evilwx.qq.com", allow)
    assert not host_allowed("open.weixin.qq.com.evil.net", allow)
    assert not host_allowed("", allow) and not host_allowed("1.2.3.4", allow)
    default = parse_allow(DEFAULT_BIND_PROXY_ALLOW)  # the login's hosts, not whole domains
    assert "open.weixin.qq.com" in default
    assert not any(host_allowed(h, default) for h in ("qq.com", "x.qq.com", "wahlap.com"))
    assert split_host_port("open.weixin.qq.com:443", 0) == ("open.weixin.qq.com", 443)
    assert split_host_port("[::1]:443", 0) == ("::1", 443)
    assert split_host_port("host:notaport", 0) is None


def test_a_link_another_qq_waits_on_is_refused_and_drops_both() -> None:
    from plugins.maimai_archive.core.login.links import LinkTaken

    pending = PendingBinds(clock=Clock())
    pending.add("20001", KEY)
    with pytest.raises(LinkTaken):
        pending.add("20002", KEY)  # the same (state, r, t): whose login would the callback be?
    assert pending.take(KEY) is None and len(pending) == 0
    assert pending.add("20001", KEY) is not None  # the same QQ asking again just renews it
    assert pending.add("20001", KEY) is not None and len(pending) == 1


async def test_fetch_login_link_maps_a_broken_body_to_a_network_error_and_caps_it() -> None:
    from plugins.maimai_archive.core.errors import NetworkError, TooLarge

    async def not_gzip():
        yield b"not gzip at all"

    broken = httpx.MockTransport(
        lambda r: httpx.Response(
            302, headers={"location": LOCATION, "content-encoding": "gzip"}, content=not_gzip()
        )
    )
    with pytest.raises(NetworkError):  # httpx.DecodingError is no TransportError
        await fetch_login_link("https://tgk-wcaime.wahlap.com/x", transport=broken)

    sent: list[int] = []

    async def endless():
        for _ in range(10_000):
            sent.append(1)
            yield b"x" * 1024

    huge = httpx.MockTransport(
        lambda r: httpx.Response(302, headers={"location": LOCATION}, content=endless())
    )
    with pytest.raises(TooLarge):
        await fetch_login_link("https://tgk-wcaime.wahlap.com/x", transport=huge)
    assert len(sent) < 100  # stopped at the cap, not read to the end


def test_a_callback_path_is_exact_without_dot_segments() -> None:
    from plugins.maimai_archive.core.login.links import is_callback_path, link_callback_path

    assert link_callback_path(rewrite_link(LOCATION)) == "/wc_auth/oauth/callback/maimai-dx"
    assert is_callback_path("/wc_auth/oauth/callback/maimai-dx")
    for other in (
        "/wc_auth/oauth/callback/../../x",
        "/wc_auth/oauth/callback/%2e%2E/%2e%2e/x",
        "/wc_auth/oauth/callback/./maimai-dx",
        "/wc_auth/oauth/callback/..%5c..%5cx",
        "/wc_auth/x",
    ):
        assert not is_callback_path(other), other
    with pytest.raises(ValueError):
        link_callback_path(LOCATION.replace("callback%2Fmaimai-dx", "callback%2F..%2F..%2Fx"))
