"""End-to-end fixtures: the simulator and the real bot as processes, and a QQ-side client.

One simulator and one bot serve the whole session (each test makes its own simulator
players and QQ ids, so a shared PostgreSQL database from ``MAIMAI_TEST_DB_URL`` is fine);
tests that kill the bot start their own with :func:`start_bot`.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import re
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.botproc import BotProcess
from tests.onebot_client import Call, OneBotClient, message_text
from tests.simsite import SimProcess

# Short enough for the hang fault to end quickly, long enough for loopback under load.
REQUEST_TIMEOUT = "2"
# The QQ ids of one run: random, so reruns against one PostgreSQL database never meet.
_QQ = itertools.count(random.randrange(10**9, 2 * 10**9, 10_000))
_SELF_IDS = itertools.count(random.randrange(3 * 10**9, 4 * 10**9, 1000))
# The last line of a /sync answer (the queue and progress notes come before it).
SYNC_DONE = re.compile(
    r"首次同步完成|同步完成|没有新成绩|同步没有完成|登录|你的同步正在进行中|还没有绑定"
)


def new_qq() -> int:
    return next(_QQ)


class Sim:
    """The simulator process and its admin API (/_sim/)."""

    def __init__(self, proc: SimProcess) -> None:
        self.proc = proc
        self.http = httpx.Client(base_url=proc.root + "/_sim", timeout=10)

    @property
    def base_url(self) -> str:
        return self.proc.base_url

    @property
    def music_data_url(self) -> str:
        return self.proc.root + "/_sim/music_data"

    def new_player(self, plays: int = 20) -> dict[str, Any]:
        r = self.http.post("/players", json={"plays": plays})
        r.raise_for_status()
        return r.json()

    def player(self, pid: str) -> dict[str, Any]:
        return self.http.get(f"/players/{pid}").json()

    def cookie_header(self, pid: str) -> str:
        return self.player(pid)["cookie_header"]

    def login(self, pid: str) -> str:
        """A fresh login (as after opening the WeChat page again): the new cookie header."""
        return self.http.post(f"/players/{pid}/login").json()["cookie_header"]

    def login_url(self, pid: str) -> str:
        return self.http.post(f"/players/{pid}/login_url").json()["url"]

    def play(self, pid: str, n: int) -> list[dict[str, Any]]:
        return self.http.post(f"/players/{pid}/plays", json={"n": n}).json()

    def plays(self, pid: str) -> list[dict[str, Any]]:
        return self.http.get(f"/players/{pid}/plays").json()

    def visible_unix(self, pid: str) -> set[int]:
        """The plays ``record/`` shows now (those a sync can see)."""
        return {p["unix"] for p in self.plays(pid) if p["idx"] is not None}

    def add_fault(self, kind: str, pid: str, **spec: Any) -> int:
        r = self.http.post("/faults", json={"kind": kind, "player": pid, **spec})
        r.raise_for_status()
        return r.json()["id"]

    def remove_fault(self, fid: int) -> None:
        self.http.delete(f"/faults/{fid}").raise_for_status()

    def log(self, pid: str) -> list[dict[str, Any]]:
        return self.http.get("/log", params={"player": pid}).json()

    def close(self) -> None:
        self.http.close()
        self.proc.stop()


E2E_IMAGE_RATE = "20"


def bot_env(sim: Sim, **extra: str) -> dict[str, str]:
    env = {
        "MAIMAI_NET_BASE_URL": sim.base_url,
        "MAIMAI_SONGDB_URL": sim.music_data_url,
        "MAIMAI_REQUEST_INTERVAL": "0",
        "MAIMAI_REQUEST_TIMEOUT": REQUEST_TIMEOUT,
        "MAIMAI_RETRY_BACKOFF": "0.2",  # the retries still happen, just sooner
        "MAIMAI_MAX_CONCURRENT_SYNCS": "8",
        "MAIMAI_MAX_CONCURRENT_ACCOUNTS": "8",
        # Ticks of the schedule would sync other tests' players behind their back.
        "MAIMAI_AUTOSYNC_ENABLED": "false",
        # The whole-story test asks one user's ~14 image views within a minute (default 8).
        "MAIMAI_IMAGE_RATE": E2E_IMAGE_RATE,
    }
    env.update(extra)
    return env


def start_bot(data_dir: Path, sim: Sim, **extra: str) -> BotProcess:
    """The real bot on ``data_dir``, started and with the simulator's songs loaded."""
    bot = BotProcess(data_dir, env=bot_env(sim, **extra)).start()
    deadline = time.monotonic() + 30
    while "song data:" not in bot.log():
        if time.monotonic() > deadline:
            bot.stop()
            raise TimeoutError(f"the bot never loaded song data:\n{bot.log()[-3000:]}")
        time.sleep(0.1)
    return bot


