"""Black-box: /link, then syncs push the improved bests to 水鱼 and 落雪, /push sends them all,
a rejected token is told once; the tokens are never in the database file or the log.

The two trackers are one SYNTHETIC loopback stub that records every push (path, headers,
JSON body) and answers with the status it is told to.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Sim, ask_private, bind, new_qq, start_bot, sync_in_group
from tests.onebot_client import OneBotClient, message_text

pytestmark = pytest.mark.e2e

GROUP = 73_000_001
DF_TOKEN = "e2e0divingfish0import0token0000000000000000000000000000000000000"
LX_TOKEN = "e2eLxnsPersonalKey-0000000000000000000000000="
INDEX = {"basic": 0, "advanced": 1, "expert": 2, "master": 3, "remaster": 4}


class StubTrackers:
    """SYNTHETIC 水鱼 (/df/) and 落雪 (/lx/) on loopback: records pushes, answers as set."""

    def __init__(self) -> None:
        self.pushes: list[dict[str, Any]] = []
        self.status = {"df": 200, "lx": 200}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                service = self.path.strip("/").split("/")[0]
                body = json.loads(
                    self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null"
                )
                stub.pushes.append(
                    {
                        "service": service,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": body,
                    }
                )
                status = stub.status.get(service, 404)
                if service == "lx":
                    answer = {
                        "success": status == 200,
                        "code": status,
                        "message": None if status == 200 else "bad token",
                    }
                else:
                    answer = (
                        {"message": "更新成功"}
                        if status == 200
                        else {"status": "error", "message": "导入token有误"}
                    )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def of(self, service: str) -> list[dict[str, Any]]:
        return [p for p in self.pushes if p["service"] == service]

    async def wait(self, service: str, count: int, within: float = 15) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while len(self.of(service)) < count:
            assert time.monotonic() < deadline, (
                f"{service}: {len(self.of(service))} pushes, wanted {count}"
            )
            await asyncio.sleep(0.1)
        return self.of(service)

    def close(self) -> None:
        self.server.shutdown()


def sim_bests(sim: Sim, pid: str) -> dict[tuple, dict[str, Any]]:
    data = sim.http.get(f"/players/{pid}/bests").json()
    return {(b["song_id"], b["difficulty"]): b for b in data["bests"]}


def df_key(b: dict[str, Any]) -> tuple:
    return (b["title"], b["type"], INDEX[b["difficulty"]])


def lx_key(b: dict[str, Any]) -> tuple:
    if b["type"] == "UTAGE":
        return (b["song_id"], "utage", 0)
    return (b["song_id"] % 10000, "dx" if b["type"] == "DX" else "standard", INDEX[b["difficulty"]])


async def play_until_bests_improve(sim: Sim, pid: str) -> dict[tuple, dict[str, Any]]:
    """New plays that improve at least one best; the charts they improved."""
    before = sim_bests(sim, pid)
    for _ in range(5):
        sim.play(pid, 6)
        after = sim_bests(sim, pid)
        changed = {k: b for k, b in after.items() if before.get(k) != b}
        if changed:
            return changed
    raise AssertionError("30 plays improved no best")


def database_bytes(data_dir: Path) -> bytes:
    path = data_dir / "maimai.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(FULL)")
    wal = Path(str(path) + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_linked_trackers_get_improved_bests_all_bests_and_a_rejected_token_is_told_once(
    sim: Sim, tmp_path: Path
) -> None:
    stub = StubTrackers()
    data = tmp_path / "data"
    # Every chart known (the full song data): this story is about what reaches the trackers;
    # charts the song data lacks are never sent (tests/core/test_trackers.py).
    bot = start_bot(
        data, sim, MAIMAI_DIVINGFISH_URL=stub.root + "/df/", MAIMAI_LXNS_URL=stub.root + "/lx/",
        MAIMAI_SONGDB_URL=sim.music_data_url + "?full=1",
    )  # fmt: skip
    qq = new_qq()
    try:
        async with OneBotClient(bot.ws_url, self_id=qq + 1) as client:
            p = sim.new_player(plays=20)
            pid = p["id"]
            assert "绑定成功" in await bind(client, qq, p["cookie_header"])
            assert "首次同步完成" in await sync_in_group(client, qq, GROUP)

            # /link in private; the replies never echo the token
            for text, token in (
                (f"/link 水鱼 {DF_TOKEN}", DF_TOKEN),
                (f"/关联 落雪 {LX_TOKEN}", LX_TOKEN),
            ):
                reply = await ask_private(client, qq, text)
                assert reply.startswith("已关联") and token not in reply, reply
            listing = await ask_private(client, qq, "/link")
            assert "水鱼：…0000（正常）" in listing and "落雪：…000=（正常）" in listing, listing

            # New bests → one push each, the right token, only the improved charts.
            improved = await play_until_bests_improve(sim, pid)
            reply = await sync_in_group(client, qq, GROUP)
            assert f"{len(improved)} 项成绩提升" in reply, (reply, improved)
            [df] = await stub.wait("df", 1)
            [lx] = await stub.wait("lx", 1)
            assert df["path"] == "/df/api/maimaidxprober/player/update_records"
            assert df["headers"]["Import-Token"] == DF_TOKEN
            assert {(r["title"], r["type"], r["level_index"]) for r in df["body"]} == {
                df_key(b) for b in improved.values() if b["type"] != "UTAGE"
            }
            for r in df["body"]:
                best = next(
                    b
                    for b in improved.values()
                    if b["type"] != "UTAGE"
                    and df_key(b) == (r["title"], r["type"], r["level_index"])
                )
                assert (
                    round(r["achievements"] * 10000) == best["achievement"]
                    and r["dxScore"] == best["dx_score"]
                )
                assert (r["fc"], r["fs"]) == (best["fc"] or "", best["fs"] or "")
            assert lx["path"] == "/lx/api/v0/user/maimai/player/scores"
            assert lx["headers"]["X-User-Token"] == LX_TOKEN
            assert {(s["id"], s["type"], s["level_index"]) for s in lx["body"]["scores"]} == {
                lx_key(b) for b in improved.values()
            }

            # /push: every archived best, to both.
            everything = sim_bests(sim, pid)
            reply = await ask_private(client, qq, "/push", within=30)
            df_all = (await stub.wait("df", 2))[1]["body"]
            lx_all = (await stub.wait("lx", 2))[1]["body"]["scores"]
            assert {(r["title"], r["type"], r["level_index"]) for r in df_all} == {
                df_key(b) for b in everything.values() if b["type"] != "UTAGE"
            }
            assert {(s["id"], s["type"], s["level_index"]) for s in lx_all} == {
                lx_key(b) for b in everything.values()
            }
            assert f"落雪：已上传 {len(everything)} 项成绩" in reply, reply

            # 落雪 rejects the key: marked invalid, told once in private, not retried.
            stub.status["lx"] = 401
            start = len(client.calls)
            await play_until_bests_improve(sim, pid)
            await sync_in_group(client, qq, GROUP)
            await stub.wait("lx", 3)
            told = await client.wait_for(
                lambda c: (
                    c["action"] in ("send_private_msg", "send_msg")
                    and c["params"].get("user_id") == qq
                    and "落雪拒绝了你关联的 Token" in message_text(c)
                ),
                start=start,
                timeout=15,
            )
            assert "/link 落雪" in message_text(told)
            await play_until_bests_improve(sim, pid)
            await sync_in_group(client, qq, GROUP)
            await stub.wait("df", 4)  # 水鱼 still gets every sync's bests
            assert len(stub.of("lx")) == 3
            notes = [c for c in client.calls[start:] if "拒绝了你关联的 Token" in message_text(c)]
            assert len(notes) == 1
            assert "落雪：…000=（Token 已失效" in await ask_private(client, qq, "/link")
    finally:
        bot.stop()
        stub.close()

    log = bot.log()
    assert "link" in log and DF_TOKEN not in log and LX_TOKEN not in log
    if not os.environ.get("MAIMAI_TEST_DB_URL"):
        raw = database_bytes(data)
        assert DF_TOKEN.encode() not in raw and LX_TOKEN.encode() not in raw
