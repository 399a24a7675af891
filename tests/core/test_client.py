"""MaimaiClient against mocked transports (respx / httpx.MockTransport); no real network."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from plugins.maimai_archive.core.client import (
    BASE_URL_CN,
    WECHAT_UA,
    MaimaiClient,
)
from plugins.maimai_archive.core.errors import (
    ChallengePage,
    LoginFailed,
    Maintenance,
    NetworkError,
    OffSite,
    PageChanged,
    RateLimited,
    SessionError,
    SessionExpired,
    TruncatedPage,
)
from plugins.maimai_archive.core.login.callback import follow_oauth_callback
from tests.core.test_pages_support import synthetic

BASE = BASE_URL_CN
SECRET = "s3cr3t-token-value"
OK_PAGE = "<html><head><title>舞萌DX－主页－</title></head><body>ok</body></html>"
ERROR_PAGE = (
    '<html><body><img class="title m_10" src="https://maimai.wahlap.com/maimai-mobile/img/title_error.png"/>'
    '<div class="container_red p_10"><div class="p_5 f_14">错误码：200002</div>'
    '<div class="p_5 f_12 gray break">连接时间已过期。</div></div></body></html>'
)


async def _no_sleep(_: float) -> None:
    return None


def _counting_handler():
    """A slow async handler that records the most requests it saw in flight at once."""
    stats = {"in_flight": 0, "max_in_flight": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        stats["in_flight"] += 1
        stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
        await asyncio.sleep(0.01)
        stats["in_flight"] -= 1
        return httpx.Response(200, text=OK_PAGE)

    return handler, stats


def _client(**kw) -> MaimaiClient:
    kw.setdefault("cookies", {"userId": "1", "_t": SECRET, "__tst_status": "x"})
    kw.setdefault("request_interval", 0)
    kw.setdefault("sleep", _no_sleep)
    return MaimaiClient(BASE, **kw)


@respx.mock
async def test_rotated_cookies_reach_the_callback_after_every_response() -> None:
    seen: list[dict[str, str]] = []

    async def on_cookies(jar: dict[str, str]) -> None:
        seen.append(jar)

    route = respx.get(BASE + "home/")
    route.side_effect = [
        httpx.Response(200, text=OK_PAGE, headers={"set-cookie": "_t=second; Path=/"}),
        httpx.Response(200, text=OK_PAGE, headers={"set-cookie": "_t=third; Path=/"}),
        httpx.Response(200, text=OK_PAGE),
    ]
    async with _client(on_cookies=on_cookies) as client:
        for _ in range(3):
            await client.get_page("home/")
        assert [j["_t"] for j in seen] == ["second", "third"]  # the third response set nothing
        assert seen[-1]["__tst_status"] == "x" and seen[-1]["userId"] == "1"
        sent = [call.request.headers["cookie"] for call in route.calls]
        assert "_t=" + SECRET in sent[0] and "_t=second" in sent[1] and "_t=third" in sent[2]
        assert route.calls[0].request.headers["user-agent"] == WECHAT_UA
        assert client.requests == 3 and client.bytes_received == 3 * len(OK_PAGE.encode())


@respx.mock
async def test_rate_limit_567_is_retried_then_raised() -> None:
    route = respx.get(BASE + "record/").mock(return_value=httpx.Response(567))
    async with _client(retries=2) as client:
        with pytest.raises(RateLimited):
            await client.get_page("record/")
    assert route.call_count == 3


@respx.mock
async def test_567_then_success_returns_the_page() -> None:
    respx.get(BASE + "home/").side_effect = [httpx.Response(567), httpx.Response(200, text=OK_PAGE)]
    async with _client() as client:
        assert await client.get_page("home/") == OK_PAGE


@respx.mock
async def test_timeouts_are_retried_then_network_error_without_cookie_values() -> None:
    route = respx.get(BASE + "home/").mock(side_effect=httpx.ConnectTimeout("slow"))
    async with _client(retries=1) as client:
        with pytest.raises(NetworkError) as err:
            await client.get_page("home/")
    assert route.call_count == 2
    assert SECRET not in str(err.value) and SECRET not in repr(err.value)
    assert SECRET not in repr(client)


@respx.mock
async def test_5xx_is_retried_and_maintenance_is_recognised() -> None:
    respx.get(BASE + "home/").side_effect = [httpx.Response(502), httpx.Response(200, text=OK_PAGE)]
    respx.get(BASE + "record/").mock(
        return_value=httpx.Response(503, text=synthetic("maintenance.html"))
    )
    async with _client() as client:
        assert await client.get_page("home/") == OK_PAGE
        with pytest.raises(Maintenance):
            await client.get_page("record/")


@pytest.mark.parametrize("location", [BASE, BASE + "error/", BASE + "logout/"])
@respx.mock
async def test_redirect_to_login_error_or_logout_is_session_expired(location: str) -> None:
    respx.get(BASE + "record/").mock(
        return_value=httpx.Response(302, headers={"location": location})
    )
    follow = respx.get(location).mock(return_value=httpx.Response(200, text=OK_PAGE))
    async with _client() as client:
        with pytest.raises(SessionExpired):
            await client.get_page("record/")
    assert follow.call_count == 0  # never followed, logout least of all


@respx.mock
async def test_error_and_challenge_bodies_raise_typed_errors() -> None:
    respx.get(BASE + "home/").mock(return_value=httpx.Response(200, text=ERROR_PAGE))
    respx.get(BASE + "record/").mock(
        return_value=httpx.Response(200, text=synthetic("waf_challenge.html"))
    )
    async with _client() as client:
        with pytest.raises(SessionExpired):
            await client.get_page("home/")
        with pytest.raises(ChallengePage):
            await client.get_page("record/")


async def test_logout_is_refused_before_any_request() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, text=OK_PAGE)

    async with _client(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ValueError):
            await client.get_page("logout/")
        with pytest.raises(ValueError):
            await client.get_page("home/LOGOUT")
    assert calls == 0


async def test_requests_for_one_account_run_one_at_a_time_with_the_interval() -> None:
    handler, stats = _counting_handler()
    waits: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waits.append(seconds)

    async with _client(
        transport=httpx.MockTransport(handler), request_interval=5.0, sleep=record_sleep
    ) as client:
        await asyncio.gather(*(client.get_page("home/") for _ in range(4)))
    assert stats["max_in_flight"] == 1
    assert len(waits) == 3 and all(0 < w <= 5.0 for w in waits)


async def test_shared_semaphore_caps_concurrent_accounts() -> None:
    handler, stats = _counting_handler()
    cap = asyncio.Semaphore(2)
    clients = [_client(transport=httpx.MockTransport(handler), semaphore=cap) for _ in range(5)]
    await asyncio.gather(*(c.get_page("home/") for c in clients))
    for c in clients:
        await c.aclose()
    assert stats["max_in_flight"] == 2


@respx.mock
async def test_typed_helper_parses_off_the_loop() -> None:
    respx.get(BASE + "playerData/photo/").mock(
        return_value=httpx.Response(200, text=synthetic("photos_album.html"))
    )
    async with _client() as client:
        photos = await client.photos()
    assert [p.title for p in photos] == ["Link", "\u3000"]


@respx.mock
async def test_oauth_callback_collects_the_site_cookies() -> None:
    callback = (
        "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=1&t=2&code=c&state=s"
    )
    respx.get(callback).mock(
        return_value=httpx.Response(
            302,
            headers=[
                ("location", BASE + "home/"),
                ("set-cookie", "userId=42; Path=/"),
                ("set-cookie", "_t=tok; Path=/"),
            ],
        )
    )
    home = respx.get(BASE + "home/").mock(
        return_value=httpx.Response(200, text=OK_PAGE, headers={"set-cookie": "friendCodeList=x"})
    )
    jar = await follow_oauth_callback(callback)
    assert jar == {"userId": "42", "_t": "tok", "friendCodeList": "x"}
    assert "userId=42" in home.calls[0].request.headers["cookie"]


@respx.mock
async def test_oauth_callback_without_user_id_or_off_site_fails() -> None:
    callback = "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?code=bad"
    respx.get(callback).mock(return_value=httpx.Response(200, text=ERROR_PAGE))
    with pytest.raises(LoginFailed):
        await follow_oauth_callback(callback)
    with pytest.raises(LoginFailed):
        await follow_oauth_callback("https://example.com/callback")


@respx.mock
async def test_a_body_cut_before_html_end_is_a_truncated_page() -> None:
    route = respx.get(BASE + "record/playlogDetail/")
    route.mock(return_value=httpx.Response(200, text=OK_PAGE[: OK_PAGE.index("</body>")]))
    async with _client() as c:
        with pytest.raises(TruncatedPage) as err:
            await c.get_page("record/playlogDetail/", {"idx": "1,1700000000"})
    assert isinstance(err.value, PageChanged) and "</html>" in err.value.missing


@respx.mock
async def test_whitespace_after_html_end_is_still_a_complete_page() -> None:
    respx.get(BASE + "home/").mock(return_value=httpx.Response(200, text=OK_PAGE.upper() + "\n\t "))
    async with _client() as c:
        assert (await c.get_page("home/")).startswith("<HTML>")


LOCAL_SITE = "http://127.0.0.1:8765/maimai-mobile/"
LOCAL_CALLBACK = "http://127.0.0.1:8765/wc_auth/oauth/callback/maimai-dx?code=c&state=s"


@respx.mock
async def test_oauth_callback_is_strict_by_default_even_for_a_local_site() -> None:
    route = respx.get(LOCAL_CALLBACK).mock(return_value=httpx.Response(200, text=OK_PAGE))
    with pytest.raises(LoginFailed):
        await follow_oauth_callback(LOCAL_CALLBACK)
    assert not route.called  # refused before any request


@respx.mock
async def test_oauth_callback_follows_the_configured_local_site() -> None:
    respx.get(LOCAL_CALLBACK).mock(
        return_value=httpx.Response(
            302,
            headers=[("location", "/maimai-mobile/home/"), ("set-cookie", "userId=7; Path=/")],
        )
    )
    home = respx.get(LOCAL_SITE + "home/").mock(return_value=httpx.Response(200, text=OK_PAGE))
    jar = await follow_oauth_callback(LOCAL_CALLBACK, base_url=LOCAL_SITE)
    assert jar == {"userId": "7"} and home.called


@respx.mock
async def test_oauth_callback_with_a_local_site_still_refuses_other_hosts() -> None:
    respx.get(LOCAL_CALLBACK).mock(
        return_value=httpx.Response(302, headers={"location": "http://127.0.0.1:9999/steal"})
    )
    other = respx.get("http://127.0.0.1:9999/steal").mock(return_value=httpx.Response(200))
    with pytest.raises(LoginFailed):
        await follow_oauth_callback(LOCAL_CALLBACK, base_url=LOCAL_SITE)
    assert not other.called


@respx.mock
async def test_an_off_site_redirect_is_off_site_not_an_expired_session() -> None:
    cdn = "https://cdn.example.test/photo/a.jpg"
    respx.get(BASE + "img/photo/a.jpg").mock(
        return_value=httpx.Response(302, headers={"location": cdn})
    )
    respx.get(BASE + "playerData/photo/").mock(
        return_value=httpx.Response(
            302, headers={"location": "https://cdn.example.test/maimai-mobile/"}
        )
    )
    follow = respx.get(cdn).mock(return_value=httpx.Response(200, content=b"\xff\xd8"))
    async with _client() as client:
        with pytest.raises(OffSite) as photo:
            await client.image(BASE + "img/photo/a.jpg")
        with pytest.raises(OffSite) as album:  # the base path on another host: not the login root
            await client.get_page("playerData/photo/")
    assert isinstance(photo.value, PageChanged) and not isinstance(album.value, SessionError)
    assert follow.call_count == 0


@respx.mock
async def test_a_redirect_to_the_site_root_is_an_expired_session() -> None:
    respx.get(BASE + "record/").mock(return_value=httpx.Response(302, headers={"location": "/"}))
    async with _client() as client:
        with pytest.raises(SessionExpired):
            await client.get_page("record/")
