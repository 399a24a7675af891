"""Personal web links: a random token (192 bits) in the URL, only its SHA-256 in the
database. A link lasts ``days``; ``/web off`` ends every link of the player."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from ..db.models import Player, WebLink

TOKEN_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters
TOKEN_CHARS = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_link(player: Player, days: float, now: datetime | None = None) -> str:
    """A new token for ``player``'s archive (the caller puts it in the URL; never logged)."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await WebLink.create(
        player_id=player.id, token_hash=token_hash(token), expires_at=now + timedelta(days=days)
    )
    return token


async def end_links(player: Player) -> int:
    """End every link of ``player`` (``/web off``); how many were still open."""
    return await WebLink.filter(player_id=player.id, revoked=False).update(revoked=True)


async def player_of_token(token: str, now: datetime | None = None) -> Player | None:
    """The one player a live token opens; None for a wrong, expired or ended token."""
    if len(token) != TOKEN_CHARS:
        return None
    link = await WebLink.get_or_none(
        token_hash=token_hash(token), revoked=False, expires_at__gt=now or datetime.now(UTC)
    )
    if link is None:
        return None
    return await Player.get_or_none(id=link.player_id)
