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

from .errors import TooLarge

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


def image_problem(data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> str | None:
    """Why these bytes are not an image we may decode (not PNG/JPEG, unreadable header, too
    many pixels); None when they are. Reads the header only."""
    if not data.startswith((PNG_MAGIC, JPEG_MAGIC)):
        return "not a PNG or JPEG image"
    try:
        with Image.open(io.BytesIO(data), formats=("PNG", "JPEG")) as img:
            width, height = img.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "a decompression bomb"
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        return "an unreadable image header"
    if width * height > max_pixels:
        return f"{width}×{height} pixels (cap {max_pixels})"
    return None
