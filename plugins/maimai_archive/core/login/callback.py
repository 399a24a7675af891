"""Following the WeChat OAuth callback URL to the session cookies it sets.

Used by ``/bind <callback URL>`` and by the one-tap login (the bot requests the callback the
proxy caught). Only the site's own hosts are followed; the body of every step is capped.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urljoin, urlsplit

import httpx

from ..caps import MAX_PAGE_BYTES, read_capped
from ..client import browser_client
from ..errors import LoginFailed, NetworkError
from ..pages.markup import make_tree
from ..pages.status import Status, detect

OAUTH_HOST_SUFFIX = ".wahlap.com"


def _oauth_url_allowed(url: str, base_url: str | None) -> bool:
    """https on a wahlap.com host always; with ``base_url``, also that exact scheme and host:port
    (a local simulator such as ``http://127.0.0.1:PORT/maimai-mobile/``)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and (parts.hostname or "").endswith(OAUTH_HOST_SUFFIX):
        return True
    if base_url is None:
        return False
    base = urlsplit(base_url)
    return (parts.scheme, parts.netloc) == (base.scheme, base.netloc) and bool(base.netloc)


async def follow_oauth_callback(
    url: str,
    *,
    base_url: str | None = None,
    request_timeout: float = 20.0,
    transport: httpx.AsyncBaseTransport | None = None,
    max_redirects: int = 5,
    max_bytes: int = MAX_PAGE_BYTES,
) -> dict[str, str]:
    """Follow the WeChat OAuth callback URL (``…/wc_auth/oauth/callback/maimai-dx?…``) and
    return the cookies the site set on the way (``userId``, ``_t``, …).

    Only https URLs on wahlap.com hosts are followed, plus — when ``base_url`` (the configured
    site, e.g. a local simulator) is given — URLs on exactly that scheme and host:port.
    LoginFailed when the chain leaves those hosts, ends on an error page or sets no ``userId``.
    """
    jar: dict[str, str] = {}
    async with browser_client(request_timeout, transport) as http:
        for _ in range(max_redirects + 1):
            if not _oauth_url_allowed(url, base_url):
                raise LoginFailed(f"OAuth chain left the site ({urlsplit(url).hostname})")
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())} if jar else {}
            try:
                async with http.stream("GET", url, headers=headers) as response:
                    body = (
                        b""
                        if response.is_redirect
                        else await read_capped(response, max_bytes, "OAuth callback")
                    )
            except httpx.TransportError as exc:
                raise NetworkError(f"OAuth callback: {type(exc).__name__}") from None
            except (httpx.InvalidURL, ValueError) as exc:  # a URL urllib read and httpx does not
                raise LoginFailed(f"OAuth callback URL unusable ({type(exc).__name__})") from None
            response._content = body  # as in MaimaiClient._request_spaced
            http.cookies.clear()
            for cookie in response.cookies.jar:
                if cookie.value is not None:
                    jar[cookie.name] = cookie.value
            if not response.is_redirect:
                if await asyncio.to_thread(_is_error_page, response.text):
                    raise LoginFailed("OAuth callback ended on an error page")
                break
            url = urljoin(url, response.headers.get("location", ""))
            if "logout" in url:
                raise LoginFailed("OAuth chain redirected to logout")
        else:
            raise NetworkError("OAuth callback: too many redirects")
    if "userId" not in jar:
        raise LoginFailed("OAuth callback set no userId cookie")
    return jar


def _is_error_page(html: str) -> bool:
    return detect(make_tree(html)) is Status.ERROR
