"""Black-box: two bot processes (one per QQ account) on one database, as operators with
several QQ accounts run them. A bind made on one is used by the other; the same player's
/sync sent to both at once runs once (the other answers that a sync is running); autosync
syncs a due account once although both bots tick.

The database is the CI PostgreSQL when ``MAIMAI_TEST_DB_URL`` is set, else one SQLite file
both processes open (SQLite serialises their writes with its file lock; the lease and the
autosync claim are single conditional UPDATEs, which that lock makes atomic too, so the test
means the same there). The autosync part waits for both bots' first tick (a minute after
start): this test takes about 80 s.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.e2e.conftest import Sim, ask_private, bind, new_qq, start_bot, sync_in_group
from tests.onebot_client import OneBotClient

pytestmark = pytest.mark.e2e

GROUP = 74_000_001
RECORD = "record/"
TICK = 60  # the autosync schedule's interval (chat/autosync_job.py), from each bot's start


def record_reads(sim: Sim, pid: str, after: int) -> int:
    """How many times a sync read the player's record/ page since log entry ``after``."""
    return sum(1 for e in sim.log(pid) if e["seq"] > after and e["page"] == RECORD)


def last_seq(sim: Sim, pid: str) -> int:
    return max((e["seq"] for e in sim.log(pid)), default=0)


async def test_two_bots_share_one_archive(sim: Sim, tmp_path: Path) -> None:
    shared = {
        "MAIMAI_SECRET_KEY": Fernet.generate_key().decode(),  # one key: one binding store
        "MAIMAI_AUTOSYNC_ENABLED": "true",
    }
    if not os.environ.get("MAIMAI_TEST_DB_URL"):
        shared["MAIMAI_DB_URL"] = f"sqlite://{tmp_path / 'shared.sqlite3'}"
    bots, ticks = [], []  # each bot's first autosync tick: a minute after its start
    for name in ("a", "b"):
        bots.append(start_bot(tmp_path / name / "data", sim, **shared))
        ticks.append(time.monotonic() + TICK)
    qq = new_qq()
    try:
        async with (
            OneBotClient(bots[0].ws_url, self_id=qq + 1) as a,
            OneBotClient(bots[1].ws_url, self_id=qq + 2) as b,
        ):
            p = sim.new_player(plays=20)
            pid = p["id"]
            # A bind made on one bot is the other's too.
            assert "绑定成功" in await bind(a, qq, p["cookie_header"])
            assert "首次同步完成" in await sync_in_group(b, qq, GROUP)

            # The same /sync to both at once: one runs, the other says a sync is running.
            sim.play(pid, 3)
            slow = sim.add_fault("slow", pid, path=RECORD, params={"delay_ms": 1500}, times=1)
            mark = last_seq(sim, pid)
            replies = await asyncio.gather(sync_in_group(a, qq, GROUP), sync_in_group(b, qq, GROUP))
            sim.remove_fault(slow)
            busy = [r for r in replies if "你的同步正在进行中" in r]
            done = [r for r in replies if "同步完成" in r]
            assert len(busy) == 1 and len(done) == 1, replies
            assert record_reads(sim, pid, mark) == 1

            # Autosync on (asked of bot A): due now, and both bots tick within a minute.
            assert "开启" in await ask_private(a, qq, "/autosync on")
            mark = last_seq(sim, pid)
            deadline = ticks[0] + 45
            while record_reads(sim, pid, mark) == 0:
                assert time.monotonic() < deadline, "no autosync within the first tick"
                await asyncio.sleep(0.5)
            # Past both bots' first tick (and its sync) the account was synced once.
            await asyncio.sleep(max(0.0, ticks[1] + 15 - time.monotonic()))
            assert record_reads(sim, pid, mark) == 1
            assert all("autosync tick failed" not in bot.log() for bot in bots)
    finally:
        for bot in bots:
            bot.stop()
    for bot in bots:
        assert "Traceback" not in bot.log(), bot.log()[-3000:]
