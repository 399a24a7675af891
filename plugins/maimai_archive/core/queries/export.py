"""The archive out: every play of a player, one line each (JSONL or CSV).

Keys follow the JSON contract of ``mai-archive parse`` (README), plus ``chart_id`` and the
play-detail fields when known.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta, timezone
from types import SimpleNamespace
from typing import Any

from ..db.models import SCORE_FIELDS, Play, PlayDetail, Player
from ..songs.data import UNRESOLVED_PREFIX

SITE_TZ = timezone(timedelta(hours=8))
DETAIL_KEYS = (
    "judgements",
    "fast",
    "late",
    "max_combo",
    "max_combo_total",
    "max_sync",
    "max_sync_total",
    "rating",
    "rating_delta",
    "matching",
    "characters",
)
# A play's own fields after its score, as read and as exported (chart_key is shown as chart_id).
PLAY_KEYS = ("played_at", "track", "idx", "new_record", "new_dx_record", "place")
COLUMNS = (*SCORE_FIELDS, *PLAY_KEYS, "chart_id", *DETAIL_KEYS)


def play_record(
    play: Play | SimpleNamespace, detail: PlayDetail | SimpleNamespace | None
) -> dict[str, Any]:
    record = {name: getattr(play, name) for name in SCORE_FIELDS}
    record["achievement"] = round(play.achievement / 10000, 4)
    record |= {
        "played_at": play.played_at.astimezone(SITE_TZ).isoformat(),
        "track": play.track,
        "idx": play.idx,
        "new_record": play.new_record,
        "new_dx_record": play.new_dx_record,
        "place": play.place,
        "chart_id": None if play.chart_key.startswith(UNRESOLVED_PREFIX) else play.chart_key,
    }
    for key in DETAIL_KEYS:
        record[key] = getattr(detail, key) if detail is not None else None
    return record


CHUNK = 100  # plays per read: converting one chunk's rows holds the event loop a few ms
PLAY_FIELDS = ("id", "played_unix", *SCORE_FIELDS, *PLAY_KEYS, "chart_key")


async def iter_rows(
    player: Player, chunk: int | None = None
) -> AsyncIterator[tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]]:
    """The player's plays oldest first, ``chunk`` at a time (by time, not by offset), as
    values with their details: a model per play held the event loop for ~0.6 s on a
    5,000-play archive."""
    chunk = chunk or CHUNK
    after = -1
    while True:
        rows = (
            await Play.filter(player=player, played_unix__gt=after)
            .order_by("played_unix")
            .limit(chunk)
            .values(*PLAY_FIELDS)
        )
        if not rows:
            return
        details = await PlayDetail.filter(play_id__in=[r["id"] for r in rows]).values(
            "play_id", *DETAIL_KEYS
        )
        yield rows, {d["play_id"]: d for d in details}
        after = rows[-1]["played_unix"]


def _records(
    rows: list[dict[str, Any]], details: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        detail = details.get(r["id"])
        out.append(play_record(SimpleNamespace(**r), SimpleNamespace(**detail) if detail else None))
    return out


def _jsonl(rows: list[dict[str, Any]], details: dict[int, dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(rows, details))


def _csv(rows: list[dict[str, Any]], details: dict[int, dict[str, Any]], header: bool) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    if header:
        writer.writeheader()
    for r in _records(rows, details):
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                for k, v in r.items()
            }
        )
    return out.getvalue()


async def export_chunks(player: Player, fmt: str = "jsonl") -> AsyncIterator[str]:
    """The export as pieces of text; each chunk becomes text in a worker thread."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"unknown export format {fmt!r} (jsonl or csv)")
    first = True
    async for rows, details in iter_rows(player):
        if fmt == "jsonl":
            yield await asyncio.to_thread(_jsonl, rows, details)
        else:
            yield await asyncio.to_thread(_csv, rows, details, first)
        first = False
    if first and fmt == "csv":
        yield _csv([], {}, True)


async def export_plays(player: Player, fmt: str = "jsonl") -> str:
    return "".join([piece async for piece in export_chunks(player, fmt)])
