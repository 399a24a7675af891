"""Copies of pages the parsers could not read, for the operator (``<data dir>/pages/``).

A copy is made when the site changes under us; it must never carry the account's session.
The account's cookie values (every one seen during the sync, rotated ones included) and the
value of every hidden form field other than ``idx`` (the play key the operator needs) are
replaced before anything is written: in the field itself in any spelling, and — raw,
HTML-escaped or URL-encoded — anywhere else on the page (scripts, links). Only the newest ``KEEP`` copies of each page kind stay.
Copies are the operator's alone (mode 0600 in a 0700 folder) and name their player, so that
``/forget`` removes them with the archive.
"""

from __future__ import annotations

import html
import logging
import os
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


# A value attribute in any case and quoting: value="…", VALUE='…', value=bare.
_VALUE_ATTR = re.compile(r"""(\bvalue\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)


def redact_page(body: str, secrets: Iterable[str]) -> str:
    """The page with every secret value and every hidden form token but ``idx`` masked."""
    tokens, idx = _hidden_tokens(body)
    tokens -= idx
    if tokens:
        body = _VALUE_ATTR.sub(lambda m: _mask_value(m, tokens), body)
    # Elsewhere (scripts, query strings) only tokens long enough not to wipe ordinary text,
    # and none that is part of an idx the operator needs.
    spread = {t for t in tokens if len(t) >= MIN_SECRET and not any(t in i for i in idx)}
    # Values under MIN_SECRET characters (flags like "1") carry no session; masking them
    # would wipe every such digit from the page the operator needs to read.
    secrets = {s for s in secrets if len(s) >= MIN_SECRET} | spread
    for secret in sorted(secrets, key=len, reverse=True):
        forms = {
            secret,
            html.escape(secret, quote=True),
            html.escape(secret, quote=False),
            quote(secret, safe=""),
        }
        for form in sorted(forms, key=len, reverse=True):
            body = body.replace(form, MASK)
    return body


def _mask_value(match: re.Match[str], tokens: set[str]) -> str:
    raw = match.group(2)
    quoted = raw[:1] in "\"'" and len(raw) >= 2
    if html.unescape(raw[1:-1] if quoted else raw) not in tokens:
        return match.group(0)
    return match.group(1) + (raw[0] + MASK + raw[0] if quoted else MASK)


def _hidden_tokens(body: str) -> tuple[set[str], set[str]]:
    """Values of hidden inputs (attribute names in any case, entities decoded), and of idx."""
    try:
        root = lxml_html.fromstring(body)
    except (etree.ParserError, ValueError):
        return set(), set()
    found: set[str] = set()
    idx: set[str] = set()
    for field in root.iter("input"):
        value = field.get("value")
        if (field.get("type") or "").lower() != "hidden" or not value:
            continue
        (idx if field.get("name") == "idx" else found).add(value)
    return found, idx


class PageKeeper:
    """Writes redacted page copies under ``folder``; blocking (run it in a thread)."""

    def __init__(
        self,
        folder: Path,
        keep: int = KEEP,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.folder = folder
        self.keep = keep
        self._clock = clock

    def save(
        self, page: str, body: str, secrets: Iterable[str], player_id: int | None = None
    ) -> Path:
        kind = _KIND.sub("_", page.lower()).strip("_") or "page"
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        owner = f"-p{player_id}" if player_id is not None else ""
        path = self.folder / f"{kind}-{stamp}{owner}.html"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(redact_page(body, secrets))
        copies = sorted(self.folder.glob(f"{kind}-*.html"))
        for old in copies[: max(0, len(copies) - self.keep)]:
            old.unlink(missing_ok=True)
        log.warning("unreadable %s page kept as %s", kind, path)
        return path

    def forget(self, player_id: int) -> int:
        """Remove every copy saved for this player; how many there were."""
        copies = list(self.folder.glob(f"*-p{player_id}.html"))
        for copy in copies:
            copy.unlink(missing_ok=True)
        return len(copies)
