"""The page-source protocol: what the sync reads. ``MaimaiClient`` is one; saved pages in
tests are another."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from ...parsed import ParsedPhoto, ParsedPlay, ParsedPlayDetail, ParsedProfile, ParsedScore


class PageSource(Protocol):
    requests: int
    bytes_received: int

    async def record(self) -> list[ParsedPlay]: ...
    async def play_detail(self, idx: str) -> ParsedPlayDetail: ...
    async def scores(self, diff: int) -> list[ParsedScore]: ...
    async def home(self) -> ParsedProfile: ...
    async def friend_code(self) -> ParsedProfile: ...
    async def photos(self) -> list[ParsedPhoto]: ...
    async def image(self, url: str) -> bytes: ...


CookieSaver = Callable[[dict[str, str]], Awaitable[None]]
SourceFactory = Callable[[dict[str, str], CookieSaver], AbstractAsyncContextManager[PageSource]]
