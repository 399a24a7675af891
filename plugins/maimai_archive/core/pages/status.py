"""Pages that carry no data: the site's error page, the WAF challenge, maintenance.

Recognised by structure (the error page's red container and title image), by the WAF's own
script markers, and by the maintenance title; the *kind* of an error page is decided by its
numeric code, never by its message text.
"""

from __future__ import annotations

import re
from enum import Enum

from bs4 import BeautifulSoup

from ..errors import ChallengePage, LoginFailed, Maintenance, SessionExpired, SiteError
from ..records import ParsedError
from .common import img_icon, make_soup, tag_text

CODE_SESSION_EXPIRED = "200002"
CODE_LOGIN_FAILED = "100001"
_CODE = re.compile(r"\d{3,}")
# Names the EdgeOne challenge script sets or calls; none appears on a real maimai-mobile page.
_CHALLENGE_MARKERS = ("__tst_status", "EO_Bot", "edgeone", "TencentCloud")
_MAINTENANCE_TITLES = ("メンテナンス", "维护", "維護", "maintenance", "Maintenance")


class Status(Enum):
    ERROR = "error"
    CHALLENGE = "challenge"
    MAINTENANCE = "maintenance"


def detect(soup: BeautifulSoup) -> Status | None:
    """Which no-data page this is, or None for a normal page."""
    title_img = img_icon(soup.select_one("img.title"))
    title = soup.title.get_text() if soup.title else ""
    if title_img.startswith("title_maintenance") or any(m in title for m in _MAINTENANCE_TITLES):
        return Status.MAINTENANCE
    if title_img == "title_error" or soup.select_one("div.container_red div.p_5.f_14"):
        return Status.ERROR
    if _is_challenge(soup):
        return Status.CHALLENGE
    return None


def _is_challenge(soup: BeautifulSoup) -> bool:
    if soup.select_one('img[src*="/maimai-mobile/"], link[href*="/maimai-mobile/"]'):
        return False  # a page of the site itself, whatever its scripts hold
    for script in soup.find_all("script"):
        text = script.get_text() + " " + str(script.get("src") or "")
        if any(marker in text for marker in _CHALLENGE_MARKERS):
            return True
    return False


def parse_error(soup: BeautifulSoup) -> ParsedError:
    """Code and message of the error page (code None when the page shows none)."""
    code_tag = soup.select_one("div.container_red div.p_5.f_14")
    message_tag = soup.select_one("div.container_red div.p_5.f_12")
    code = None
    if code_tag is not None:
        m = _CODE.search(code_tag.get_text())
        code = m.group(0) if m else None
    message = ""
    if message_tag is not None:
        message = "".join(line.strip() for line in message_tag.get_text("\n").splitlines())
    elif code_tag is None:
        body = soup.body or soup
        message = " ".join(tag_text(body).split())[:200]
    return ParsedError(code=code, message=message)


def maintenance_message(soup: BeautifulSoup) -> str:
    body = soup.body or soup
    return " ".join(body.get_text(" ").split())[:200]


def raise_for_status(soup: BeautifulSoup) -> None:
    status = detect(soup)
    if status is None:
        return
    if status is Status.CHALLENGE:
        raise ChallengePage("WAF challenge page instead of data")
    if status is Status.MAINTENANCE:
        raise Maintenance("maintenance page")
    error = parse_error(soup)
    if error.code == CODE_SESSION_EXPIRED:
        raise SessionExpired(f"error page {error.code}")
    if error.code == CODE_LOGIN_FAILED:
        raise LoginFailed(f"error page {error.code}")
    raise SiteError(error.code, error.message)


def check_status(html: str) -> None:
    """Raise the typed error a no-data page stands for; return None for a normal page."""
    raise_for_status(make_soup(html))
