"""MaimaiClient: fetches maimai-mobile pages for one account and classifies every failure.

Why it is shaped like this (DOMAIN.md §1–2):
- the site rotates ``userId``/``_t`` on responses and the old values stop working, so requests
  for one account go strictly one at a time and the full jar is handed to ``on_cookies`` after
  *every* response that changed it — a crash after a response never leaves a stale cookie;
- the WAF wants the browser's extra cookies and real WeChat browser headers;
- ``logout/`` kills the session, so no path containing it is ever requested.

The client keeps the jar itself (a plain dict sent as one ``Cookie`` header) instead of httpx's
domain-scoped jar, so what is sent is exactly what was handed in plus what the site set.
Cookie values never reach a log line, an exception or a repr.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from .caps import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_PAGE_BYTES,
    OFFLOAD_BYTES,
    check_image,
    read_capped,
)
from .errors import (
    Maintenance,
    NetworkError,
    OffSite,
    PageChanged,
    PageMissing,
    RateLimited,
    SessionExpired,
    TruncatedPage,
)
from .pages import check_status, parse_photos, parse_profile
from .pages.detail import parse_detail_tree
from .pages.markup import Element, make_tree
from .pages.record import parse_record_tree
from .pages.scores import parse_scores_tree
from .pages.status import Status, detect, raise_for_status
from .parsed import ParsedPhoto, ParsedPlay, ParsedPlayDetail, ParsedProfile, ParsedScore

log = logging.getLogger(__name__)
T = TypeVar("T")

BASE_URL_CN = "https://maimai.wahlap.com/maimai-mobile/"
WECHAT_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/81.0.4044.138 Safari/537.36 NetType/WIFI "
    "MicroMessenger/7.0.20.1781(0x6700143B) WindowsWechat(0x6307001e)"
)
BROWSER_HEADERS = {
    "User-Agent": WECHAT_UA,
    "Accept": (
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
        "image/apng,*/*;q=0.8"
    ),
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
    "Upgrade-Insecure-Requests": "1",
    "Sec-Fetch-Site": "same-origin",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-User": "?1",
    "Sec-Fetch-Dest": "document",
}


def browser_client(
    timeout: float, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """One request's client for the login's own hops (authorize, OAuth callback): the
    browser's headers, redirects followed by hand (each hop is checked)."""
    return httpx.AsyncClient(
        timeout=timeout, transport=transport, follow_redirects=False, headers=BROWSER_HEADERS
    )


HTTP_RATE_LIMITED = 567
MAX_REDIRECTS = 3
CookieCallback = Callable[[dict[str, str]], Awaitable[None]]


def _is_session_redirect(location: str, base_url: str) -> bool:
    """A redirect to the site's own login root (or its host's root), ``error/`` or ``logout/``
    means the session is gone; a redirect to another host says nothing about the session."""
    if urlsplit(location).netloc != urlsplit(base_url).netloc:
        return False
    target = urlsplit(location).path.rstrip("/") + "/"
    base = urlsplit(base_url).path.rstrip("/") + "/"
    return target in (base, "/") or "/error" in target or "logout" in target


def is_complete_html(body: str) -> bool:
    """Whether the body ends with ``</html>`` (trailing whitespace allowed)."""
    return body.rstrip()[-7:].lower() == "</html>"


