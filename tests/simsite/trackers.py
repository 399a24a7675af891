"""SYNTHETIC: 水鱼 (under ``/df/``) and 落雪 (under ``/lx/``) as the simulator serves them, so
the bot's pushes meet services that judge each score against a song list, as the real ones do.

What they do follows the services' own behaviour (facts from 水鱼's maimaidx-prober
``update_records`` and 落雪's documented answers; no code of theirs):

- 水鱼 takes a JSON list; a record is matched by title (spaces ignored) + type "SD"/"DX"
  against its song data, ``level_index`` below the song's chart count; records it cannot
  match are skipped silently; Utage songs (ids ≥ 100000, type "DX") take ``level_index`` 0.
  A wrong ``Import-Token`` is 400 ``{"message": "导入token有误"}``.
- 落雪 takes ``{"scores": [...]}``; one score it does not know refuses the WHOLE request:
  400 ``{"success": false, "code": 400, "message": "invalid score (id: …, type: …,
  level_index: …): song not found"}``. A wrong key is 401.

The song list is the simulator's song data (``music_data``), less the songs 落雪 has
deleted (``lxns_deleted``). Admin: ``/_sim/trackers`` (GET the pushes and the state, POST
to set ``revoked`` tokens, ``lxns_deleted`` song ids, ``down`` services, DELETE to reset).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

DF_PATH = "/df/api/maimaidxprober/player/update_records"
LX_PATH = "/lx/api/v0/user/maimai/player/scores"
LX_TYPES = {"standard": "SD", "dx": "DX", "utage": "DX"}


@dataclass
class Trackers:
    music_data: Callable[[], list[dict[str, Any]]]
    pushes: list[dict[str, Any]] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)  # tokens both services refuse
    lxns_deleted: set[int] = field(default_factory=set)  # 落雪 ids it no longer has
    down: set[str] = field(default_factory=set)  # "df" / "lx": answer 503
    # what each token's account holds: (song id, level_index) → the record as stored
    stored: dict[str, dict[tuple[int, int], dict[str, Any]]] = field(default_factory=dict)

    def reset(self) -> None:
        self.pushes.clear()
        self.revoked.clear()
        self.lxns_deleted.clear()
        self.down.clear()
        self.stored.clear()

    def _by_title(self) -> dict[tuple[str, str], dict[str, Any]]:
        return {(_bare(s["title"]), s["type"]): s for s in self.music_data()}

    def _by_id(self) -> dict[int, dict[str, Any]]:
        return {int(s["id"]): s for s in self.music_data()}

    def divingfish(self, token: str, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, list):
            return 404, {"message": "导入数据格式有误"}
        songs = self._by_title()
        account = self.stored.setdefault(token, {})
        creates = updates = 0
        for record in body:
            song = songs.get((_bare(str(record.get("title", ""))), record.get("type")))
            level = record.get("level_index")
            if song is None or not isinstance(level, int) or not 0 <= level < len(song["ds"]):
                continue  # 水鱼 skips what it cannot match
            if record.get("achievements") is None:
                continue
            key = (int(song["id"]), level)
            updates, creates = (updates + 1, creates) if key in account else (updates, creates + 1)
            account[key] = record
        return 200, {"message": "更新成功", "updates": updates, "creates": creates}

    def lxns(self, token: str, body: Any) -> tuple[int, dict[str, Any]]:
        scores = body.get("scores") if isinstance(body, dict) else None
        if not isinstance(scores, list):
            return 400, {"success": False, "code": 400, "message": "invalid request body"}
        songs = self._by_id()
        for s in scores:
            if not self._lxns_knows(songs, s):
                message = (
                    f"invalid score (id: {s.get('id')}, type: {s.get('type')}, "
                    f"level_index: {s.get('level_index')}): song not found"
                )
                return 400, {"success": False, "code": 400, "message": message}
        account = self.stored.setdefault(token, {})
        for s in scores:
            account[(_df_id(s), s["level_index"])] = s
        return 200, {"success": True, "code": 200}

    def _lxns_knows(self, songs: dict[int, dict[str, Any]], score: dict[str, Any]) -> bool:
        sid, kind, level = score.get("id"), score.get("type"), score.get("level_index")
        if not isinstance(sid, int) or kind not in LX_TYPES or not isinstance(level, int):
            return False
        if sid in self.lxns_deleted or (kind == "utage") != (sid >= 100_000):
            return False
        song = songs.get(_df_id(score))
        return song is not None and song["type"] == LX_TYPES[kind] and 0 <= level < len(song["ds"])


def _bare(title: str) -> str:
    return title.replace(" ", "").replace("\u3000", "")


def _df_id(score: dict[str, Any]) -> int:
    """落雪 shares one id between a song's SD and DX charts; 水鱼's DX id is 10000 more."""
    sid = int(score["id"])
    return sid + 10_000 if score.get("type") == "dx" else sid


def tracker_routes(trackers: Trackers) -> list[Route]:
    async def serve(request: Request, service: str) -> Response:
        header = "Import-Token" if service == "df" else "X-User-Token"
        token = request.headers.get(header, "")
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        answer: dict[str, Any]
        if service in trackers.down:
            status, answer = 503, {"message": "service unavailable"}
        elif service == "df":
            status, answer = (
                (400, {"status": "error", "message": "导入token有误"})
                if not token or token in trackers.revoked
                else trackers.divingfish(token, body)
            )
        else:
            status, answer = (
                (401, {"success": False, "code": 401, "message": "invalid user token"})
                if not token or token in trackers.revoked
                else trackers.lxns(token, body)
            )
        trackers.pushes.append(
            {"service": service, "token": token, "body": body, "status": status, "answer": answer}
        )
        return JSONResponse(answer, status_code=status)

    async def divingfish(request: Request) -> Response:
        return await serve(request, "df")

    async def lxns(request: Request) -> Response:
        return await serve(request, "lx")

    async def admin(request: Request) -> Response:
        if request.method == "DELETE":
            trackers.reset()
        elif request.method == "POST":
            raw = await request.body()
            b = json.loads(raw) if raw else {}
            if "revoked" in b:
                trackers.revoked = set(b["revoked"])
            if "lxns_deleted" in b:
                trackers.lxns_deleted = {int(i) for i in b["lxns_deleted"]}
            if "down" in b:
                trackers.down = set(b["down"])
        token = request.query_params.get("token")
        return JSONResponse({
            "pushes": [p for p in trackers.pushes if token is None or p["token"] == token],
            "revoked": sorted(trackers.revoked), "lxns_deleted": sorted(trackers.lxns_deleted),
            "down": sorted(trackers.down),
            "stored": None if token is None else len(trackers.stored.get(token, {})),
        })  # fmt: skip

    return [
        Route(DF_PATH, divingfish, methods=["POST"]),
        Route(LX_PATH, lxns, methods=["POST"]),
        Route("/_sim/trackers", admin, methods=["GET", "POST", "DELETE"]),
    ]