@pytest.fixture(scope="session")
def sim() -> Iterator[Sim]:
    s = Sim(SimProcess().start())
    yield s
    s.close()


@pytest.fixture(scope="session")
def bot(sim: Sim, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    b = start_bot(tmp_path_factory.mktemp("e2e-bot") / "data", sim)
    yield b
    b.stop()
    if errors := BotProcess.new_errors():  # its shutdown, after the last test's check
        pytest.fail("ERROR in the bot's log at shutdown:\n" + "\n---\n".join(errors))


@pytest.fixture
async def qq_client(bot: BotProcess) -> AsyncIterator[OneBotClient]:
    """A QQ account of its own (own self_id) connected to the shared bot."""
    async with OneBotClient(bot.ws_url, self_id=next(_SELF_IDS)) as client:
        yield client


# ---------- conversation helpers ----------


async def ask_private(client: OneBotClient, qq: int, text: str, within: float = 20) -> str:
    start = len(client.calls)
    await client.private_message(text, user_id=qq)
    return message_text(await client.wait_for_reply(to_user=qq, start=start, timeout=within))


async def ask_group(
    client: OneBotClient, qq: int, group: int, text: str, within: float = 20
) -> Call:
    start = len(client.calls)
    await client.group_message(text, user_id=qq, group_id=group)
    return await client.wait_for_reply(group=group, start=start, timeout=within)


async def sync_in_group(
    client: OneBotClient, qq: int, group: int, text: str = "/sync", within: float = 60
) -> str:
    """Send /sync and return the text of its final answer (skipping queue/progress notes)."""
    start = len(client.calls)
    await client.group_message(text, user_id=qq, group_id=group)

    def final(call: Call) -> bool:
        return (
            call["action"] in ("send_msg", "send_group_msg")
            and call["params"].get("group_id") == group
            and bool(SYNC_DONE.search(message_text(call)))
        )

    return message_text(await client.wait_for(final, timeout=within, start=start))


async def bind(client: OneBotClient, qq: int, cookie_header: str) -> str:
    return await ask_private(client, qq, "/bind " + cookie_header)


async def export_records(client: OneBotClient, qq: int) -> list[dict[str, Any]]:
    """/export in private; the JSONL the bot uploaded, decoded from the recorded call."""
    start = len(client.calls)
    await client.private_message("/export", user_id=qq)
    upload = await client.wait_for(
        lambda c: c["action"] == "upload_private_file" and c["params"].get("user_id") == qq,
        start=start,
    )
    reply = message_text(await client.wait_for_reply(to_user=qq, start=start))
    file = upload["params"]["file"]
    assert file.startswith("base64://"), file[:40]
    text = base64.b64decode(file.removeprefix("base64://")).decode()
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert f"（{len(records)} 次游玩）" in reply, reply
    return records


def exported_unix(records: list[dict[str, Any]]) -> list[int]:
    """Each exported play's unix time (from its ``idx``, ``"<slot>,<unix>"``)."""
    return [int(r["idx"].split(",")[1]) for r in records]


def assert_archive_exact(
    records: list[dict[str, Any]], expected: set[int], sim_plays: list[dict[str, Any]]
) -> None:
    """Every play the bot could see, exactly once, with its detail and the site's values."""
    unix = exported_unix(records)
    assert len(unix) == len(set(unix)), "a play was archived twice"
    assert set(unix) == expected, (
        f"missing {sorted(expected - set(unix))}, extra {sorted(set(unix) - expected)}"
    )
    by_unix = {p["unix"]: p for p in sim_plays}
    for r, u in zip(records, unix, strict=True):
        site = by_unix[u]
        assert round(r["achievement"] * 10000) == site["achievement"], (r, site)
        assert r["dx_score"] == site["dx_score"]
        assert r["title"] == site["title"]
        assert r["judgements"] is not None, f"play {u} has no detail"
