"""Black-box: /link, then syncs push the improved bests to 水鱼 and 落雪, /push sends them all,
a rejected token is told once; the tokens are never in the database file or the log.

The two trackers are the simulator's SYNTHETIC 水鱼 and 落雪 (tests/simsite/trackers.py):
they record every push and answer as the services do (a 落雪 that lost a song refuses the
whole request naming that score; 水鱼 takes Utage bests).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
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


class SimTrackers:
    """The simulator's 水鱼 (/df/) and 落雪 (/lx/) (tests/simsite/trackers.py): they judge
    each score against the song data as the services do; every push is recorded."""

    def __init__(self, sim: Sim) -> None:
        self.http = sim.http
        self.root = sim.proc.root

    def set(self, **state: Any) -> None:
        self.http.post("/trackers", json=state).raise_for_status()

    def of(self, service: str, token: str) -> list[dict[str, Any]]:
        pushes = self.http.get("/trackers", params={"token": token}).json()["pushes"]
        return [p for p in pushes if p["service"] == service]

    async def wait(
        self, service: str, token: str, count: int, within: float = 15
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + within
        while len(self.of(service, token)) < count:
            assert time.monotonic() < deadline, (
                f"{service}: {len(self.of(service, token))} pushes, wanted {count}"
            )
            await asyncio.sleep(0.1)
        return self.of(service, token)

    def reset(self) -> None:
        self.http.delete("/trackers").raise_for_status()


def sim_bests(sim: Sim, pid: str) -> dict[tuple, dict[str, Any]]:
    data = sim.http.get(f"/players/{pid}/bests").json()
    return {(b["song_id"], b["difficulty"]): b for b in data["bests"]}


def df_key(b: dict[str, Any]) -> tuple:
    if b["type"] == "UTAGE":  # 水鱼 types its Utage songs "DX", one chart at index 0
        return (b["title"], "DX", 0)
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
    trackers = SimTrackers(sim)
    data = tmp_path / "data"
    # Every chart known (the full song data): this story is about what reaches the trackers;
    # charts the song data lacks are never sent (tests/core/test_trackers.py).
    bot = start_bot(
        data,
        sim,
        MAIMAI_DIVINGFISH_URL=trackers.root + "/df/",
        MAIMAI_LXNS_URL=trackers.root + "/lx/",
        MAIMAI_SONGDB_URL=sim.music_data_url + "?full=1",
    )
    qq = new_qq()
    df_token, lx_token = f"{DF_TOKEN}{qq}", f"{LX_TOKEN}{qq}"
    try:
        async with OneBotClient(bot.ws_url, self_id=qq + 1) as client:
            p = sim.new_player(plays=20)
            pid = p["id"]
            assert "绑定成功" in await bind(client, qq, p["cookie_header"])
            assert "首次同步完成" in await sync_in_group(client, qq, GROUP)

            # /link in private; the replies never echo the token
            for text, token in (
                (f"/link 水鱼 {df_token}", df_token),
                (f"/关联 落雪 {lx_token}", lx_token),
            ):
                reply = await ask_private(client, qq, text)
                assert reply.startswith("已关联") and token not in reply, reply
            listing = await ask_private(client, qq, "/link")
            assert f"水鱼：…{df_token[-4:]}（正常）" in listing, listing
            assert f"落雪：…{lx_token[-4:]}（正常）" in listing, listing

            # New bests → one push each, the right token, only the improved charts.
            improved = await play_until_bests_improve(sim, pid)
            reply = await sync_in_group(client, qq, GROUP)
            assert f"{len(improved)} 项成绩提升" in reply, (reply, improved)
            [df] = await trackers.wait("df", df_token, 1)
            [lx] = await trackers.wait("lx", lx_token, 1)
            assert df["status"] == lx["status"] == 200, (df["answer"], lx["answer"])
            assert {(r["title"], r["type"], r["level_index"]) for r in df["body"]} == {
                df_key(b) for b in improved.values()
            }
            for r in df["body"]:
                best = next(
                    b
                    for b in improved.values()
                    if df_key(b) == (r["title"], r["type"], r["level_index"])
                )
                assert (
                    round(r["achievements"] * 10000) == best["achievement"]
                    and r["dxScore"] == best["dx_score"]
                )
                assert (r["fc"], r["fs"]) == (best["fc"] or "", best["fs"] or "")
            assert {(s["id"], s["type"], s["level_index"]) for s in lx["body"]["scores"]} == {
                lx_key(b) for b in improved.values()
            }

            # /push: every archived best, to both; 水鱼 takes the Utage ones too, and 落雪,
            # which has lost one song since, refuses the request naming it: the rest goes.
            everything = sim_bests(sim, pid)
            assert any(b["type"] == "UTAGE" for b in everything.values())
            lost = next(lx_key(b) for b in everything.values() if b["type"] != "UTAGE")
            trackers.set(lxns_deleted=[lost[0]])
            lost_charts = {lx_key(b) for b in everything.values() if lx_key(b)[0] == lost[0]}
            reply = await ask_private(client, qq, "/push", within=30)
            df_all = (await trackers.wait("df", df_token, 2))[1]
            *_, refused, resent = await trackers.wait("lx", lx_token, 3)
            assert {(r["title"], r["type"], r["level_index"]) for r in df_all["body"]} == {
                df_key(b) for b in everything.values()
            }
            assert df_all["answer"]["creates"] + df_all["answer"]["updates"] == len(everything)
            assert refused["status"] == 400 and f"id: {lost[0]}," in refused["answer"]["message"]
            assert resent["status"] == 200
            assert {(s["id"], s["type"], s["level_index"]) for s in resent["body"]["scores"]} == {
                lx_key(b) for b in everything.values()
            } - lost_charts
            assert f"水鱼：已上传 {len(everything)} 项成绩。" in reply, reply
            n = len(lost_charts)
            assert (
                f"落雪：已上传 {len(everything) - n} 项成绩，跳过 {n} 项（查分器不收 {n} 项）"
                in reply
            ), reply

            # 落雪 rejects the key: marked invalid, told once in private, not retried. (It
            # refused once per lost chart above: a song's SD and DX share one 落雪 id.)
            before = len(trackers.of("lx", lx_token))
            trackers.set(revoked=[lx_token], lxns_deleted=[])
            start = len(client.calls)
            await play_until_bests_improve(sim, pid)
            await sync_in_group(client, qq, GROUP)
            await trackers.wait("lx", lx_token, before + 1)
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
            await trackers.wait("df", df_token, 4)  # 水鱼 still gets every sync's bests
            assert len(trackers.of("lx", lx_token)) == before + 1
            notes = [c for c in client.calls[start:] if "拒绝了你关联的 Token" in message_text(c)]
            assert len(notes) == 1
            assert f"落雪：…{lx_token[-4:]}（Token 已失效" in await ask_private(client, qq, "/link")
    finally:
        bot.stop()
        trackers.set(revoked=[], lxns_deleted=[])

    log = bot.log()
    assert "link" in log and df_token not in log and lx_token not in log
    if not os.environ.get("MAIMAI_TEST_DB_URL"):
        raw = database_bytes(data)
        assert df_token.encode() not in raw and lx_token.encode() not in raw
