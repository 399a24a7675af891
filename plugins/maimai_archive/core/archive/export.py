"""The archive out: every play of a player, one line each (JSONL or CSV).

Keys follow the JSON contract of ``mai-archive parse`` (README), plus ``chart_id`` and the
play-detail fields when known.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta, timezone
from typing import Any

from ..db.models import SCORE_FIELDS, Play, PlayDetail, Player

SITE_TZ = timezone(timedelta(hours=8))
DETAIL_KEYS = (
    "judgements", "fast", "late", "max_combo", "max_combo_total", "max_sync", "max_sync_total",
    "rating", "rating_delta", "matching", "characters",
)
COLUMNS = (
    *SCORE_FIELDS, "played_at", "track", "idx", "new_record", "new_dx_record", "place",
    "chart_id", *DETAIL_KEYS,
)


def play_record(play: Play, detail: PlayDetail | None) -> dict[str, Any]:
    record = {name: getattr(play, name) for name in SCORE_FIELDS}
    record["achievement"] = round(play.achievement / 10000, 4)
    record |= {
        "played_at": play.played_at.astimezone(SITE_TZ).isoformat(),
        "track": play.track,
        "idx": play.idx,
        "new_record": play.new_record,
        "new_dx_record": play.new_dx_record,
        "place": play.place,
        "chart_id": play.chart_key,
    }
    for key in DETAIL_KEYS:
        record[key] = getattr(detail, key) if detail is not None else None
    return record


async def iter_plays(player: Player) -> Iterator[dict[str, Any]]:
    plays = await Play.filter(player=player).order_by("played_unix")
    details = {d.play_id: d for d in await PlayDetail.filter(play__player=player)}
    return (play_record(p, details.get(p.id)) for p in plays)


async def export_plays(player: Player, fmt: str = "jsonl") -> str:
    records = await iter_plays(player)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for r in records:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v for k, v in r.items()})
        return out.getvalue()
    raise ValueError(f"unknown export format {fmt!r} (jsonl or csv)")
