"""The web app (an ASGI app the chat layer mounts on the bot's own HTTP server).

Safe by construction: every route below ``/{token}`` resolves the token to one player before
it reads anything, and only that player's rows are read; a wrong, expired or ended token is
the same 404 with no player data. Every response carries a strict CSP (no script at all, styles
from the packaged web.css), ``Referrer-Policy: no-referrer`` and ``Cache-Control: private``.
A per-address limit counts every request, tokens wrong or right.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..db.models import Photo
from ..guards import RateLimit
from ..queries.export import export_chunks
from ..queries.plays import QueryContext
from .details import (
    album_page,
    b50_page,
    calendar_page,
    chart_page,
    export_links,
    plate_page,
    play_page,
)
from .layout import Here, not_found_page
from .overview import Ctx, overview_page, plays_page
from .web_links import player_of_token

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
JACKET_NAME = re.compile(r"\d{5,6}\.png")
ASSETS = {"web.css": "text/css", "favicon.svg": "image/svg+xml"}  # what static/ serves
EXPORT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}

PageFn = Callable[[Ctx, Request], Awaitable[str | Response | None]]


class Guard:
    """Headers on every response and the per-address request limit, before any route."""

    def __init__(self, app: ASGIApp, limit: RateLimit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("?", 0))[0]

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if "private" not in headers.get("cache-control", ""):
                    headers["cache-control"] = "private, no-store"
            await send(message)

        if not self.limit.allow(address):
            wait = max(1, round(self.limit.wait(address)))
            too_many = Response(
                "请求太频繁，请稍后再试。", 429, {"retry-after": str(wait)}, "text/plain"
            )
            await too_many(scope, receive, send_guarded)
            return
        await self.app(scope, receive, send_guarded)


def build_web_app(archive: Callable[[], QueryContext], limit: RateLimit) -> ASGIApp:
    """The app, to be mounted at ``/web``; ``archive()`` is the running core's query context."""

    def static_base(request: Request) -> str:
        return f"{request.scope.get('root_path', '')}/static"

    def not_found(request: Request) -> Response:
        return HTMLResponse(not_found_page(static_base(request)), 404)

    def page(fn: PageFn) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            token = request.path_params["token"]
            player = await player_of_token(token)
            if player is None:
                return not_found(request)
            here = Here(f"{request.scope.get('root_path', '')}/{token}", static_base(request))
            out = await fn(Ctx(player, archive(), here), request)
            if out is None:
                return not_found(request)
            return HTMLResponse(out) if isinstance(out, str) else out

        return endpoint

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return not_found(request)
        return FileResponse(
            STATIC / name,
            media_type=ASSETS[name],
            headers={"cache-control": "private, max-age=3600"},
        )

    async def jacket(ctx: Ctx, request: Request) -> Response | None:
        name = request.path_params["name"]
        covers = ctx.archive.covers
        if covers is None or not JACKET_NAME.fullmatch(name) or not (covers / name).is_file():
            return None
        return FileResponse(covers / name, headers={"cache-control": "private, max-age=86400"})

    async def photo(ctx: Ctx, request: Request) -> Response | None:
        row = await Photo.get_or_none(id=request.path_params["photo_id"], player_id=ctx.player.id)
        root = ctx.archive.data_dir
        if row is None or not row.path or root is None:
            return None
        path = (root / row.path).resolve()
        # A stored path outside the data folder is never served.
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            return None
        return FileResponse(path, headers={"cache-control": "private, max-age=86400"})

    async def export(ctx: Ctx, request: Request) -> Response | None:
        fmt = request.path_params["fmt"]
        if fmt not in EXPORT_TYPES:
            return None
        return StreamingResponse(
            export_chunks(ctx.player, fmt),
            media_type=EXPORT_TYPES[fmt],
            headers={"content-disposition": f'attachment; filename="maimai-plays.{fmt}"'},
        )

    def q(fn: Callable[[Ctx, dict[str, str]], Awaitable[str | None]]) -> PageFn:
        async def call(ctx: Ctx, request: Request) -> str | None:
            return await fn(ctx, dict(request.query_params))

        return call

    async def play(ctx: Ctx, request: Request) -> str | None:
        return await play_page(ctx, request.path_params["play_id"])

    async def export_page(ctx: Ctx, request: Request) -> str:
        return export_links(ctx)

    routes = [
        Route("/static/{name}", asset),
        Route("/{token}", page(q(overview_page))),
        Route("/{token}/", page(q(overview_page))),
        Route("/{token}/plays", page(q(plays_page))),
        Route("/{token}/play/{play_id:int}", page(play)),
        Route("/{token}/chart", page(q(chart_page))),
        Route("/{token}/b50", page(q(b50_page))),
        Route("/{token}/plate", page(q(plate_page))),
        Route("/{token}/calendar", page(q(calendar_page))),
        Route("/{token}/album", page(q(album_page))),
        Route("/{token}/photo/{photo_id:int}", page(photo)),
        Route("/{token}/jacket/{name}", page(jacket)),
        Route("/{token}/export", page(export_page)),
        Route("/{token}/export.{fmt}", page(export)),
    ]

    async def missing(request: Request, exc: Exception) -> Response:
        return not_found(request)

    app = Starlette(routes=routes, exception_handlers={404: missing, 405: missing})
    return Guard(app, limit)
