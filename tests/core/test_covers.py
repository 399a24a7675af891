"""The cover cache against a mocked cover host (respx): fetched once, validated, kept atomically,
misses remembered, failures swallowed, slow hosts never hold the caller past its timeout."""

from __future__ import annotations

import asyncio
import io

import httpx
import pytest
import respx
from PIL import Image

from plugins.maimai_archive.core.covers import CoverCache, as_png, with_covers

HOST = "https://covers.test"
TEMPLATE = HOST + "/covers/{id:05d}.png"


def _image(fmt: str, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format=fmt)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG", "blue")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(tmp_path, clock) -> CoverCache:
    return CoverCache(tmp_path / "covers", TEMPLATE, clock=clock)


async def test_missing_cover_is_fetched_once_and_kept(cache: CoverCache) -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{HOST}/covers/00834.png").respond(200, content=PNG)
        assert await cache.ensure([834, 834]) == 1
        assert await cache.ensure([834]) == 0  # present on disk: no second request
    assert route.call_count == 1
    assert (cache.directory / "00834.png").read_bytes() == PNG
    assert cache.path(834) == cache.directory / "00834.png"


async def test_dx_song_falls_back_to_the_base_id_cover_which_then_serves_both_sets(
    cache: CoverCache,
) -> None:
    with respx.mock(assert_all_called=True) as mock:
        dx = mock.get(f"{HOST}/covers/10834.png").respond(404)
        base = mock.get(f"{HOST}/covers/00834.png").respond(200, content=PNG)
        assert await cache.ensure([10834]) == 1
        assert await cache.ensure([834, 10834]) == 0
    assert (dx.call_count, base.call_count) == (1, 1)
    assert cache.path(10834) == cache.path(834) == cache.directory / "00834.png"


async def test_a_404_is_remembered_for_hours_then_asked_again(
    cache: CoverCache, clock: Clock
) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{HOST}/covers/00777.png").respond(404)
        assert await cache.ensure([777]) == 0
        clock.now += 3600
        assert await cache.ensure([777]) == 0
        assert route.call_count == 1  # not hammered
        clock.now += 6 * 3600
        route.respond(200, content=PNG)
        assert await cache.ensure([777]) == 1
    assert route.call_count == 2


async def test_a_host_error_is_logged_not_raised_and_retried_sooner(
    cache: CoverCache, clock: Clock, caplog
) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{HOST}/covers/00001.png").mock(side_effect=httpx.ConnectError("refused"))
        with caplog.at_level("INFO", logger="plugins.maimai_archive.core.covers"):
            assert await cache.ensure([1]) == 0
        assert "ConnectError" in caplog.text
        clock.now += 601
        route.mock(side_effect=None).respond(200, content=PNG)
        assert await cache.ensure([1]) == 1


@pytest.mark.parametrize(
    "body",
    [b"<html>not found</html>", PNG[:40], b"\xff\xd8\xff" + b"\x00" * 30, b""],
    ids=["html", "truncated png", "fake jpeg", "empty"],
)
async def test_bytes_that_are_not_an_image_are_never_saved(cache: CoverCache, body: bytes) -> None:
    with respx.mock() as mock:
        mock.get(f"{HOST}/covers/00002.png").respond(200, content=body)
        assert await cache.ensure([2]) == 0
    assert cache.path(2) is None
    assert (
        not cache.directory.exists() or list(cache.directory.iterdir()) == []
    )  # no temp file left


async def test_jpeg_is_stored_as_the_png_its_name_promises(cache: CoverCache) -> None:
    with respx.mock() as mock:
        mock.get(f"{HOST}/covers/00003.png").respond(200, content=JPEG)
        assert await cache.ensure([3]) == 1
    saved = (cache.directory / "00003.png").read_bytes()
    assert saved.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(saved)) as img:
        pixel = img.convert("RGB").getpixel((4, 4))
        assert img.size == (8, 8) and isinstance(pixel, tuple) and pixel[2] > 200


def test_as_png_accepts_png_and_jpeg_only() -> None:
    assert as_png(PNG) == PNG
    png = as_png(JPEG)
    assert png is not None and png.startswith(b"\x89PNG")
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    assert as_png(gif.getvalue()) is None


async def test_at_most_limit_ids_and_at_most_four_requests_at_once(cache: CoverCache) -> None:
    active = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, content=PNG)

    with respx.mock() as mock:
        route = mock.get(url__regex=rf"{HOST}/covers/\d{{5}}\.png").mock(side_effect=slow)
        assert await cache.ensure(range(1, 80), timeout=30, limit=50) == 50
    assert route.call_count == 50 and peak == 4


async def test_a_slow_host_releases_the_caller_and_the_cover_arrives_later(
    cache: CoverCache,
) -> None:
    release = asyncio.Event()

    async def stalled(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, content=PNG)

    with respx.mock() as mock:
        route = mock.get(f"{HOST}/covers/00005.png").mock(side_effect=stalled)
        assert await cache.ensure([5], timeout=0.05) == 0
        assert await cache.ensure([5], timeout=0.05) == 0  # in flight: not asked twice
        release.set()
        await cache.wait_background()
    assert route.call_count == 1 and cache.path(5) is not None


async def test_an_empty_template_never_fetches(tmp_path) -> None:
    offline = CoverCache(tmp_path, "")
    with respx.mock() as mock:  # any request would fail as unmocked
        assert await offline.ensure([1, 2, 3]) == 0
    assert mock.calls.call_count == 0


async def test_with_covers_rebuilds_the_view_only_when_covers_arrived(cache: CoverCache) -> None:
    from plugins.maimai_archive.core.queries.plays import QueryContext
    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    archive = QueryContext(Catalogue(), covers=cache.directory)
    builds: list[object] = []

    async def build(arc: QueryContext):
        builds.append(arc)
        return (arc.cover(10834), arc.cover(None))

    with respx.mock() as mock:
        mock.get(f"{HOST}/covers/10834.png").respond(200, content=PNG)
        view = await with_covers(cache, archive, build)
        assert view == (cache.directory / "10834.png", None) and len(builds) == 2
        builds.clear()
        assert await with_covers(cache, archive, build) == view and len(builds) == 1
