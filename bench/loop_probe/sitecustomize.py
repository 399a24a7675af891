"""Loaded only into the benchmark's bot (bench/load.py puts this folder on its PYTHONPATH):
a 10 ms ticker on the bot's event loop writes how late each tick woke up, so the load
benchmark can report the event-loop lag inside the bot while syncs and renders run.

Lines of "<time.monotonic()> <lateness in ms>" go to MAIMAI_BENCH_LOOP_LAG_FILE, flushed
every second. Does nothing without that variable.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any, TextIO

_FILE = os.environ.get("MAIMAI_BENCH_LOOP_LAG_FILE")
_TICK = 0.01


async def _ticker(out: TextIO) -> None:
    pending: list[str] = []
    flushed = time.monotonic()
    while True:
        start = time.monotonic()
        await asyncio.sleep(_TICK)
        now = time.monotonic()
        pending.append(f"{now:.4f} {(now - start - _TICK) * 1000:.2f}\n")
        if now - flushed >= 1.0:
            out.writelines(pending)
            out.flush()
            pending.clear()
            flushed = now


_tasks: list[asyncio.Task[None]] = []


# The bot's loop is uvloop's (no Python class to hook), so the ticker starts with NoneBot's
# startup hooks: nonebot.init is wrapped to register it. Render processes skip all this.
if _FILE and "--multiprocessing-fork" not in sys.argv:
    import nonebot

    _init = nonebot.init

    def init(*args: Any, **kwargs: Any) -> None:
        _init(*args, **kwargs)
        out = open(_FILE or os.devnull, "a", encoding="utf-8")

        async def start() -> None:
            _tasks.append(asyncio.get_running_loop().create_task(_ticker(out)))

        nonebot.get_driver().on_startup(start)

    nonebot.init = init
