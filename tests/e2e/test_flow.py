"""Black-box: the whole story over OneBot v11, the real bot against the site simulator.

bind (private) → /sync in a group → the image commands → the player plays more → /sync →
/export holds every play the bot could see, exactly once.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.conftest import (
    Sim,
    ask_group,
    ask_private,
    assert_archive_exact,
    bind,
    export_records,
    new_qq,
    sync_in_group,
)
from tests.onebot_client import OneBotClient, message_images, message_text

pytestmark = pytest.mark.e2e

GROUP = 71_000_001


def _member_info(role: str):
    return lambda call: {
        "group_id": call["params"]["group_id"], "user_id": call["params"]["user_id"],
        "nickname": "bot", "card": "", "role": role,
    }  # fmt: skip


async def test_whole_story_bind_sync_views_play_more_sync_export(
    sim: Sim, qq_client: OneBotClient
) -> None:
    client, qq = qq_client, new_qq()
    p = sim.new_player(plays=60)  # 10 plays already left the ring: no sync can see them
    pid = p["id"]

    # /bind in a group: refused with a warning, the message recalled (the bot is admin),
    # nothing stored and the site never asked.
    client.results["get_group_member_info"] = _member_info("admin")
    start = len(client.calls)
    leaked_id = await client.group_message(
        "/bind " + p["cookie_header"], user_id=qq, group_id=GROUP
    )
    warning = message_text(await client.wait_for_reply(group=GROUP, start=start))
    assert "请不要在群里发送 Cookie" in warning and "已撤回" in warning
    recall = await client.wait_for(lambda c: c["action"] == "delete_msg", start=start)
    assert recall["params"]["message_id"] == leaked_id
    assert "还没有绑定" in await sync_in_group(client, qq, GROUP)
    assert sim.log(pid) == []

    # /bind in private: the reply names the player.
    reply = await bind(client, qq, p["cookie_header"])
    assert "绑定成功" in reply and p["name"] in reply, reply

    seen = sim.visible_unix(pid)
    reply = await sync_in_group(client, qq, GROUP)
    assert "首次同步完成：存档 50 次游玩" in reply, reply

    # Every view answers with an image (or its documented text).
    for command, texts in [
        ("/recent", ()),
        ("/diff", ("这段时间没有新成绩。",)),  # a first sync imports, it changes nothing
        ("/history", ()),
        ("/b50", ()),
        ("/chart Cyaegha", ()),
    ]:
        call = await ask_group(client, qq, GROUP, command, within=60)
        assert message_images(call) or message_text(call) in texts, (
            command, message_text(call),
        )  # fmt: skip

    # The player plays more; the next sync counts exactly those.
    sim.play(pid, 7)
    seen |= sim.visible_unix(pid)
    reply = await sync_in_group(client, qq, GROUP)
    assert "同步完成：新增 7 次游玩" in reply, reply
    call = await ask_group(client, qq, GROUP, "/diff", within=60)
    assert message_images(call) or message_text(call) == "这段时间没有新成绩。"

    # A sync with nothing new; the full-archive views answer with images (/diff: the last
    # sync that changed something), an unknown plate with the valid names.
    await sync_in_group(client, qq, GROUP)
    last_day = datetime.fromtimestamp(max(seen), timezone(timedelta(hours=8))).date()
    for command in ("/diff", "/today", f"/today {last_day:%Y-%m-%d}", "/plate 舞将", "/history"):
        call = await ask_group(client, qq, GROUP, command, within=60)
        assert message_images(call), (command, message_text(call))
    assert "没有「猫将」这个牌子" in message_text(await ask_group(client, qq, GROUP, "/plate 猫将"))

    # /rank lists the group's public members only: opt in first.
    client.results["get_group_member_list"] = [{"user_id": qq, "group_id": GROUP}]
    assert "还没有人公开存档" in message_text(await ask_group(client, qq, GROUP, "/rank"))
    assert "已公开" in message_text(await ask_group(client, qq, GROUP, "/privacy public"))
    assert message_images(await ask_group(client, qq, GROUP, "/rank", within=60))

    records = await export_records(client, qq)
    assert len(records) == 57
    assert_archive_exact(records, seen, sim.plays(pid))


async def test_bind_in_group_when_not_admin_warns_without_recall(
    sim: Sim, qq_client: OneBotClient
) -> None:
    client, qq = qq_client, new_qq()
    p = sim.new_player(plays=5)
    client.results["get_group_member_info"] = _member_info("member")
    start = len(client.calls)
    await client.group_message("/bind " + p["cookie_header"], user_id=qq, group_id=GROUP + 1)
    warning = message_text(await client.wait_for_reply(group=GROUP + 1, start=start))
    assert "请不要在群里发送 Cookie" in warning and "已撤回" not in warning
    assert not [c for c in client.calls[start:] if c["action"] == "delete_msg"]
    assert "还没有绑定" in await ask_private(client, qq, "/sync")


async def test_bind_with_the_oauth_callback_url(sim: Sim, qq_client: OneBotClient) -> None:
    client, qq = qq_client, new_qq()
    p = sim.new_player(plays=12)
    url = sim.login_url(p["id"])  # a one-time WeChat callback link, as the user copies it
    reply = await ask_private(client, qq, "/bind " + url)
    assert "绑定成功" in reply and p["name"] in reply, reply
    reply = await sync_in_group(client, qq, GROUP + 2)
    assert "首次同步完成：存档 12 次游玩" in reply, reply
    records = await export_records(client, qq)
    assert_archive_exact(records, sim.visible_unix(p["id"]), sim.plays(p["id"]))
