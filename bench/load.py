"""Load benchmark: the real bot process against the site simulator, many syncs at once.

    .venv/bin/python -m bench.load [--accounts 200] [--syncs 50] [--latency-ms 80]
                                   [--interval 0.25] [--plays 20] [--deadline 900]

200 accounts are bound over OneBot v11 (private /bind), then 50 of them send /sync at the
same moment (each in its own group; each asks /b50 — a render — once its sync answers),
while another user sends /help every 100 ms. Printed: syncs per minute, site requests per
sync, /help reply latency (median, p95, p99, max) during the load against idle, and the
event-loop lag inside the bot (a 10 ms ticker on its loop, ``bench/loop_probe``) idle and
during the load. Targets (issue 21): /help p99 ≤ 100 ms and max ≤ 300 ms during the load.

Loopback only; every loop is bounded and the run stops itself at ``--deadline`` seconds.
The simulator's players are SYNTHETIC.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.e2e.conftest import SYNC_DONE, Sim, start_bot
from tests.onebot_client import Call, OneBotClient, message_images, message_text
from tests.simsite import SimProcess

HELP_EVERY = 0.1  # seconds between two /help
TARGET_P99 = 0.1  # seconds: /help p99 and max during the load (issue 21)
TARGET_MAX = 0.3
PROBE = Path(__file__).resolve().parent / "loop_probe"
QQ_BASE = 500_000_000
HELP_QQ = 600_000_000
BURST = 5.0  # seconds: the 50 /sync messages themselves are dispatched within this


@dataclass
class Stamped:
    """Answers the bot's send calls, stamping when each frame was read, and hands each reply
    straight to the one waiting for it (the generic ``wait_for`` rescans every recorded call
    for every waiter, which under this load would time the client, not the bot)."""

    ids: itertools.count = field(default_factory=lambda: itertools.count(10_000))
    waiting: dict[tuple[str, int], list[tuple[Any, asyncio.Future]]] = field(default_factory=dict)

    def answer(self, call: Call) -> dict[str, Any]:
        at = time.monotonic()
        p = call["params"]
        key = ("g", p["group_id"]) if p.get("group_id") else ("u", p.get("user_id"))
        for entry in list(self.waiting.get(key, ())):
            accept, future = entry
            if accept is None or accept(call):
                self.waiting[key].remove(entry)
                if not future.done():
                    future.set_result((at, call))
                break
        return {"message_id": next(self.ids)}

    def expect(self, key: tuple[str, int], accept: Any) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting.setdefault(key, []).append((accept, future))
        return future


def timed_client(url: str) -> tuple[OneBotClient, Stamped]:
    client = OneBotClient(url, self_id=10_001)
    stamps = Stamped()
    for action in ("send_msg", "send_group_msg", "send_private_msg"):
        client.results[action] = stamps.answer
    return client, stamps


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def describe(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: no replies"
    return (
        f"{name}: n={len(values)} median {statistics.median(values) * 1000:.0f} ms, "
        f"p95 {percentile(values, 0.95) * 1000:.0f} ms, "
        f"p99 {percentile(values, 0.99) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
    )


def loop_lag(path: Path, start: float, end: float) -> str:
    """The bot's event-loop lag (ms) between two ``time.monotonic()`` moments (one clock for
    every process of the machine)."""
    lags = []
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else ():
        at, lag = (float(v) for v in line.split())
        if start <= at <= end:
            lags.append(lag)
    if not lags:
        return "no ticks recorded"
    return (
        f"n={len(lags)} median {statistics.median(lags):.1f} ms, p95 {percentile(lags, 0.95):.1f}"
        f" ms, p99 {percentile(lags, 0.99):.1f} ms, max {max(lags):.1f} ms"
    )


async def ask(
    client: OneBotClient, stamps: Stamped, text: str, *, qq: int, group: int | None = None,
    final: Any = None, limit: float = 120,
) -> tuple[float, Call]:  # fmt: skip
    """Send one message; the seconds until the (final) reply arrived, and that reply."""
    key = ("g", group) if group is not None else ("u", qq)
    reply = stamps.expect(key, final)
    sent = time.monotonic()
    if group is None:
        await client.private_message(text, user_id=qq)
    else:
        await client.group_message(text, user_id=qq, group_id=group)
    at, call = await asyncio.wait_for(reply, limit)
    client.calls.clear()  # nothing reads them here; keep memory flat over a long run
    return at - sent, call


async def help_latencies(
    client: OneBotClient, stamps: Stamped, stop: asyncio.Event, most: int, qq: int = HELP_QQ
) -> list[tuple[float, float]]:
    """/help every 100 ms (each from a new user, so replies match) until ``stop`` or ``most``;
    (seconds since the first /help, reply latency) for each."""
    tasks, sent = [], []
    t0 = time.monotonic()
    for i in range(most):
        if stop.is_set():
            break
        sent.append(time.monotonic() - t0)
        tasks.append(asyncio.create_task(ask(client, stamps, "/help", qq=qq + i, limit=60)))
        await asyncio.sleep(HELP_EVERY)
    latencies = [lat for lat, _ in await asyncio.gather(*tasks)]
    return list(zip(sent, latencies, strict=True))


async def bind_all(client: OneBotClient, stamps: Stamped, players: list[dict[str, Any]]) -> None:
    async def bind(i: int, p: dict[str, Any]) -> None:
        _, call = await ask(client, stamps, "/bind " + p["cookie_header"], qq=QQ_BASE + i)
        if "绑定成功" not in message_text(call):
            raise RuntimeError(f"bind {p['id']} failed: {message_text(call)}")

    for batch in range(0, len(players), 20):
        await asyncio.gather(
            *(bind(batch + i, p) for i, p in enumerate(players[batch : batch + 20]))
        )


async def run(args: argparse.Namespace, sim: Sim, workdir: Path) -> None:
    lag_file = workdir / "loop-lag.txt"
    bot = start_bot(
        workdir / "data",
        sim,
        PYTHONPATH=f"{PROBE}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        MAIMAI_BENCH_LOOP_LAG_FILE=str(lag_file),
        MAIMAI_REQUEST_INTERVAL=str(args.interval),
        MAIMAI_REQUEST_TIMEOUT="20",
        MAIMAI_MAX_CONCURRENT_SYNCS=str(args.max_syncs),
        MAIMAI_MAX_CONCURRENT_ACCOUNTS=str(args.max_accounts),
    )
    try:
        client, stamps = timed_client(bot.ws_url)
        async with client:
            players = sim.http.get("/players").json()
            t0 = time.monotonic()
            await bind_all(client, stamps, players)
            print(f"bound {len(players)} accounts in {time.monotonic() - t0:.1f} s", flush=True)

            never = asyncio.Event()
            idle_start = time.monotonic()
            idle = [lat for _, lat in await help_latencies(client, stamps, never, args.idle_helps)]

            idle_end = time.monotonic()
            before = sim.http.get("/counters").json()["total"]
            stop = asyncio.Event()
            helper = asyncio.create_task(
                help_latencies(client, stamps, stop, 100_000, qq=HELP_QQ + 10_000)
            )
            start = time.monotonic()

            def sync_done(call: Call) -> bool:
                return bool(SYNC_DONE.search(message_text(call)))

            async def one(i: int) -> tuple[float, str, float]:
                group = 80_000_000 + i
                sync_s, call = await ask(
                    client, stamps, "/sync", qq=QQ_BASE + i, group=group, final=sync_done,
                    limit=args.deadline,
                )  # fmt: skip
                render_s, shown = await ask(client, stamps, "/b50", qq=QQ_BASE + i, group=group)
                if not message_images(shown):
                    raise RuntimeError(f"/b50 answered without an image: {message_text(shown)}")
                return sync_s, message_text(call), render_s

            try:
                results = await asyncio.wait_for(
                    asyncio.gather(*(one(i) for i in range(args.syncs))), args.deadline
                )
            finally:
                stop.set()
                timeline = await helper
            loaded = [lat for _, lat in timeline]
            end = time.monotonic()
            wall = end - start
            after = sim.http.get("/counters").json()["total"]
        ok = [r for r in results if "同步完成" in r[1]]
        last_sync = max(r[0] for r in results)
        print(f"\n{len(ok)}/{args.syncs} syncs ok; load phase {wall:.1f} s", flush=True)
        for r in results:
            if "同步完成" not in r[1]:
                print("  failed:", r[1].splitlines()[0])
        print(f"syncs per minute: {len(ok) / last_sync * 60:.1f}")
        print(f"site requests per sync: {(after - before) / max(1, len(results)):.1f}")
        print(describe("/sync reply (s)", [r[0] for r in results]))
        print(describe("/b50 render reply", [r[2] for r in results]))
        print(describe("/help idle", idle))
        print(describe("/help during load", loaded))
        steady = [lat for at, lat in timeline if at >= BURST]
        print(describe(f"/help during load, sent {BURST:.0f} s+ after the burst", steady))
        await asyncio.sleep(1.5)  # the probe flushes once a second
        print(f"bot event-loop lag idle: {loop_lag(lag_file, idle_start, idle_end)}")
        print(f"bot event-loop lag during load: {loop_lag(lag_file, start, end)}")
        p99, worst = percentile(loaded, 0.99), max(loaded)
        met = p99 <= TARGET_P99 and worst <= TARGET_MAX
        print(
            f"target (/help p99 ≤ {TARGET_P99 * 1000:.0f} ms, max ≤ {TARGET_MAX * 1000:.0f} ms "
            f"during load): {'met' if met else 'MISSED'}"
        )
        if not met:
            late = [f"{at:.1f}s:{lat:.2f}" for at, lat in timeline if lat > TARGET_P99]
            print("  slow /help (sent at, waited):", " ".join(late[:40]))
    finally:
        bot.stop()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, default=200)
    ap.add_argument("--syncs", type=int, default=50)
    ap.add_argument("--plays", type=int, default=20, help="plays each account has (first sync)")
    ap.add_argument("--latency-ms", type=int, default=80, help="simulator latency per request")
    ap.add_argument("--interval", type=float, default=0.25, help="MAIMAI_REQUEST_INTERVAL")
    ap.add_argument("--max-syncs", type=int, default=4, help="MAIMAI_MAX_CONCURRENT_SYNCS")
    ap.add_argument("--max-accounts", type=int, default=4, help="MAIMAI_MAX_CONCURRENT_ACCOUNTS")
    ap.add_argument("--idle-helps", type=int, default=30)
    ap.add_argument("--deadline", type=float, default=900, help="seconds; the load phase stops")
    args = ap.parse_args(argv)
    if args.syncs > args.accounts:
        ap.error("--syncs must not exceed --accounts")
    sim_args = ["--players", str(args.accounts), "--plays", str(args.plays)]
    sim = Sim(SimProcess(*sim_args, "--latency-ms", str(args.latency_ms)).start(timeout=60))
    try:
        with tempfile.TemporaryDirectory(prefix="maimai-load-") as tmp:
            asyncio.run(run(args, sim, Path(tmp)))
    finally:
        sim.close()


if __name__ == "__main__":
    main()
