"""水鱼 (diving-fish maimaidx-prober): ``POST api/maimaidxprober/player/update_records``.

Checked against the service's docs and code (doc/docs/developer/zh-api-document.md §2.2,
§3.1.11; database/routes/maimai.py): the body is a JSON list; a chart is found by exact
``title`` (水鱼's own, e.g. ``Link(CoF)``; spaces ignored) + ``type`` "SD"/"DX" +
``level_index`` below the song's chart count, and unknown ones are skipped by the service;
``fc``/``fs`` are "" when none. Utage songs are in its song data (ids ≥ 100000, type "DX",
titles like ``[協]…``) and take bests at ``level_index`` 0. A wrong
``Import-Token`` answers 400 ``{"message": "导入token有误"}`` (401 is taken as a
rejection too; a 403 is not: it is what a WAF/CDN challenge answers).
"""

from __future__ import annotations

from typing import Any

import httpx

from ..game import ChartType
from .upload import (
    LEVEL_INDEX,
    PayloadRejected,
    PushedBest,
    Skip,
    TokenRejected,
    TrackerDown,
    message_of,
    post_json,
)

SERVICE = "divingfish"
LABEL = "水鱼"
PATH = "api/maimaidxprober/player/update_records"
BAD_TOKEN = "导入token有误"


def record(best: PushedBest) -> dict[str, Any]:
    """One best in 水鱼's shape; ``Skip`` for a chart the catalogue does not know."""
    song = best.song
    if song is None:
        raise Skip("unknown")
    utage = song.type is ChartType.UTAGE
    if not utage and best.difficulty not in LEVEL_INDEX:
        raise Skip("unknown")
    return {
        "title": song.title,  # the catalogue is 水鱼's music_data: its exact title
        # 水鱼 types its Utage songs (ids ≥ 100000) "DX", one chart each at level_index 0.
        "type": "DX" if utage else song.type.value,
        "level_index": 0 if utage else LEVEL_INDEX[best.difficulty],
        "achievements": round(best.achievement / 10000, 4),
        "dxScore": best.dx_score or 0,
        "fc": best.fc or "",
        "fs": best.fs or "",
    }


async def send(
    http: httpx.AsyncClient, base_url: str, token: str, records: list[dict[str, Any]]
) -> None:
    status, answer = await post_json(http, base_url + PATH, {"Import-Token": token}, records)
    if status == 401 or (status == 400 and message_of(answer) == BAD_TOKEN):
        raise TokenRejected(f"{LABEL} {status}")
    # A 403 or a page that is not 水鱼's JSON comes from a WAF/CDN in front: not the token.
    if status in (403, 429) or status >= 500 or (status != 200 and answer is None):
        raise TrackerDown(f"{LABEL} {status}")
    if status != 200:
        raise PayloadRejected(f"{LABEL} {status} {message_of(answer)}")
