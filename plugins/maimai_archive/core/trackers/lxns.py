"""落雪 (LXNS): ``POST api/v0/user/maimai/player/scores`` with the personal key.

Checked against the service's docs (Lxns-Network/maimai-prober-frontend
public/docs/api/maimai.md: 个人 API, Score, SongType, FCType, FSType, LevelIndex) and
maimai.py's LXNS provider: header ``X-User-Token``; body ``{"scores": [Score…]}``; one id
for a song's standard and DX charts (水鱼's DX id − 10000), Utage ids > 100000 with
``level_index`` 0; ``play_time`` UTC ``YYYY-MM-DDTHH:MM:SSZ`` (minute precision) or null.
Answers are ``{"success", "code", "message", "data"}``; maimai.py reads code 401 as a bad
key and 403 as a privacy refusal, so only 401 rejects the key. One score it does not take
(a song it deleted or never had) refuses the whole request with code 400 and
``invalid score (id: 1484, type: dx, level_index: 2): song not found`` (maimai.py issue
#60): that score is named so the push can resend the rest without it.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

import httpx

from ..game import ChartType
from .upload import (
    LEVEL_INDEX,
    PayloadRejected,
    PushedBest,
    ScoreRejected,
    Skip,
    TokenRejected,
    TrackerDown,
    message_of,
    post_json,
)

SERVICE = "lxns"
LABEL = "落雪"
PATH = "api/v0/user/maimai/player/scores"
INVALID_SCORE = re.compile(
    r"invalid score \(id: (?P<id>\d+), type: (?P<type>\w+), level_index: (?P<level_index>\d+)\)"
)
SONG_TYPE = {ChartType.SD: "standard", ChartType.DX: "dx", ChartType.UTAGE: "utage"}


def record(best: PushedBest) -> dict[str, Any]:
    """One best in 落雪's shape; ``Skip`` when the song is not in the catalogue."""
    if best.song is None:
        raise Skip("unknown")
    utage = best.song.type is ChartType.UTAGE
    if not utage and best.difficulty not in LEVEL_INDEX:
        raise Skip("unknown")
    played = (
        best.played_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if best.played_at else None
    )
    return {
        "id": best.song.base_id,
        "type": SONG_TYPE[best.song.type],
        "level_index": 0 if utage else LEVEL_INDEX[best.difficulty],
        "achievements": round(best.achievement / 10000, 4),
        "fc": best.fc,
        "fs": best.fs,
        "dx_score": best.dx_score or 0,
        "play_time": played,
    }


async def send(
    http: httpx.AsyncClient, base_url: str, token: str, records: list[dict[str, Any]]
) -> None:
    status, answer = await post_json(
        http, base_url + PATH, {"X-User-Token": token}, {"scores": records}
    )
    code = answer.get("code") if isinstance(answer, dict) else None
    if status == 401 or code == 401:
        raise TokenRejected(f"{LABEL} {status}")
    # 403 is a WAF/CDN challenge or (code 403) a permission of the account, not the key;
    # a page that is not 落雪's JSON comes from in front of it.
    if status in (403, 429) or code == 403 or status >= 500 or (status != 200 and answer is None):
        raise TrackerDown(f"{LABEL} {status}")
    if status != 200 or (isinstance(answer, dict) and answer.get("success") is False):
        message = str(answer.get("message") or "") if isinstance(answer, dict) else ""
        named = INVALID_SCORE.search(message[:1000])
        if named is not None:
            score = {
                "id": int(named["id"]),
                "type": named["type"],
                "level_index": int(named["level_index"]),
            }
            raise ScoreRejected(f"{LABEL} {status} {code} invalid score", score)
        raise PayloadRejected(f"{LABEL} {status} {code} {message_of(answer)}")
