"""Black-box: songs the song data does not know yet never silence a reply.

The simulator's song data lags like the real one (long, full-width and INTL-only titles the
site shows and 水鱼 does not have yet). The first /sync answers, every view answers, and
after the song data learns the songs (a restart with the full data) their archived plays
resolve and /history <title> draws their chart. This test runs its own simulator and bot:
teaching the song data would change the shared simulator for every other test.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    Sim,
    ask_group,
    bind,
    export_records,
    new_qq,
    start_bot,
    sync_in_group,
)
from tests.onebot_client import OneBotClient, message_images, message_text
from tests.simsite import SimProcess
from tests.simsite.charts import LAGGING, LAGGING_IDS, LONG_TITLE

pytestmark = pytest.mark.e2e

GROUP = 71_500_001
UNKNOWN_TITLES = {c.title for c in LAGGING if c.song_id in LAGGING_IDS}


def assert_no_error_logged(log: str) -> None:
    bad = [line for line in log.splitlines() if "[ERROR]" in line or "Traceback" in line]
    assert not bad, "\n".join(bad[:20])


@pytest.fixture
def own_sim():
    s = Sim(SimProcess().start())
    yield s
    s.close()


async def test_unknown_songs_sync_and_every_view_answers_then_resolve_after_a_restart(
    own_sim: Sim, tmp_path: Path
) -> None:
    sim, qq = own_sim, new_qq()
    p = sim.new_player(plays=45)
    pid = p["id"]
    for _ in range(20):  # until the ring holds the long title (the world's draw is random)
        if LONG_TITLE in {x["title"] for x in sim.plays(pid)[-50:]}:
            break
        sim.play(pid, 5)
    ring = sim.plays(pid)[-50:]
    assert LONG_TITLE in {x["title"] for x in ring}

    data = tmp_path / "data"
    bot = start_bot(data, sim)
    try:
        async with OneBotClient(bot.ws_url, self_id=3_900_000_001) as client:
            assert "绑定成功" in await bind(client, qq, p["cookie_header"])
            reply = await sync_in_group(client, qq, GROUP)
            assert "首次同步完成" in reply, reply
            # More plays (some on unknown songs): the summary and the diff image come back.
            sim.play(pid, 12)
            start = len(client.calls)
            reply = await sync_in_group(client, qq, GROUP)
            assert "同步完成" in reply, reply

            last = datetime.fromtimestamp(
                max(x["unix"] for x in sim.plays(pid)), timezone(timedelta(hours=8))
            ).date()
            commands = [
                "/recent", "/recent 50", "/play 1", "/records", "/b50",
                f"/b50 {last - timedelta(days=1):%Y-%m-%d}", "/diff", "/today", "/history",
                f"/history {LONG_TITLE}", f"/chart {LONG_TITLE}", "/raise", "/plate 舞将",
                "/charts 13+", "/album", "/rank",
            ]  # fmt: skip
            client.results["get_group_member_list"] = [{"user_id": qq, "group_id": GROUP}]
            for command in commands:
                call = await ask_group(client, qq, GROUP, command, within=60)
                assert message_images(call) or message_text(call).strip(), command
            history = await ask_group(client, qq, GROUP, f"/history {LONG_TITLE}", within=60)
            assert message_images(history), message_text(history)
            records = await export_records(client, qq)
            unknown = [r for r in records if r["title"] in UNKNOWN_TITLES]
            assert unknown and all(r["chart_id"] is None for r in unknown)
            assert len(client.calls) > start
        assert_no_error_logged(bot.log())
    finally:
        bot.stop()

    # The song data catches up; the bot restarts with it and resolves the archived plays.
    sim.http.post("/songdb", json={"learn": "all"}).raise_for_status()
    bot = start_bot(data, sim)
    try:
        async with OneBotClient(bot.ws_url, self_id=3_900_000_002) as client:
            records = await export_records(client, qq)
            unknown = [r for r in records if r["title"] in UNKNOWN_TITLES]
            assert unknown and all(r["chart_id"] for r in unknown), unknown[:3]
            call = await ask_group(client, qq, GROUP, f"/history {LONG_TITLE}", within=60)
            assert message_images(call), message_text(call)
        assert "archived plays resolved now" in bot.log()
        assert_no_error_logged(bot.log())
    finally:
        bot.stop()
