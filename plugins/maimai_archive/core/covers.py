"""Jackets (song covers) cached on disk from the cover host, fetched just before an image needs them.

The cache is the folder ``data/covers`` that ``QueryContext.cover`` reads: ``<song id:05d>.png``,
looked up by the song id then its base id (水鱼 serves one cover per base id for a song's SD
and DX sets). A cover is fetched once and kept; a song the host has no cover for is remembered
for a while so that every image of it does not ask again. Nothing here ever fails a reply:
errors are logged and the renderer draws its placeholder.

Every download is streamed with a byte cap and measured from its header before anything
decodes it (core/caps.py): an oversized file or a decompression bomb is a remembered miss.
A slow host must not hold a reply back, so ``ensure`` waits at most ``timeout`` seconds;
fetches still running then finish in the background and serve the next image.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx
from PIL import Image, UnidentifiedImageError

from .caps import MAX_IMAGE_PIXELS, PNG_MAGIC, image_problem, read_capped
from .errors import TooLarge
from .queries.plays import QueryContext
from .songs.data import base_id

log = logging.getLogger(__name__)

V = TypeVar("V")

MAX_IDS = 50  # covers fetched for one image at most (a B50 holds 50 charts)
CONCURRENCY = 4  # requests to the cover host at once, for the whole process
REQUEST_TIMEOUT = 5.0  # one request; a background fetch never outlives this for long
MAX_BYTES = 2_000_000  # a jacket is ~50 KB; anything far larger is not a jacket (a setting)
MISS_TTL = 6 * 3600.0  # the host has no cover for this song: ask again after this
ERROR_TTL = 600.0  # the host failed (timeout, 5xx): ask again sooner


def as_png(content: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> bytes | None:
    """The bytes as a PNG file when they are a readable PNG or JPEG image of at most
    ``max_pixels`` (read from the header, before any decoding), else None.

    JPEGs are re-encoded so that every cached file is what its ``.png`` name says.
    """
    if image_problem(content, max_pixels) is not None:
        return None
    try:
        with Image.open(io.BytesIO(content)) as img:
            img.verify()  # a truncated or corrupt file fails here
        if content.startswith(PNG_MAGIC):
            return content
        with Image.open(io.BytesIO(content)) as img:
            out = io.BytesIO()
            img.convert("RGB").save(out, format="PNG")
            return out.getvalue()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write through a temp file in the same folder and rename: no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class CoverCache:
    """Covers in ``directory``, fetched from ``url_template`` (``{id:05d}`` is the song id).

    An empty template disables fetching (tests, offline bots): only present files are used.
    ``http`` is an optional client to share (it is not closed here); otherwise each batch
    opens and closes its own.
    """

    def __init__(
        self,
        directory: Path,
        url_template: str,
        http: httpx.AsyncClient | None = None,
        *,
        concurrency: int = CONCURRENCY,
        clock: Callable[[], float] = time.monotonic,
        max_bytes: int = MAX_BYTES,
        max_pixels: int = MAX_IMAGE_PIXELS,
    ) -> None:
        self.directory = Path(directory)
        self.url_template = url_template
        self._http = http
        self._slots = asyncio.Semaphore(concurrency)
        self._clock = clock
        self._max_bytes = max_bytes
        self._max_pixels = max_pixels
        self._retry_after: dict[int, float] = {}  # song id → when a miss may be asked again
        self._inflight: set[int] = set()
        self._background: set[asyncio.Task[None]] = set()

    def path(self, song_id: int) -> Path | None:
        """The cached cover of a song (its own, else its base id's), None when absent."""
        for candidate in _candidates(song_id):
            path = self.directory / f"{candidate:05d}.png"
            if path.is_file():
                return path
        return None

    def _wanted(self, song_ids: Iterable[int | None], limit: int) -> list[int]:
        now = self._clock()
        wanted: list[int] = []
        for song_id in song_ids:
            if song_id is None or song_id < 0 or song_id in wanted or song_id in self._inflight:
                continue
            if self._retry_after.get(song_id, 0.0) > now or self.path(song_id) is not None:
                continue
            wanted.append(song_id)
            if len(wanted) >= limit:
                break
        return wanted

    # The fetches outlive the wait (they finish in the background), which a caller's
    # asyncio.timeout cannot express: hence a timeout parameter.
    async def ensure(
        self,
        song_ids: Iterable[int | None],
        timeout: float = 3.0,  # noqa: ASYNC109
        limit: int = MAX_IDS,
    ) -> int:
        """Fetch the missing covers of ``song_ids`` (at most ``limit``); returns how many
        arrived within ``timeout`` seconds. Never raises for a network or host problem."""
        if not self.url_template:
            return 0
        wanted = self._wanted(song_ids, limit)
        if not wanted:
            return 0
        self._inflight.update(wanted)
        saved: list[int] = []
        batch = asyncio.create_task(self._fetch_all(wanted, saved))
        self._background.add(batch)
        batch.add_done_callback(self._background.discard)
        try:
            await asyncio.wait_for(asyncio.shield(batch), timeout)
        except TimeoutError:
            log.info(
                "covers: %d of %d still fetching after %.1fs; the image uses placeholders",
                len(wanted) - len(saved),
                len(wanted),
                timeout,
            )
        return len(saved)

    async def cancel_background(self) -> None:
        """Stop fetches still running (the bot is shutting down)."""
        for task in list(self._background):
            task.cancel()
        await self.wait_background()

    async def wait_background(self) -> None:
        """Let fetches that outlived their ``ensure`` finish (shutdown, tests)."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    async def _fetch_all(self, song_ids: list[int], saved: list[int]) -> None:
        try:
            if self._http is not None:
                await asyncio.gather(*(self._fetch_one(self._http, s, saved) for s in song_ids))
                return
            async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, follow_redirects=True) as http:
                await asyncio.gather(*(self._fetch_one(http, s, saved) for s in song_ids))
        finally:
            self._inflight.difference_update(song_ids)

    async def _fetch_one(self, http: httpx.AsyncClient, song_id: int, saved: list[int]) -> None:
        retry = MISS_TTL
        try:
            for candidate in _candidates(song_id):
                async with self._slots:
                    status, content = await self._download(
                        http, self.url_template.format(id=candidate)
                    )
                if status == 404:
                    continue
                if status != 200:
                    retry = ERROR_TTL  # the host is unwell, not missing the cover
                    log.info(
                        "covers: %s answered HTTP %d for song %d",
                        _host(self.url_template),
                        status,
                        candidate,
                    )
                    continue
                png = (
                    None
                    if content is None
                    else await asyncio.to_thread(as_png, content, self._max_pixels)
                )
                if png is None:
                    log.warning(
                        "covers: song %d: the host sent something that is not a PNG/JPEG image within the caps",
                        candidate,
                    )
                    continue
                await asyncio.to_thread(_write_atomic, self.directory / f"{candidate:05d}.png", png)
                saved.append(song_id)
                return
        except (httpx.HTTPError, OSError) as exc:
            retry = ERROR_TTL
            log.info("covers: song %d not fetched (%s)", song_id, type(exc).__name__)
        except Exception:  # nothing here may fail a reply; a bug is logged and remembered as a miss
            log.exception("covers: song %d", song_id)
        self._retry_after[song_id] = self._clock() + retry

    async def _download(self, http: httpx.AsyncClient, url: str) -> tuple[int, bytes | None]:
        """The status and the body, streamed up to the byte cap (None past it: not read on)."""
        async with http.stream("GET", url, timeout=REQUEST_TIMEOUT) as response:
            if response.status_code != 200:
                return response.status_code, None
            try:
                return 200, await read_capped(response, self._max_bytes, "cover")
            except TooLarge:
                return 200, None


def _candidates(song_id: int) -> tuple[int, ...]:
    base = base_id(song_id)
    return (song_id,) if base == song_id else (song_id, base)


def _host(template: str) -> str:
    return httpx.URL(template.replace("{", "").replace("}", "")).host


# --- views with their covers ------------------------------------------------------------------


@dataclass(frozen=True)
class _Recording(QueryContext):
    """An QueryContext that notes each song whose cover it was asked for and did not have."""

    missing: list[int] = field(default_factory=list)

    def cover(self, song_id: int | None) -> Path | None:
        found = QueryContext.cover(self, song_id)
        if found is None and song_id is not None and song_id not in self.missing:
            self.missing.append(song_id)
        return found


async def with_covers(
    cache: CoverCache,
    archive: QueryContext,
    build: Callable[[QueryContext], Awaitable[V]],
    timeout: float = 3.0,  # noqa: ASYNC109
) -> V:
    """``build(archive)`` — a view query — with the covers it lacked fetched first.

    The view is built once to learn which covers it wants; when some of them arrive, it is
    built again so that its jackets point at the new files.
    """
    recording = _Recording(archive.catalogue, archive.covers, archive.data_dir)
    view = await build(recording)
    if (
        recording.missing
        and archive.covers is not None
        and await cache.ensure(recording.missing, timeout)
    ):
        view = await build(archive)
    return view
