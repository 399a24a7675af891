"""Hostile downloads for tests (synthetic): a decompression-bomb PNG and a huge streamed body
that counts how much of it was read."""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import AsyncIterator

import httpx

MB = 1_000_000


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit greyscale PNG of ``width``×``height`` zero pixels: a few tens of KB on the
    wire, ``width*height`` pixels (400 million by default) once decoded."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    block = row * 500
    idat = b"".join(packer.compress(block) for _ in range(height // 500))
    idat += packer.compress(row * (height % 500)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


class HugeBody:
    """A response body of ``total`` bytes streamed in ``chunk``-byte pieces; ``sent`` counts
    the bytes the reader actually pulled."""

    def __init__(
        self, total: int = 40 * MB, chunk: int = 64_000, head: bytes = b"\x89PNG\r\n\x1a\n"
    ) -> None:
        self.total, self.chunk, self.head = total, chunk, head
        self.sent = 0

    async def _stream(self) -> AsyncIterator[bytes]:
        piece = self.head + bytes(self.chunk - len(self.head))
        while self.sent < self.total:
            self.sent += len(piece)
            yield piece
            piece = bytes(self.chunk)

    def response(
        self, content_type: str = "image/png", declare_length: bool = False
    ) -> httpx.Response:
        """A fresh streamed response (no Content-Length unless asked: the reader must count)."""
        headers = {"content-type": content_type}
        if declare_length:
            headers["content-length"] = str(self.total)
        return httpx.Response(200, headers=headers, content=self._stream())
