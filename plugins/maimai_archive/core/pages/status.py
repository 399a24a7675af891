"""Pages that carry no data: the site's error page, the WAF challenge, maintenance.

Recognised by structure (the error page's red container and title image), by the WAF's own
script markers, and by the maintenance title; the *kind* of an error page is decided by its
numeric code, never by its message text.
"""

from __future__ import annotations

import re
from enum import Enum

from lxml import etree

from ..errors import ChallengePage, LoginFailed, Maintenance, SessionExpired, SiteError
from ..parsed import ParsedError
from .markup import Element, el_icon, el_text, find_class, first_tag, make_tree, text

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


def detect(root: Element) -> Status | None:
    """Which no-data page this is, or None for a normal page."""
    title_img = el_icon(find_class(root, "title", "img"))
    title_tag = first_tag(root, "title")
    title = text(title_tag) if title_tag is not None else ""
    if title_img.startswith("title_maintenance") or any(m in title for m in _MAINTENANCE_TITLES):
        return Status.MAINTENANCE
    if title_img == "title_error" or _first(_ERROR_CODE, root) is not None:
        return Status.ERROR
    if _is_challenge(root):
        return Status.CHALLENGE
    return None


def _token(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _red_box_div(size: str) -> etree.XPath:
    # CSS ``div.container_red div.p_5.<size>``, first match in page order.
    return etree.XPath(
        f"(//div[{_token('p_5')} and {_token(size)}][ancestor::div[{_token('container_red')}]])[1]"
    )


_ERROR_CODE = _red_box_div("f_14")
_ERROR_MESSAGE = _red_box_div("f_12")
_SITE_URLS = etree.XPath(
    "//img[contains(@src, '/maimai-mobile/')] | //link[contains(@href, '/maimai-mobile/')]"
)


def _first(path: etree.XPath, root: Element) -> Element | None:
    found = path(root)
    return found[0] if found else None


def _is_challenge(root: Element) -> bool:
    if _SITE_URLS(root):
        return False  # a page of the site itself, whatever its scripts hold
    for script in root.iter("script"):
        content = text(script) + " " + str(script.get("src") or "")
        if any(marker in content for marker in _CHALLENGE_MARKERS):
            return True
    return False


def _body(root: Element) -> Element:
    body = first_tag(root, "body")
    return body if body is not None else root


def parse_error(root: Element) -> ParsedError:
    """Code and message of the error page (code None when the page shows none)."""
    code_tag = _first(_ERROR_CODE, root)
    message_tag = _first(_ERROR_MESSAGE, root)
    code = None
    if code_tag is not None:
        m = _CODE.search(text(code_tag))
        code = m.group(0) if m else None
    message = ""
    if message_tag is not None:
        message = "".join(line.strip() for line in "\n".join(message_tag.itertext()).splitlines())
    elif code_tag is None:
        message = " ".join(el_text(_body(root)).split())[:200]
    return ParsedError(code=code, message=message)


def maintenance_message(root: Element) -> str:
    return " ".join(" ".join(_body(root).itertext()).split())[:200]


def raise_for_status(root: Element) -> None:
    status = detect(root)
    if status is None:
        return
    if status is Status.CHALLENGE:
        raise ChallengePage("WAF challenge page instead of data")
    if status is Status.MAINTENANCE:
        raise Maintenance("maintenance page")
    error = parse_error(root)
    if error.code == CODE_SESSION_EXPIRED:
        raise SessionExpired(f"error page {error.code}")
    if error.code == CODE_LOGIN_FAILED:
        raise LoginFailed(f"error page {error.code}")
    raise SiteError(error.code, error.message)


def check_status(html: str) -> None:
    """Raise the typed error a no-data page stands for; return None for a normal page."""
    raise_for_status(make_tree(html))
