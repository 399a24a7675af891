"""``mai-archive songs search QUERY`` and ``mai-archive songs update``.

``add_songs_parser`` registers both under an argparse subparsers object; each command
function takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from ..config import MaimaiConfig, load_config
from ..core import (
    RefreshResult,
    load_catalogue,
    refresh_aliases,
    refresh_songs,
    start_database,
    stop_database,
)


def add_songs_parser(subparsers: Any) -> None:
    songs = subparsers.add_parser("songs", help="the song catalogue")
    sub = songs.add_subparsers(dest="songs_command", required=True)
    search = sub.add_parser("search", help="find songs; prints JSON matches, best first")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=10)
    search.set_defaults(func=songs_search)
    update = sub.add_parser("update", help="refresh the song data and the alias list")
    update.set_defaults(func=songs_update)


def songs_search(args: argparse.Namespace, config: MaimaiConfig | None = None) -> int:
    config = config or load_config()
    matches = asyncio.run(_search(config, args.query, args.limit))
    print(json.dumps(matches, ensure_ascii=False, indent=1))
    return 0


def songs_update(args: argparse.Namespace, config: MaimaiConfig | None = None) -> int:
    config = config or load_config()
    songs, aliases = asyncio.run(_update(config))
    print(
        json.dumps(
            {"songs": _result(songs), "aliases": _result(aliases)}, ensure_ascii=False, indent=1
        )
    )
    for name, result, setting in (
        ("song data", songs, "MAIMAI_SONGDB_URL"),
        ("aliases", aliases, "MAIMAI_ALIAS_URL"),
    ):
        if not result.ok:
            print(f"{name} not updated: {result.detail} (check {setting})", file=sys.stderr)
    # any source that failed fails the command (cron and scripts see it)
    return 0 if songs.ok and aliases.ok and songs.count else 1


async def _search(config: MaimaiConfig, query: str, limit: int) -> list[dict[str, Any]]:
    await start_database(config.db_url)
    try:
        catalogue = await load_catalogue()
        if not len(catalogue):  # first use: fetch rather than answer from nothing
            await refresh_songs(catalogue, config.maimai_songdb_url)
        return [
            {"id": m.song.id, "title": m.song.title, "type": m.song.type.value, "score": m.score}
            for m in catalogue.search(query, limit)
        ]
    finally:
        await stop_database()


async def _update(config: MaimaiConfig) -> tuple[RefreshResult, RefreshResult]:
    await start_database(config.db_url)
    try:
        catalogue = await load_catalogue()
        songs = await refresh_songs(catalogue, config.maimai_songdb_url)
        aliases = await refresh_aliases(catalogue, config.maimai_alias_url)
        return songs, aliases
    finally:
        await stop_database()


def _result(result: RefreshResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "changed": result.changed,
        "count": result.count,
        "age_seconds": None if result.age is None else int(result.age.total_seconds()),
        "error": result.detail if result.detail else result.error,
    }