class MaimaiClient:
    """One account's view of maimai-mobile. Use as ``async with MaimaiClient(...) as c:``.

    ``semaphore`` (shared by all clients) caps how many accounts talk to the site at once;
    it is held for each request. ``requests`` and ``bytes_received`` count what was fetched.
    """

    def __init__(
        self,
        base_url: str = BASE_URL_CN,
        cookies: Mapping[str, str] | None = None,
        *,
        on_cookies: CookieCallback | None = None,
        request_interval: float = 1.0,
        timeout: float = 20.0,
        semaphore: asyncio.Semaphore | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        retries: int = 3,
        backoff: float = 2.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        max_page_bytes: int = MAX_PAGE_BYTES,
        max_image_bytes: int = MAX_IMAGE_BYTES,
        max_image_pixels: int = MAX_IMAGE_PIXELS,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._cookies: dict[str, str] = dict(cookies or {})
        self._on_cookies = on_cookies
        self._interval = request_interval
        self._semaphore = semaphore
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._max_page = max_page_bytes
        self._max_image = max_image_bytes
        self._max_pixels = max_image_pixels
        self._lock = asyncio.Lock()
        self._last_request: float | None = None
        self._http = httpx.AsyncClient(
            timeout=timeout, transport=transport, follow_redirects=False, headers=BROWSER_HEADERS
        )
        self.requests = 0
        self.bytes_received = 0

    def __repr__(self) -> str:  # never the cookie values
        return f"MaimaiClient({self.base_url!r}, cookies={sorted(self._cookies)})"

    @property
    def cookies(self) -> dict[str, str]:
        """A copy of the current jar (the newest values the site set)."""
        return dict(self._cookies)

    async def __aenter__(self) -> MaimaiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- fetching ---------------------------------------------------------------------------

    async def get_page(self, path: str, params: Mapping[str, str | int] | None = None) -> str:
        """GET a page (path relative to base_url) and return its text, or raise the typed error.

        Redirect to login/error/logout → SessionExpired; to another host → OffSite; 567 → retried, then RateLimited;
        timeouts/network errors/5xx → retried, then NetworkError; an error, maintenance or
        challenge page → its typed error (see pages.check_status); a body that stops before
        ``</html>`` → TruncatedPage (a PageChanged; not retried here, the sync retries later).
        """
        body = await self._fetch(path, params)
        await asyncio.to_thread(check_status, body)
        _require_complete(path, body)
        return body

    async def _read(
        self, path: str, params: Mapping[str, str | int] | None, parse: Callable[[Element], T]
    ) -> T:
        """``get_page`` and a tree parser in one: the page is turned into a tree once, off the
        event loop, for both the status check and the parser."""
        body = await self._fetch(path, params)

        def work() -> T:
            root = make_tree(body)
            raise_for_status(root)
            _require_complete(path, body)
            return parse(root)

        return await _keeping_body(body, work)

    async def _read_text(self, path: str, parse: Callable[[str], T]) -> T:
        """``get_page`` and a text parser, the page kept on the error when it does not parse."""
        body = await self._fetch(path, None)

        def work() -> T:
            check_status(body)
            _require_complete(path, body)
            return parse(body)

        return await _keeping_body(body, work)

    async def _fetch(self, path: str, params: Mapping[str, str | int] | None) -> str:
        if "logout" in path.lower():
            raise ValueError("refusing to request a logout page: it ends the session")
        async with self._lock:
            response = await self._get_with_retries(
                urljoin(self.base_url, path), params, self._max_page
            )
        return await _text(response)

    async def image(self, url: str) -> bytes:
        """An image the site serves to this account (album photos); same session, same pace."""
        if urlsplit(url).netloc not in ("", urlsplit(self.base_url).netloc):
            raise OffSite("photo", "an image on the site's own host")
        async with self._lock:
            response = await self._get_with_retries(
                urljoin(self.base_url, url), None, self._max_image
            )
        if not response.headers.get("content-type", "").startswith("image/"):
            await asyncio.to_thread(
                check_status, await _text(response)
            )  # an error page: its typed error
            raise PageChanged("photo", f"an image at {urlsplit(url).path}")
        # From the header: nothing has decoded it (TooLarge for a bomb, PageChanged for no image).
        await asyncio.to_thread(
            check_image, response.content, f"photo {urlsplit(url).path}", self._max_pixels
        )
        return response.content

    async def _get_with_retries(
        self, url: str, params: Mapping[str, Any] | None, limit: int
    ) -> httpx.Response:
        path = urlsplit(url).path
        for attempt in range(self._retries + 1):
            last = attempt == self._retries
            try:
                response = await self._send(url, params, limit)
            except httpx.TransportError as exc:
                log.info("GET %s failed: %s (attempt %d)", path, type(exc).__name__, attempt + 1)
                if last:
                    raise NetworkError(f"GET {path}: {type(exc).__name__}") from None
                await self._sleep(self._backoff * 2**attempt)
                continue
            status = response.status_code
            if status == HTTP_RATE_LIMITED:
                if last:
                    raise RateLimited(f"GET {path}: HTTP 567 after {attempt + 1} tries")
                await self._sleep(self._backoff * 2**attempt)
                continue
            if status >= 500:
                if await asyncio.to_thread(_is_maintenance, response):
                    raise Maintenance(f"GET {path}: HTTP {status} maintenance page")
                if last:
                    raise NetworkError(f"GET {path}: HTTP {status} after {attempt + 1} tries")
                await self._sleep(self._backoff * 2**attempt)
                continue
            if status >= 400:
                raise PageMissing(path, f"the page (HTTP {status})")
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _send(self, url: str, params: Mapping[str, Any] | None, limit: int) -> httpx.Response:
        """One logical GET: follows same-site redirects, refusing session-ending ones."""
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._request(url, params, limit)
            if not response.is_redirect:
                return response
            location = urljoin(url, response.headers.get("location", ""))
            if _is_session_redirect(location, self.base_url):
                raise SessionExpired(f"redirected to {urlsplit(location).path}")
            if urlsplit(location).netloc != urlsplit(self.base_url).netloc:
                # e.g. a photo moved to a CDN: this page is unreadable, the session is fine
                raise OffSite(
                    urlsplit(url).path,
                    f"an answer on the site's own host, not {urlsplit(location).netloc}",
                )
            url, params = location, None
        raise NetworkError(f"too many redirects from {urlsplit(url).path}")

    async def _request(
        self, url: str, params: Mapping[str, Any] | None, limit: int
    ) -> httpx.Response:
        if self._semaphore is not None:
            async with self._semaphore:
                return await self._request_spaced(url, params, limit)
        return await self._request_spaced(url, params, limit)

    async def _request_spaced(
        self, url: str, params: Mapping[str, Any] | None, limit: int
    ) -> httpx.Response:
        if self._last_request is not None:
            wait = self._interval - (time.monotonic() - self._last_request)
            if wait > 0:
                await self._sleep(wait)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self._cookies.items())}
        headers["Referer"] = self.base_url
        request = self._http.build_request("GET", url, params=params, headers=headers)
        try:
            response = await self._http.send(request, stream=True)
        finally:
            self._last_request = time.monotonic()
            self.requests += 1
        try:
            self._http.cookies.clear()  # our own jar is the only one
            # Before the body: a rotated _t must be kept even when the body is refused.
            await self._absorb_cookies(response)
            body = (
                b""
                if response.is_redirect
                else await read_capped(response, limit, urlsplit(url).path)
            )
        finally:
            await response.aclose()
        response._content = body  # what httpx's aread() sets; aread() itself has no cap
        self.bytes_received += len(body)
        return response

    async def _absorb_cookies(self, response: httpx.Response) -> None:
        changed = False
        for cookie in response.cookies.jar:
            if cookie.value is not None and self._cookies.get(cookie.name) != cookie.value:
                self._cookies[cookie.name] = cookie.value
                changed = True
        if changed and self._on_cookies is not None:
            await self._on_cookies(dict(self._cookies))

    # -- typed pages (parsing runs off the event loop) ---------------------------------------

    async def record(self) -> list[ParsedPlay]:
        return await self._read("record/", None, parse_record_tree)

    async def play_detail(self, idx: str) -> ParsedPlayDetail:
        return await self._read(
            "record/playlogDetail/", {"idx": idx}, lambda root: parse_detail_tree(root, idx)
        )

    async def scores(self, diff: int, *, played_only: bool = False) -> list[ParsedScore]:
        """Best scores of difficulty ``diff`` (0–4, 10 = Utage); ``played_only`` uses musicSort."""
        if played_only:
            path = "record/musicSort/search/"
            params: dict[str, str | int] = {
                "search": "A",
                "sort": 1,
                "playCheck": "on",
                "diff": diff,
            }
        else:
            path, params = "record/musicGenre/search/", {"genre": 99, "diff": diff}
        return await self._read(path, params, parse_scores_tree)

    async def home(self) -> ParsedProfile:
        return await self._read_text("home/", parse_profile)

    async def player_data(self) -> ParsedProfile:
        return await self._read_text("playerData/", parse_profile)

    async def friend_code(self) -> ParsedProfile:
        return await self._read_text("friend/userFriendCode/", parse_profile)

    async def photos(self) -> list[ParsedPhoto]:
        return await self._read_text("playerData/photo/", parse_photos)


async def _keeping_body(body: str, work: Callable[[], T]) -> T:
    """Run a parse off the event loop; a page that does not parse carries its text, so the
    sync can keep a (redacted) copy for the operator."""
    try:
        return await asyncio.to_thread(work)
    except PageChanged as e:
        e.body = body
        raise


async def _text(response: httpx.Response) -> str:
    """The body as text; a large one is decoded in a worker thread."""
    if len(response.content) > OFFLOAD_BYTES:
        return await asyncio.to_thread(lambda: response.text)
    return response.text


def _is_maintenance(response: httpx.Response) -> bool:
    return detect(make_tree(response.text)) is Status.MAINTENANCE


def _require_complete(path: str, body: str) -> None:
    if not is_complete_html(body):
        # A body cut off in transfer still parses (libxml2 closes what is open) and would
        # read as a play without judgements or a list missing its tail.
        raise TruncatedPage(path, "the end of the page (</html>)")
