"""Copies of pages the parsers could not read, for the operator (``<data dir>/pages/``).

A copy is made when the site changes under us; it must never carry the account's session.
The account's cookie values (every one seen during the sync, rotated ones included) and the
value of every hidden form field other than ``idx`` (the play key the operator needs) are
replaced before anything is written. Only the newest ``KEEP`` copies of each page kind stay.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from lxml import etree
from lxml import html as lxml_html

log = logging.getLogger(__name__)

KEEP = 20
MASK = "REDACTED"
MIN_SECRET = 4
_KIND = re.compile(r"[^a-z0-9_]+")


def redact_page(body: str, secrets: Iterable[str]) -> str:
    """The page with every secret value and every hidden form token but ``idx`` masked."""
    tokens = _hidden_tokens(body)
    for token in tokens:
        # Only inside value="…": a short token must not wipe the same text elsewhere.
        body = re.sub(r"""(value\s*=\s*["'])""" + re.escape(html.escape(token, quote=True)) + r"""(["'])""",
                      rf"\g<1>{MASK}\g<2>", body)  # fmt: skip
        body = re.sub(r"""(value\s*=\s*["'])""" + re.escape(token) + r"""(["'])""", rf"\g<1>{MASK}\g<2>", body)
    # Values under MIN_SECRET characters (flags like "1") carry no session; masking them
    # would wipe every such digit from the page the operator needs to read.
    for secret in sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True):
        for form in {secret, html.escape(secret, quote=True), quote(secret, safe="")}:
            body = body.replace(form, MASK)
    return body


def _hidden_tokens(body: str) -> set[str]:
    try:
        root = lxml_html.fromstring(body)
    except (etree.ParserError, ValueError):
        return set()
    found: set[str] = set()
    for field in root.iter("input"):
        if (field.get("type") or "").lower() == "hidden" and field.get("name") != "idx":
            value = field.get("value")
            if value:
                found.add(value)
    return found


class PageKeeper:
    """Writes redacted page copies under ``folder``; blocking (run it in a thread)."""

    def __init__(self, folder: Path, keep: int = KEEP, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.folder = folder
        self.keep = keep
        self._clock = clock

    def save(self, page: str, body: str, secrets: Iterable[str]) -> Path:
        kind = _KIND.sub("_", page.lower()).strip("_") or "page"
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        path = self.folder / f"{kind}-{stamp}.html"
        path.write_text(redact_page(body, secrets), encoding="utf-8")
        copies = sorted(self.folder.glob(f"{kind}-*.html"))
        for old in copies[: max(0, len(copies) - self.keep)]:
            old.unlink(missing_ok=True)
        log.warning("unreadable %s page kept as %s", kind, path)
        return path
