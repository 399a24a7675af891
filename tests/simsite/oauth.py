"""SYNTHETIC: the WeChat login chain of the simulator.

``/wc_auth/oauth/authorize/maimai-dx`` (the site) → 302 to a fake WeChat host
``/connect/oauth2/authorize?…&redirect_uri=https%3A…callback…%3Fr%3D…%26t%3D…&state=…`` →
the fake WeChat hands the logged-in WeChat user (header ``X-Sim-Wechat-User: <player id>``)
a single-use code and redirects to ``redirect_uri&code=…&state=…`` → the callback (app.py)
sets the session cookies. Like the real site the redirect_uri is https: a client that does not
rewrite it to http cannot reach this plain-http simulator.

The fake WeChat host is this same server under another name (``World.wechat_root``; default
``http://localhost:<port>``), so a test browser can send the OAuth host through a proxy and
reach "WeChat" directly.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, quote, urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .world import LogEntry, World

APPID = "wxsim000000000000"
AUTHORIZE_PATH = "/wc_auth/oauth/authorize/maimai-dx"
CALLBACK_PATH = "/wc_auth/oauth/callback/maimai-dx"
WECHAT_PATH = "/connect/oauth2/authorize"
WECHAT_USER = "x-sim-wechat-user"


def oauth_routes(world: World) -> list[Route]:
    def logged(request: Request, status: int, player: str | None = None) -> None:
        # No query in the log: it holds the code.
        world.log.append(
            LogEntry(len(world.log) + 1, request.method, request.url.path, "", player, status)
        )

    async def authorize(request: Request) -> Response:
        host = request.url.netloc
        callback = (
            f"https://{host}{CALLBACK_PATH}?r=c{secrets.token_hex(4)}&t={secrets.randbelow(10**9)}"
        )
        root = world.wechat_root or f"http://localhost:{request.url.port}"
        location = (
            f"{root}{WECHAT_PATH}?appid={APPID}&redirect_uri={quote(callback, safe='')}"
            f"&response_type=code&scope=snsapi_base&state={secrets.token_hex(24).upper()}#wechat_redirect"
        )
        logged(request, 302)
        return Response("", status_code=302, headers={"location": location})

    async def wechat(request: Request) -> Response:
        q = request.query_params
        player = world.players.get(request.headers.get(WECHAT_USER, ""))
        redirect = q.get("redirect_uri", "")
        ok = q.get("appid") == APPID and urlsplit(redirect).path == CALLBACK_PATH and q.get("state")
        if player is None or not ok:
            logged(request, 403)
            return Response("SYNTHETIC WeChat: not logged in or bad request", status_code=403)
        if not {"r", "t"} <= parse_qs(urlsplit(redirect).query).keys():
            logged(request, 403, player.id)
            return Response("SYNTHETIC WeChat: redirect_uri lacks r/t", status_code=403)
        code = world.issue_oauth_code(player)
        logged(request, 302, player.id)
        location = f"{redirect}&code={code}&state={q.get('state')}"
        return Response("", status_code=302, headers={"location": location})

    return [Route(AUTHORIZE_PATH, authorize), Route(WECHAT_PATH, wechat)]
