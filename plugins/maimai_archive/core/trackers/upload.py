"""What both trackers share: the best to push, the error kinds, one capped POST."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from ..songs.data import Song

# A tracker answers with a short JSON status; anything bigger is not an answer of theirs.
MAX_ANSWER = 64 * 1024
# Bests per request: a whole archive (~2000 charts) goes in a few requests. Neither
# service documents a limit; this keeps each body well under 1 MB.
BATCH = 500
LEVEL_INDEX = {"basic": 0, "advanced": 1, "expert": 2, "master": 3, "remaster": 4}


@dataclass(frozen=True, slots=True)
class PushedBest:
    """One archived best, with the catalogue's song when the chart is resolved."""

    chart_key: str
    song: Song | None
    type: str  # SD | DX | UTAGE (as archived)
    difficulty: str
    achievement: int  # 1/10000 percent
    dx_score: int | None
    fc: str | None
    fs: str | None
    played_at: datetime | None  # the play that set the achievement, when archived


class Skip(Exception):
    """This best cannot go to this service (``reason``: unknown = not in the song data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TrackerError(Exception):
    """A push that did not go through; the message never holds the token."""


class TokenRejected(TrackerError):
    """401 (or 水鱼's 400 "导入token有误"): the player must link a new token."""


class TrackerDown(TrackerError):
    """Network error, timeout, 403 (a WAF/CDN), 429, 5xx or a non-JSON answer: retried
    at the next sync."""


class PayloadRejected(TrackerError):
    """Any other refusal: retrying the same bests would be refused again."""


class ScoreRejected(PayloadRejected):
    """The service refused the whole request for one score it names (``named``: the fields
    of that record, e.g. id/type/level_index): without it the rest would go through."""

    def __init__(self, message: str, named: dict[str, Any]) -> None:
        super().__init__(message)
        self.named = named

    def names(self, record: dict[str, Any]) -> bool:
        return all(record.get(k) == v for k, v in self.named.items())


async def post_json(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], body: Any
) -> tuple[int, Any]:
    """POST ``body``; the status and the decoded answer (None when not JSON). Network
    failures are ``TrackerDown``; the answer is read up to ``MAX_ANSWER`` bytes."""
    try:
        async with http.stream("POST", url, headers=headers, json=body) as response:
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_ANSWER:
                    break
    except httpx.HTTPError as e:
        raise TrackerDown(type(e).__name__) from None
    try:
        answer = json.loads(bytes(data[:MAX_ANSWER]))
    except ValueError:
        answer = None
    return response.status_code, answer


def message_of(answer: Any) -> str:
    return str(answer.get("message") or "")[:60] if isinstance(answer, dict) else ""
