"""The real bot on a big archive (issue 15): reply times over OneBot v11, images included.

    .venv/bin/python bench/scale.py --keep /tmp/big.sqlite3
    .venv/bin/python bench/scale_bot.py /tmp/big.sqlite3

Starts ``bot.py`` on the kept archive (a copy: /forget deletes) and, as QQ 100001 in a
group, sends /recent, /diff, /b50, /b50 <a year ago>, /history and /records 2, timing each
reply; then QQ 100002 runs /forget in private while another user sends /help every 100 ms.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import kept_copy

from tests.e2e.botproc import BotProcess
from tests.onebot_client import OneBotClient, message_images, message_text

GROUP = 424242
SONGDB = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "songdb"
    / "Skimige__Akiha-Assets__data__maimai__music_data.json"
)


async def ask(
    client: OneBotClient, text: str, user: int, group: int | None = None
) -> tuple[float, str, int]:
    start = len(client.calls)
    t = time.perf_counter()
    if group is None:
        await client.private_message(text, user)
        reply = await client.wait_for_reply(to_user=user, start=start, timeout=60)
    else:
        await client.group_message(text, user, group)
        reply = await client.wait_for_reply(group=group, start=start, timeout=60)
    return time.perf_counter() - t, message_text(reply)[:40], len(message_images(reply))


async def run(db: Path, tmp: Path) -> None:
    bot = BotProcess(
        tmp / "data", env={"MAIMAI_DB_URL": f"sqlite://{db}", "MAIMAI_SONGDB_URL": str(SONGDB)}
    )
    bot.start(timeout=120)
    try:
        async with OneBotClient(bot.ws_url) as client:
            await asyncio.sleep(3)  # the catalogue refresh at start
            await ask(client, "/help", 100003, GROUP)  # warm: first command loads fonts
            a_year_ago = (date.today() - timedelta(days=365)).strftime("%Y-%m-%d")
            print("| command (QQ 100001, group) | reply s | images |\n|---|---|---|")
            for text in (
                "/recent",
                "/diff",
                "/b50",
                f"/b50 {a_year_ago}",
                "/history",
                "/records 2",
            ):
                took, words, images = await ask(client, text, 100001, GROUP)
                print(f"| {text} | {took:.2f} | {images} {words if not images else ''} |")
            took, words, _ = await ask(client, "/forget", 100002)
            helps: list[float] = []
            done = asyncio.Event()

            async def chatter() -> None:
                while not done.is_set():
                    took, _, _ = await ask(client, "/help", 100003, GROUP)
                    helps.append(took)
                    await asyncio.sleep(0.1)

            talker = asyncio.create_task(chatter())
            await asyncio.sleep(0.2)
            took, words, _ = await ask(client, "确认删除", 100002)
            done.set()
            await talker
            print(
                f"\n/forget of QQ 100002: {took:.2f} s ({words}); /help meanwhile: {len(helps)} replies, "
                f"max {max(helps):.2f} s"
            )
    finally:
        bot.stop()


def main() -> int:
    if (db := kept_copy(sys.argv, __doc__)) is None:
        return 2
    asyncio.run(run(db, db.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
