"""SYNTHETIC: the simulator as an ASGI app (Starlette).

Site pages live under ``base_path`` (default ``/maimai-mobile/``), the WeChat OAuth callback
under ``/wc_auth/oauth/callback/maimai-dx``, 水鱼 and 落雪 under ``/df/`` and ``/lx/``
(trackers.py), and the test-only admin API under ``/_sim/``.

Order of checks for a site page: latency → fault switches → WAF → session → page. A page
served with a valid session rotates ``userId`` and ``_t``; a missing, stale or expired
session is a 302 to ``error/`` (which shows 错误码 200002).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Collection, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import pages
from .charts import CHARTS
from .oauth import oauth_routes
from .trackers import Trackers, tracker_routes
from .world import LogEntry, Player, World

# The smallest valid PNG (1×1, transparent): every image the pages point at.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
WAF_COOKIES = ("__tst_status", "EO_Bot_Ssid")
# Pages that need no session.
_PUBLIC = {"", "error/"}
CLIENT_GONE = 499  # logged for a request whose client hung up during a slow fault


def create_app(world: World | None = None, *, base_path: str = "/maimai-mobile/") -> Starlette:
    world = world or World()
    base_path = "/" + base_path.strip("/") + "/"
    site = _Site(world, base_path)
    routes = [
        Route("/wc_auth/oauth/callback/maimai-dx", site.oauth_callback),
        Route(base_path + "{page:path}", site.page, methods=["GET", "POST"]),
        Route(base_path.rstrip("/"), site.page),
        *_admin_routes(world, base_path),
        *oauth_routes(world),
        *tracker_routes(Trackers(music_data_json)),  # 水鱼 /df/, 落雪 /lx/
    ]
    app = Starlette(routes=routes)
    app.state.world = world
    app.state.base_path = base_path
    return app


class _Site:
    def __init__(self, world: World, base_path: str) -> None:
        self.world = world
        self.base_path = base_path

    def base_url(self, request: Request) -> str:
        return str(request.base_url).rstrip("/") + self.base_path

    async def page(self, request: Request) -> Response:
        w = self.world
        page = request.path_params.get("page", "")
        user_id, t = request.cookies.get("userId"), request.cookies.get("_t")
        player, state = w.identify(user_id, t)
        entry = LogEntry(
            len(w.log) + 1, request.method, page, request.url.query, player.id if player else None
        )
        w.log.append(entry)
        if player is not None:
            entry.overlap = player.in_flight > 0
            player.in_flight += 1
            player.max_in_flight = max(player.max_in_flight, player.in_flight)
        try:
            response = await self._serve(request, page, player, state, entry)
        finally:
            if player is not None:
                player.in_flight -= 1
        entry.status = response.status_code
        entry.bytes = len(response.body)
        return response

    async def _serve(
        self, request: Request, page: str, player: Player | None, state: str, entry: LogEntry
    ) -> Response:
        w, base = self.world, self.base_url(request)
        if w.latency_ms:
            await asyncio.sleep(w.latency_ms / 1000)
        if page.startswith("img/") or page.startswith("css/") or page.startswith("js/"):
            return (
                Response(TINY_PNG, media_type="image/png")
                if page.startswith("img/")
                else Response("")
            )
        post: list[Any] = []
        for fault in w.faults_for(page, player):
            entry.fault = fault.kind
            kind, params = fault.kind, fault.params
            if kind == "http567":
                return Response("", status_code=567)
            if kind == "slow":
                await asyncio.sleep(float(params.get("delay_ms", 3000)) / 1000)
                if await request.is_disconnected():
                    # The delay sits in front of the site (WAF, queue): a client that left
                    # meanwhile never reached it, so its session is untouched.
                    return Response("", status_code=CLIENT_GONE)
            elif kind == "hang":
                await asyncio.sleep(float(params.get("seconds", 3600)))
                return Response("", status_code=504)
            elif kind == "waf":
                return _html(pages.challenge_page(), int(params.get("status", 200)))
            elif kind == "maintenance":
                return _html(pages.maintenance_page(base), int(params.get("status", 200)))
            elif kind == "error":
                if player is not None:
                    w.expire(player)
                return _redirect(base + "error/")
            elif kind == "missing":
                return _html(pages.error_page(base, "200004"), 404)
            else:  # truncate, layout, oversize: applied to the page once it is made
                post.append(fault)
        if w.waf_required and not _passes_waf(request, w):
            return _html(pages.challenge_page())
        if page in _PUBLIC:
            entry.session = None
            public = (
                pages.index_page(base)
                if page == ""
                else pages.error_page(base, request.query_params.get("code", "200002"))
            )
            return _html(public)
        entry.session = state
        if page == "logout/" or page.startswith("home/homeIndex/logout"):
            if player is not None and state == "ok":
                w.expire(player)
            return _redirect(base)
        if state != "ok" or player is None:
            return _redirect(base + "error/")
        html = self._render(request, base, page, player)
        if html is None:
            return _html(pages.error_page(base, "200004"), 404)
        if isinstance(html, str):
            for fault in post:
                if fault.kind == "layout":
                    html = pages.change_layout(html, fault.params.get("renames"))
                elif fault.kind == "truncate":
                    html = html[: int(len(html) * float(fault.params.get("fraction", 0.5)))]
                elif fault.kind == "oversize":
                    pad = " " * int(float(fault.params.get("mb", 8)) * 1024 * 1024)
                    html = html.replace("</html>", f"<!--{pad}--></html>")
        response = _html(html) if isinstance(html, str) else html
        _set_session_cookies(response, w.rotate(player))
        return response

    def _render(
        self, request: Request, base: str, page: str, player: Player
    ) -> str | Response | None:
        w, q = self.world, request.query_params
        if page == "record/":
            return pages.record_page(base, w, player)
        if page == "record/playlogDetail/":
            play = w.find_play(player, q.get("idx", ""))
            if play is None:  # overwritten or made up: back to the list
                return _redirect(base + "record/")
            return pages.detail_page(base, play, w.slot_of(player, play))
        if page in ("record/musicGenre/search/", "record/musicSort/search/"):
            try:
                diff = int(q.get("diff", "0"))
            except ValueError:
                return None
            return pages.scores_page(base, w, player, diff)
        if page == "home/":
            return pages.home_page(base, player)
        if page == "playerData/":
            try:
                diff = int(q.get("diff", "99"))
            except ValueError:
                return None
            return pages.player_data_page(base, w, player, diff)
        if page == "playerData/photo/":
            return pages.photos_page(base, player)
        if page == "friend/userFriendCode/":
            return pages.friend_code_page(base, player)
        return None

    async def oauth_callback(self, request: Request) -> Response:
        w, base = self.world, self.base_url(request)
        entry = LogEntry(len(w.log) + 1, request.method, request.url.path, "", None)
        w.log.append(entry)
        if w.waf_required and not _passes_waf(request, w):
            response = _html(pages.challenge_page())
        else:
            player = w.redeem_oauth_code(request.query_params.get("code", ""))
            if player is None:
                response = _html(pages.error_page(base, "100001"))
            else:
                entry.player = player.id
                response = _redirect(base + "home/")
                _set_session_cookies(response, w.login(player))
        entry.status, entry.bytes = response.status_code, len(response.body)
        return response


def _html(text: str, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type="text/html; charset=utf-8")


def _redirect(url: str) -> Response:
    return Response("", status_code=302, headers={"location": url})


def _set_session_cookies(response: Response, session: Any) -> None:
    response.set_cookie("userId", session.user_id, path="/", httponly=True)
    response.set_cookie("_t", session.t, path="/", httponly=True)


def _passes_waf(request: Request, world: World) -> bool:
    if not all(request.cookies.get(name) for name in WAF_COOKIES):
        return False
    return not world.require_wechat_ua or "MicroMessenger" in request.headers.get("user-agent", "")


# ---------- admin API (/_sim/) ----------


def player_json(world: World, p: Player, base: str) -> dict[str, Any]:
    s = p.session
    return {
        "id": p.id,
        "name": p.name,
        "friend_code": p.friend_code,
        "rating": p.rating,
        "plays": len(p.history),
        "stars": p.stars,
        "cookies": None if s is None else {"userId": s.user_id, "_t": s.t},
        "waf_cookies": {"__tst_status": "1#", "EO_Bot_Ssid": f"sim{p.seed}"},
        "cookie_header": None if s is None else f"userId={s.user_id}; _t={s.t}",
        "recent_idx": [f"{slot},{play.unix}" for slot, play in world.recent_with_slots(p)],
    }


def _admin_routes(world: World, base_path: str) -> list[Route]:
    async def body(request: Request) -> dict[str, Any]:
        raw = await request.body()
        return json.loads(raw) if raw else {}

    def site_base(request: Request) -> str:
        return str(request.base_url).rstrip("/") + base_path

    def get_player(request: Request) -> Player | None:
        return world.players.get(request.path_params["pid"])

    def missing(request: Request) -> JSONResponse:
        return JSONResponse({"error": f"no player {request.path_params['pid']}"}, status_code=404)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "players": len(world.players)})

    async def players(request: Request) -> Response:
        if request.method == "POST":
            b = await body(request)
            p = world.add_player(
                b.get("name"),
                seed=b.get("seed"),
                plays=int(b.get("plays", 20)),
                skill=b.get("skill"),
            )
            return JSONResponse(player_json(world, p, site_base(request)), status_code=201)
        return JSONResponse(
            [player_json(world, p, site_base(request)) for p in world.players.values()]
        )

    async def one_player(request: Request) -> Response:
        p = get_player(request)
        return (
            missing(request)
            if p is None
            else JSONResponse(player_json(world, p, site_base(request)))
        )

    async def plays(request: Request) -> Response:
        p = get_player(request)
        if p is None:
            return missing(request)
        if request.method == "POST":
            n = int((await body(request)).get("n", 1))
            new = world.play(p, n)
            slots = {id(pl): s for s, pl in world.recent_with_slots(p)}
            return JSONResponse([pl.to_json(slots.get(id(pl))) for pl in new])
        slots = {id(pl): s for s, pl in world.recent_with_slots(p)}
        return JSONResponse([pl.to_json(slots.get(id(pl))) for pl in p.history])

    async def bests(request: Request) -> Response:
        p = get_player(request)
        if p is None:
            return missing(request)
        out = []
        for b in p.bests.values():
            s = b.as_parsed()
            out.append({
                "song_id": b.chart.song_id, "title": s.title, "type": s.type.value,
                "difficulty": s.difficulty.value, "level": s.level, "achievement": s.achievement,
                "dx_score": s.dx_score, "dx_score_max": s.dx_score_max, "rank": s.rank and s.rank.value,
                "fc": s.fc and s.fc.value, "fs": s.fs and s.fs.value,
            })  # fmt: skip
        return JSONResponse({"rating": p.rating, "bests": out})

    async def login(request: Request) -> Response:
        """A fresh session now; the cookies are in the reply."""
        p = get_player(request)
        if p is None:
            return missing(request)
        world.login(p)
        return JSONResponse(player_json(world, p, site_base(request)))

    async def login_url(request: Request) -> Response:
        """A one-time WeChat callback URL that logs this player in."""
        p = get_player(request)
        if p is None:
            return missing(request)
        url = (
            str(request.base_url).rstrip("/")
            + "/wc_auth/oauth/callback/maimai-dx?"
            + world.oauth_callback_query(p)
        )
        return JSONResponse({"url": url})

    async def expire(request: Request) -> Response:
        p = get_player(request)
        if p is None:
            return missing(request)
        world.expire(p)
        return JSONResponse({"ok": True})

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            b = await body(request)
            try:
                f = world.add_fault(
                    b.pop("kind"), player=b.pop("player", None), path=b.pop("path", None),
                    after=int(b.pop("after", 0)), times=b.pop("times", None), **b.pop("params", {}), **b,
                )  # fmt: skip
            except (KeyError, ValueError) as e:
                return JSONResponse({"error": str(e)}, status_code=400)
            return JSONResponse(f.to_json(), status_code=201)
        if request.method == "DELETE":
            world.clear_faults()
            return JSONResponse({"ok": True})
        return JSONResponse([f.to_json() for f in world.faults])

    async def one_fault(request: Request) -> Response:
        fid = int(request.path_params["fid"])
        world.faults[:] = [f for f in world.faults if f.id != fid]
        return JSONResponse({"ok": True})

    async def config(request: Request) -> Response:
        if request.method == "POST":
            b = await body(request)
            for key in (
                "session_ttl",
                "latency_ms",
                "waf_required",
                "require_wechat_ua",
                "slot_mode",
                "wechat_root",
            ):
                if key in b:
                    setattr(world, key, b[key])
        return JSONResponse({
            "session_ttl": world.session_ttl, "latency_ms": world.latency_ms,
            "waf_required": world.waf_required, "require_wechat_ua": world.require_wechat_ua,
            "slot_mode": world.slot_mode, "base_path": base_path,
        })  # fmt: skip

    async def log(request: Request) -> Response:
        if request.method == "DELETE":
            world.log.clear()
            return JSONResponse({"ok": True})
        pid = request.query_params.get("player")
        return JSONResponse([e.to_json() for e in world.log if pid is None or e.player == pid])

    async def counters(request: Request) -> Response:
        return JSONResponse(world.counters())

    async def music_data(request: Request) -> Response:
        """The song data as the world's 水鱼 has it now (``music_data`` shape): songs it lags
        on are missing, renamed ones carry their new title (``?full=1``: all of it)."""
        if request.query_params.get("full"):  # the song data as if it had caught up
            return JSONResponse(music_data_json())
        return JSONResponse(music_data_json(world.songdb_missing, world.songdb_titles))

    async def songdb(request: Request) -> Response:
        """The song data changes: ``learn`` song ids (or "all"), ``drop`` ids, ``rename``
        {id: title}."""
        body = await request.json()
        learn = body.get("learn", [])
        if learn == "all":
            world.songdb_missing.clear()
        else:
            world.songdb_missing.difference_update(int(i) for i in learn)
        world.songdb_missing.update(int(i) for i in body.get("drop", []))
        world.songdb_titles.update({int(k): str(v) for k, v in body.get("rename", {}).items()})
        return JSONResponse(
            {"missing": sorted(world.songdb_missing), "renamed": world.songdb_titles}
        )

    return [
        Route("/_sim/health", health),
        Route("/_sim/players", players, methods=["GET", "POST"]),
        Route("/_sim/players/{pid}", one_player),
        Route("/_sim/players/{pid}/plays", plays, methods=["GET", "POST"]),
        Route("/_sim/players/{pid}/bests", bests),
        Route("/_sim/players/{pid}/login", login, methods=["POST"]),
        Route("/_sim/players/{pid}/login_url", login_url, methods=["POST", "GET"]),
        Route("/_sim/players/{pid}/expire", expire, methods=["POST"]),
        Route("/_sim/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sim/faults/{fid:int}", one_fault, methods=["DELETE"]),
        Route("/_sim/config", config, methods=["GET", "POST"]),
        Route("/_sim/log", log, methods=["GET", "DELETE"]),
        Route("/_sim/counters", counters),
        Route("/_sim/music_data", music_data),
        Route("/_sim/songdb", songdb, methods=["POST"]),
    ]


def music_data_json(
    missing: Collection[int] = (), titles: Mapping[int, str] | None = None
) -> list[dict[str, Any]]:
    """SYNTHETIC song data for the built-in charts, shaped like diving-fish ``music_data``,
    without the ``missing`` songs and with ``titles`` renamed.

    Only the charts the simulator knows are filled in; other difficulties of a song get
    placeholder levels so ``ds``/``level`` keep their 0–4 positions.
    """
    titles = titles or {}
    songs: dict[int, dict[str, Any]] = {}
    for c in CHARTS:
        if c.song_id in missing:
            continue
        title = titles.get(c.song_id, c.title)
        song = songs.setdefault(
            c.song_id,
            {
                "id": str(c.song_id),
                "title": title,
                "type": "DX" if c.type.value != "SD" else "SD",
                "ds": [1.0] * 5 if c.type.value != "UTAGE" else [c.ds],
                "level": ["1"] * 5 if c.type.value != "UTAGE" else [c.level],
                "cids": [],
                "charts": [{"notes": [1, 1, 1, 1], "charter": "-"}]
                * (5 if c.type.value != "UTAGE" else 1),
                "basic_info": {
                    "title": title,
                    "artist": "SYNTHETIC",
                    "genre": c.genre,
                    "bpm": 150,
                    "release_date": "",
                    "from": "maimai でらっくす PRiSM PLUS" if c.is_new else "maimai",
                    "is_new": c.is_new,
                },
            },
        )
        i = 0 if c.type.value == "UTAGE" else c.difficulty.index
        notes = (
            [n for n in c.notes if n is not None]
            if c.type.value != "SD"
            else [*c.notes[:3], c.notes[4]]
        )
        song["ds"][i], song["level"][i] = c.ds, c.level
        song["charts"] = list(song["charts"])
        song["charts"][i] = {"notes": notes, "charter": "SYNTHETIC"}
    return list(songs.values())
