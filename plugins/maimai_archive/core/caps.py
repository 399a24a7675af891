"""Caps on what is fetched from outside: bodies read in chunks up to a byte limit, images
measured from their header before anything decodes them.

A 40 MB "jacket" must not be read to the end, and a 20000×20000 PNG of a few KB (a
decompression bomb) must never reach a decoder: Pillow's ``Image.open`` reads only the header,
so the size is known before a single pixel is.
"""

from __future__ import annotations

import io

import httpx
from PIL import Image, UnidentifiedImageError

from .errors import PageChanged, TooLarge

MAX_PAGE_BYTES = 8_000_000  # the largest real page (a friend VS list) is ~2 MB
MAX_IMAGE_BYTES = 4_000_000  # a jacket is ~50 KB, an album photo a few hundred KB
MAX_IMAGE_PIXELS = 4096 * 4096
# Bodies above this are decoded and parsed in a worker thread, never on the event loop.
OFFLOAD_BYTES = 64_000

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


async def read_capped(response: httpx.Response, limit: int, what: str) -> bytes:
    """The (decoded) body of a streamed response; TooLarge as soon as it passes ``limit`` —
    the rest is never read. A gzip bomb counts by what it inflates to."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(what, f"a body under {limit} bytes (Content-Length {declared})")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise TooLarge(what, f"a body under {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def check_image(data: bytes, what: str, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
    """Raise unless these bytes are a PNG/JPEG image we may decode: PageChanged when they are
    not an image (or its header is unreadable), TooLarge when it has too many pixels (a bomb).
    Reads the header only."""
    if not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        raise PageChanged(what, "a PNG or JPEG image")
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as img:
            width, height = img.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooLarge(what, "an image, not a decompression bomb") from None
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        raise PageChanged(what, "a readable image header") from None
    if width * height > max_pixels:
        raise TooLarge(what, f"at most {max_pixels} pixels, not {width}×{height}")


def image_problem(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> str | None:
    """What is wrong with these bytes as an image (see check_image); None when nothing is."""
    try:
        check_image(data, "image", max_pixels)
    except PageChanged as e:
        return e.missing
    return None
