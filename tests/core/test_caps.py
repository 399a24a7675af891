"""Caps on what is fetched (issue 10): bodies stop at their byte cap without being read to the
end, images are measured from the header and a bomb never reaches a decoder, and the client
parses error and large bodies off the event loop. Hostile inputs are synthetic (tests/hostile.py)."""

from __future__ import annotations

import io
import threading

import httpx
import pytest
import respx
from PIL import Image

from plugins.maimai_archive.core import client as client_module
from plugins.maimai_archive.core.caps import image_problem, read_capped
from plugins.maimai_archive.core.client import BASE_URL_CN, MaimaiClient
from plugins.maimai_archive.core.covers import CoverCache, as_png
from plugins.maimai_archive.core.errors import LoginFailed, Maintenance, PageChanged, TooLarge
from plugins.maimai_archive.core.login.callback import follow_oauth_callback
from plugins.maimai_archive.core.pages.markup import make_tree
from tests.core.test_pages_support import synthetic
from tests.hostile import MB, HugeBody, bomb_png

BASE = BASE_URL_CN
COVERS = "https://covers.test/{id:05d}.png"
PAGE = "<html><head><title>舞萌DX</title></head><body>ok</body></html>"


def _png(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


async def _no_sleep(_: float) -> None:
    return None


def _client(**kw) -> MaimaiClient:
    kw.setdefault("cookies", {"userId": "1", "_t": "first"})
    return MaimaiClient(BASE, request_interval=0, sleep=_no_sleep, **kw)


# --- images: from the header, before decoding ------------------------------------------------


def test_a_bomb_is_named_from_its_header_and_never_decoded() -> None:
    bomb = bomb_png()
    assert len(bomb) < 100_000  # a few tens of KB on the wire …
    assert image_problem(bomb) is not None  # … 400 million pixels: refused from the header
    assert as_png(bomb) is None
    # Below Pillow's own bomb limit, ours still holds: 5000×5000 = 25 M pixels > 4096².
    assert "5000×5000" in (image_problem(bomb_png(5000, 5000)) or "")
    assert image_problem(_png((64, 64))) is None
    assert image_problem(_png((64, 64)), max_pixels=1000) == "at most 1000 pixels, not 64×64"
    assert image_problem(b"GIF89a....") == "a PNG or JPEG image"
    assert image_problem(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20) == "a readable image header"


async def test_a_body_past_the_cap_is_not_read_to_the_end() -> None:
    huge = HugeBody(40 * MB)
    with pytest.raises(TooLarge):
        await read_capped(huge.response(), 2 * MB, "cover")
    assert huge.sent <= 2 * MB + huge.chunk  # one chunk past the cap, not 40 MB
    declared = HugeBody(40 * MB)
    with pytest.raises(TooLarge):
        await read_capped(declared.response(declare_length=True), 2 * MB, "cover")
    assert declared.sent == 0  # a declared length past the cap: nothing read at all


# --- jackets ---------------------------------------------------------------------------------


async def test_a_bomb_jacket_is_a_remembered_miss(tmp_path) -> None:
    cache = CoverCache(tmp_path, COVERS)
    with respx.mock() as mock:
        route = mock.get("https://covers.test/00834.png").respond(200, content=bomb_png())
        assert await cache.ensure([834]) == 0  # no exception, no file
        assert await cache.ensure([834]) == 0
    assert route.call_count == 1  # remembered as a miss: not asked again
    assert list(tmp_path.glob("*.png")) == []


async def test_a_40_mb_jacket_is_not_read_to_the_end(tmp_path) -> None:
    huge = HugeBody(40 * MB)
    cache = CoverCache(tmp_path, COVERS, max_bytes=2 * MB)
    with respx.mock() as mock:
        route = mock.get("https://covers.test/00834.png").mock(
            side_effect=lambda request: huge.response()
        )
        assert await cache.ensure([834]) == 0
        assert await cache.ensure([834]) == 0
    assert route.call_count == 1
    assert huge.sent <= 2 * MB + huge.chunk
    assert list(tmp_path.glob("*.png")) == []


# --- pages and album photos ------------------------------------------------------------------


@respx.mock
async def test_a_page_past_the_cap_is_a_typed_error_and_its_rotated_cookie_is_kept() -> None:
    huge = HugeBody(40 * MB, head=b"<html>")
    respx.get(BASE + "record/").mock(
        side_effect=lambda request: httpx.Response(
            200, headers={"set-cookie": "_t=second; Path=/"}, content=huge._stream()
        )
    )
    seen: list[dict[str, str]] = []

    async def keep(jar: dict[str, str]) -> None:
        seen.append(jar)

    async with _client(max_page_bytes=1 * MB, on_cookies=keep) as client:
        with pytest.raises(TooLarge) as err:
            await client.get_page("record/")
    assert isinstance(err.value, PageChanged) and err.value.page == "/maimai-mobile/record/"
    assert huge.sent <= 1 * MB + huge.chunk
    assert seen and seen[-1]["_t"] == "second"  # the session goes on with the new value


@respx.mock
async def test_album_photos_are_capped_in_bytes_and_pixels() -> None:
    huge = HugeBody(40 * MB)
    respx.get(BASE + "img/photo/big.png").mock(side_effect=lambda request: huge.response())
    respx.get(BASE + "img/photo/bomb.png").respond(
        200, content=bomb_png(), headers={"content-type": "image/png"}
    )
    respx.get(BASE + "img/photo/gif.png").respond(
        200, content=b"GIF89a....", headers={"content-type": "image/png"}
    )
    respx.get(BASE + "img/photo/ok.png").respond(
        200, content=_png(), headers={"content-type": "image/png"}
    )
    async with _client(max_image_bytes=2 * MB) as client:
        with pytest.raises(TooLarge):
            await client.image(BASE + "img/photo/big.png")
        with pytest.raises(TooLarge) as err:
            await client.image(BASE + "img/photo/bomb.png")
        with pytest.raises(PageChanged) as not_image:
            await client.image(BASE + "img/photo/gif.png")
        assert await client.image(BASE + "img/photo/ok.png") == _png()
    assert huge.sent <= 2 * MB + huge.chunk
    assert "decompression bomb" in str(err.value)
    assert not isinstance(not_image.value, TooLarge)


@respx.mock
async def test_error_and_large_bodies_are_parsed_off_the_event_loop(monkeypatch) -> None:
    threads: list[bool] = []
    real = make_tree

    def spy(body):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(body)

    monkeypatch.setattr(client_module, "make_tree", spy)
    respx.get(BASE + "record/").respond(503, text=synthetic("maintenance.html"))
    respx.get(BASE + "home/").respond(200, text=PAGE.replace("ok", "x" * 200_000))
    respx.get("https://tgk-wcaime.wahlap.com/cb").respond(200, text=PAGE)
    async with _client() as client:
        with pytest.raises(Maintenance):
            await client.get_page("record/")
        await client.get_page("home/")
    with pytest.raises(LoginFailed):  # no userId; the parse is what we watch
        await follow_oauth_callback("https://tgk-wcaime.wahlap.com/cb")
    assert threads and not any(threads), threads  # every tree was built in a worker thread
