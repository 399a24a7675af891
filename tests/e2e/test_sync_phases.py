"""Black-box: the site changes its detail and album pages; /sync full is asked four times.

The sync keeps every play, does not call itself failed, keeps a redacted copy of each
unreadable page, and a following no-change /sync costs at most 5 requests; four /sync full
in a row read the score lists at most once.
"""

from __future__ import annotations

import pytest

from tests.e2e.botproc import BotProcess
from tests.e2e.conftest import (
    Sim,
    assert_archive_exact,
    bind,
    export_records,
    new_qq,
    sync_in_group,
)
from tests.onebot_client import OneBotClient

pytestmark = pytest.mark.e2e

GROUP = 73_000_001
DETAIL, ALBUM = "record/playlogDetail/", "playerData/photo/"
# The album parser reads div.see_through_block; the detail parser the judgement table.
ALBUM_CHANGED = {"renames": {"see_through_block": "album_block"}}


def _cookie_values(header: str) -> list[str]:
    return [
        part.split("=", 1)[1]
        for part in header.split("; ")
        if "=" in part and len(part.split("=", 1)[1]) >= 6
    ]


async def test_changed_detail_and_album_pages_keep_every_play_and_evidence(
    sim: Sim, qq_client: OneBotClient, bot: BotProcess
) -> None:
    client, qq = qq_client, new_qq()
    group = GROUP + qq % 10_000
    p = sim.new_player(plays=12)
    pid = p["id"]
    seen_headers = [p["cookie_header"]]
    assert "绑定成功" in await bind(client, qq, p["cookie_header"])
    faults = [
        sim.add_fault("layout", pid, path=DETAIL),
        sim.add_fault("layout", pid, path=ALBUM, params=ALBUM_CHANGED),
    ]
    reply = await sync_in_group(client, qq, group)
    assert "首次同步完成：存档 12 次游玩" in reply and "没有完成" not in reply, reply
    assert "详情页暂时读不到，已保存页面供管理员排查" in reply, reply
    assert "相册页面暂时读不到，已保存页面供管理员排查" in reply, reply
    seen_headers.append(sim.cookie_header(pid))

    logged = len(sim.log(pid))
    reply = await sync_in_group(client, qq, group)
    assert "没有新成绩" in reply and "没有完成" not in reply, reply
    assert len(sim.log(pid)) - logged <= 5
    assert not any(
        e["page"].startswith("record/musicGenre") for e in sim.log(pid)[logged:]
    )  # not a first sync again
    seen_headers.append(sim.cookie_header(pid))

    copies = sorted((bot.data_dir / "pages").glob("*.html"))
    kinds = {c.name.split("-")[0] for c in copies}
    assert {"detail", "album"} <= kinds, kinds
    secrets = {v for h in seen_headers for v in _cookie_values(h)}
    for copy in copies:
        text = copy.read_text(encoding="utf-8")
        assert not [s for s in secrets if s in text], copy.name

    for fid in faults:
        sim.remove_fault(fid)
    reply = await sync_in_group(client, qq, group)
    assert "读不到" not in reply and "没有完成" not in reply, reply
    records = await export_records(client, qq)
    assert_archive_exact(records, sim.visible_unix(pid), sim.plays(pid))


async def test_four_full_syncs_in_a_row_read_the_score_lists_at_most_once(
    sim: Sim, qq_client: OneBotClient
) -> None:
    client, qq = qq_client, new_qq()
    group = GROUP + qq % 10_000
    p = sim.new_player(plays=6)
    assert "绑定成功" in await bind(client, qq, p["cookie_header"])
    replies = [await sync_in_group(client, qq, group, "/sync full") for _ in range(4)]
    assert "首次同步完成" in replies[0], replies[0]
    assert all("这次按普通同步进行" in r for r in replies[1:]), replies
    lists = [e for e in sim.log(p["id"]) if e["page"].startswith("record/musicGenre")]
    assert len(lists) == 6, lists  # one read of the six lists
