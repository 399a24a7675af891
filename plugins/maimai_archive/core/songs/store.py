"""Fetching the song data and aliases, keeping them in the database, and loading them into
the (pure, in-memory) ``Catalogue``.

A source is an http(s) URL (sent with If-None-Match when a copy is stored) or a local file
path. When the source fails, the stored copy keeps serving and the result names the failure.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from tortoise.transactions import in_transaction

from ..errors import MaimaiError, NetworkError, PageChanged
from .aliases import load_aliases, parse_lxns_aliases, replace_lxns_aliases
from .catalogue import Catalogue, RefreshResult
from .data import Song, music_data_records, normalise_song_id, songs_from_records
from .tables import CatalogueState, SongRecord

log = logging.getLogger(__name__)

SONGS = "songs"
ALIASES = "aliases"
TIMEOUT = 30.0
# What to do when a source fails and nothing is stored yet (a first start without network).
NO_COPY_HINT = {
    SONGS: "no song is known until one succeeds: set MAIMAI_SONGDB_URL to a music_data JSON"
    " file (MAIMAI_SONGDB_URL=/path/to/music_data.json) and run `mai-archive songs update`",
    ALIASES: "no alias is known until one succeeds: MAIMAI_ALIAS_URL may name an alias list file",
}


@dataclass(frozen=True, slots=True)
class Fetched:
    payload: Any | None  # None: the source says the stored copy is current (304)
    etag: str | None


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


async def fetch_json(
    source: str, etag: str | None, http_client: httpx.AsyncClient | None = None
) -> Fetched:
    """The JSON at ``source``; NetworkError when it cannot be reached, PageChanged when it
    is not JSON."""
    if not is_url(source):
        try:
            text = await asyncio.to_thread(Path(source).read_text, encoding="utf-8")
        except FileNotFoundError as exc:
            raise NetworkError(f"file not found: {source}") from exc
        except OSError as exc:
            raise NetworkError(f"cannot read {source}: {exc.strerror or exc}") from exc
        return Fetched(_json(text, source), None)
    headers = {"If-None-Match": etag} if etag else {}
    try:
        if http_client is None:
            async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=True) as client:
                response = await client.get(source, headers=headers)
        else:
            response = await http_client.get(source, headers=headers)
    except httpx.HTTPError as exc:
        raise NetworkError(f"{source}: {exc.__class__.__name__}") from exc
    if response.status_code == 304:
        return Fetched(None, etag)
    if response.status_code != 200:
        raise NetworkError(f"{source}: HTTP {response.status_code}")
    return Fetched(_json(response.text, source), response.headers.get("etag"))


def _json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise PageChanged(source, "JSON") from exc


async def load_catalogue() -> Catalogue:
    """The stored catalogue (empty when nothing was ever fetched)."""
    catalogue = Catalogue()
    await load_into(catalogue)
    return catalogue


async def load_into(catalogue: Catalogue) -> None:
    rows = cast("list[dict[str, Any]]", await SongRecord.all().values_list("data", flat=True))
    songs = songs_from_records(rows)
    catalogue.replace(songs, await load_aliases())
    state = await CatalogueState.get_or_none(source=SONGS)
    catalogue.checked_at = state.checked_at if state else None


async def refresh_songs(
    catalogue: Catalogue, source: str, http_client: httpx.AsyncClient | None = None
) -> RefreshResult:
    """Fetch ``music_data`` from a URL (with If-None-Match) or a file path, store it and
    swap it in; an unreachable source keeps the stored copy and says how old it is."""
    stored = {r.id: r for r in await SongRecord.all()}

    async def apply(payload: Any) -> bool:
        records = music_data_records(payload)
        songs = songs_from_records(records)  # validates every record before storing any
        return await _store(records, songs, stored)

    result = await _refresh(
        catalogue, SONGS, source, http_client, apply, use_etag=bool(stored), has_copy=bool(stored)
    )
    if result.ok and (result.changed or not len(catalogue)):
        await load_into(catalogue)
        result = replace(result, count=len(catalogue))
    if result.ok:
        catalogue.checked_at = datetime.now(UTC)
    log.info("song data refresh: %s", result)
    return result


async def _refresh(
    catalogue: Catalogue,
    name: str,
    source: str,
    http_client: httpx.AsyncClient | None,
    apply: Callable[[Any], Awaitable[bool]],
    *,
    use_etag: bool = True,
    has_copy: bool | None = None,
) -> RefreshResult:
    """Fetch one source, ``apply`` a fresh payload, and record when the source answered.
    ``has_copy``: whether a copy is stored (default: whether the source ever answered)."""
    state, _ = await CatalogueState.get_or_create(source=name)
    try:
        fetched = await fetch_json(source, state.etag if use_etag else None, http_client)
        changed = False if fetched.payload is None else await apply(fetched.payload)
    except MaimaiError as exc:
        if has_copy if has_copy is not None else state.fetched_at is not None:
            log.warning("%s refresh failed, the stored copy serves: %s", name, exc)
        else:
            log.warning(
                "%s refresh failed and none is stored: %s; %s", name, exc, NO_COPY_HINT[name]
            )
        return RefreshResult(
            False,
            len(catalogue),
            _age(state.checked_at),
            exc.__class__.__name__,
            state.fetched_at,
            detail=str(exc),
        )
    now = datetime.now(UTC)
    state.etag = fetched.etag
    state.checked_at = now
    if fetched.payload is not None:
        state.fetched_at = now
    await state.save()
    return RefreshResult(changed, len(catalogue), _age(now), None, state.fetched_at)


async def _store(
    records: list[dict[str, Any]], songs: dict[int, Song], stored: dict[int, SongRecord]
) -> bool:
    """Replace the stored rows when the data differs; True when it did."""
    fresh = {normalise_song_id(r["id"], str(r["type"])): r for r in records}
    if stored.keys() == fresh.keys() and all(stored[i].data == fresh[i] for i in fresh):
        return False
    async with in_transaction():
        await SongRecord.all().delete()
        await SongRecord.bulk_create(
            [
                SongRecord(id=i, title=songs[i].title, type=songs[i].type.value, data=r)
                for i, r in fresh.items()
            ],
            batch_size=500,
        )
    return True


async def refresh_aliases(
    catalogue: Catalogue, source: str, http_client: httpx.AsyncClient | None = None
) -> RefreshResult:
    """Fetch the LXNS alias list (URL or file), store it, and apply it. The result counts
    aliases, not songs."""

    async def apply(payload: Any) -> bool:
        return await replace_lxns_aliases(parse_lxns_aliases(payload))

    result = await _refresh(catalogue, ALIASES, source, http_client, apply)
    if result.ok:
        await reload_aliases(catalogue)
    return replace(result, count=sum(len(names) for _, names in catalogue.alias_items()))


async def reload_aliases(catalogue: Catalogue) -> None:
    """Re-read aliases from the database (after a user alias is approved)."""
    catalogue.replace_aliases(await load_aliases())


def _age(checked_at: datetime | None) -> timedelta | None:
    return None if checked_at is None else datetime.now(UTC) - checked_at
