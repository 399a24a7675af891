"""The archive at a million plays: every per-player view on a big archive beside the same
player alone (issue 15).

    .venv/bin/python bench/scale.py                       # 200 players x 5,000 plays
    .venv/bin/python bench/scale.py --players 20 --plays 2000 --keep /tmp/big.sqlite3

Builds a SYNTHETIC archive through the project's own models and migrations (players bound
to QQ 100001, 100002, ...; plays spread over the two years before today, each with its
detail; bests, best changes, profile snapshots and sync runs in the proportions of a real
archive), then times each view for player 100001 (median of 5) on the big archive and on
an archive holding that player alone, with the longest stretch the event loop was held.
Against PostgreSQL too when MAIMAI_TEST_DB_URL is set (its tables are emptied first).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import QQ0, build

from plugins.maimai_archive.core.archiving.binding import BindingStore
from plugins.maimai_archive.core.archiving.forget import forget_player
from plugins.maimai_archive.core.archiving.sync import SyncService
from plugins.maimai_archive.core.db.database import reset_database, start_database, stop_database
from plugins.maimai_archive.core.db.models import (
    Best,
    Play,
    Player,
)
from plugins.maimai_archive.core.game import ChartType, Difficulty, rank_for
from plugins.maimai_archive.core.parsed import ParsedPlay, ParsedPlayDetail, ParsedProfile
from plugins.maimai_archive.core.queries import charts as chart_queries
from plugins.maimai_archive.core.queries import curve
from plugins.maimai_archive.core.queries import plays as queries
from plugins.maimai_archive.core.queries.best_scores import current_scores
from plugins.maimai_archive.core.queries.export import export_plays
from plugins.maimai_archive.core.rating import b50, what_raises
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue
from plugins.maimai_archive.core.songs import store as song_store
from plugins.maimai_archive.core.web import details as web_details
from plugins.maimai_archive.core.web import overview as web_pages
from plugins.maimai_archive.core.web.layout import Here

SONGDB = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "songdb"
    / "Skimige__Akiha-Assets__data__maimai__music_data.json"
)
ROUNDS = 5
COOKIES = {"userId": "1", "_t": "bench"}


# --- measuring ------------------------------------------------------------------------------


class LoopWatch:
    """The longest stretch the event loop did not get back to a 1 ms ticker: in wall time,
    and in CPU time of the loop's thread (what the loop itself spent; on a machine shared
    with other jobs the wall time also counts the waits for a core)."""

    def __init__(self) -> None:
        self.longest = self.longest_cpu = 0.0
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before, cpu = loop.time(), time.thread_time()
            await asyncio.sleep(0.001)
            self.longest = max(self.longest, loop.time() - before - 0.001)
            self.longest_cpu = max(self.longest_cpu, time.thread_time() - cpu)

    async def __aenter__(self) -> LoopWatch:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class BenchSource:
    """SYNTHETIC record page: the player's last 40 archived plays and 10 new ones."""

    def __init__(self, plays: list[ParsedPlay], profile: ParsedProfile) -> None:
        self.plays, self.profile = plays, profile
        self.requests = self.bytes_received = 0

    async def record(self):
        return self.plays

    async def play_detail(self, idx: str):
        play = next(p for p in self.plays if p.idx == idx)
        return ParsedPlayDetail(play, None, 1, 2, (10, 20), None, self.profile.rating, 0)

    async def scores(self, diff: int):
        return []

    async def home(self):
        return self.profile

    async def friend_code(self):
        return self.profile

    async def photos(self):
        return []


async def record_page(player: Player, catalogue: Catalogue, round_: int) -> list[ParsedPlay]:
    rows = await Play.filter(player=player).order_by("-played_unix").limit(40)
    last = rows[0].played_unix
    chart = next(c for c in catalogue.charts() if c.type is not ChartType.UTAGE)
    new = []
    for i in range(10):
        unix = last + 600 * (i + 1)
        at = datetime.fromtimestamp(unix, UTC)
        new.append(
            ParsedPlay(
                f"{i},{unix}",
                1,
                at,
                chart.title,
                chart.type,
                chart.difficulty,
                chart.level,
                990000 + round_ * 10 + i,
                1000,
                chart.notes.dx_score_max,
                0,
                rank_for(990000),
                None,
                None,
            )
        )
    old = [
        ParsedPlay(
            p.idx,
            p.track,
            p.played_at,
            p.title,
            ChartType(p.type),
            Difficulty(p.difficulty),
            p.level,
            p.achievement,
            p.dx_score,
            p.dx_score_max,
            0,
            rank_for(p.achievement),
            None,
            None,
        )
        for p in rows
    ]
    return sorted(new, key=lambda p: -p.played_unix) + old


@contextmanager
def using(conn):
    """Route the models' queries to ``conn`` (this task and the tasks it starts)."""
    token = connections.set("default", conn)
    try:
        yield
    finally:
        connections.reset(token)


@dataclass
class Side:
    """One archive under test: the big one or the player alone."""

    name: str
    conn: object
    forget: list[int]  # whose /forget is timed in each round
    rebuild: Callable[[int], Awaitable[None]]  # rows back for a player /forget took
    ctx: dict = field(default_factory=dict)


async def measure(sides: list[Side], make, rounds: int = ROUNDS, before=None) -> dict[str, tuple]:
    """Per side, in ms: the median of ``rounds`` calls in wall and in CPU time (all threads),
    the longest event-loop stretch in wall and in loop-thread CPU time. The sides take turns
    in every round, so a load that comes and goes hits both alike."""
    times: dict[str, list[tuple[float, float]]] = {s.name: [] for s in sides}
    longest = {n: (0.0, 0.0) for n in times}
    for i in range(rounds):
        for side in sides:
            with using(side.conn):
                if before is not None:
                    await before(side, i)
                async with LoopWatch() as watch:
                    t, cpu = time.perf_counter(), time.process_time()
                    await make(side, i)
                    times[side.name].append((time.perf_counter() - t, time.process_time() - cpu))
                held = longest[side.name]
                longest[side.name] = (max(held[0], watch.longest), max(held[1], watch.longest_cpu))
    return {
        n: (
            statistics.median(w for w, _ in ts) * 1000,
            statistics.median(c for _, c in ts) * 1000,
            longest[n][0] * 1000,
            longest[n][1] * 1000,
        )
        for n, ts in times.items()
    }


async def setup(side: Side, catalogue: Catalogue, data_dir: Path) -> None:
    ctx = side.ctx
    p = ctx["player"] = await Player.get(qq=str(QQ0 + 1))
    most = await Best.filter(player=p).order_by("-updated_at").first()
    assert most is not None, "the synthetic archive has bests"
    ctx["most"] = most.title
    store = BindingStore(SecretBox(Fernet.generate_key()))
    await store.save(p, COOKIES)
    profile = ParsedProfile(p.name or "", p.rating, p.friend_code)
    pages: list[list[ParsedPlay]] = []
    ctx["pages"] = pages

    @asynccontextmanager
    async def source(cookies, on_cookies):
        yield BenchSource(pages[-1], profile)

    ctx["sync"] = SyncService(store, lambda: catalogue, source, data_dir=data_dir, max_syncs=1)


async def cases_for(sides: list[Side], catalogue: Catalogue, data_dir: Path) -> dict[str, tuple]:
    """name → (what each view runs for player 100001, what runs untimed before it)."""
    arc = queries.QueryContext(catalogue)
    today = datetime.now(queries.SITE_TZ).date()
    level_keys = [c.key for c in catalogue.charts_at_level("13")]
    for side in sides:
        with using(side.conn):
            await setup(side, catalogue, data_dir)

    def player(side):
        return side.ctx["player"]

    def web(side) -> web_pages.Ctx:
        return web_pages.Ctx(player(side), arc, Here("/web/t", "/web/static"))

    def side_most(side) -> str:
        return side.ctx["most"]

    async def raise_rows(side, i):
        scores = await current_scores(player(side), arc)
        return what_raises(b50(s for s, _ in scores.values()), [s for s, _ in scores.values()])[:12]

    async def history_song(side, i):
        songs = await chart_queries.played_songs(player(side), arc, side.ctx["most"])
        ids = [s.id for s in songs.played.groups[0].songs]
        play = await chart_queries.find_played_chart(player(side), ids)
        assert play is not None
        return await chart_queries.chart_history_view(player(side), arc, play)

    async def sync(side, i):
        side.ctx["pages"].append(await record_page(player(side), catalogue, i))
        report = await side.ctx["sync"].sync(player(side), trigger="cli")
        assert report.new_plays == 10, report

    async def rebuild(side, i):
        await side.rebuild(side.forget[i])
        side.ctx["gone"] = await Player.get(qq=str(QQ0 + side.forget[i]))

    async def forget(side, i):
        await forget_player(side.ctx["gone"], data_dir)

    cases = {
        "/recent": lambda s, i: queries.recent_view(player(s), arc, 10),
        "/play": lambda s, i: queries.play_detail_view(player(s), arc, 1),
        "/diff": lambda s, i: queries.diff_view(player(s), arc),
        "/diff <date>": lambda s, i: queries.diff_view(player(s), arc, today - timedelta(days=30)),
        "/history": lambda s, i: curve.rating_curve_view(player(s), catalogue),
        "/history <song>": history_song,
        "/b50": lambda s, i: queries.b50_view(player(s), arc),
        "/b50 <date>": lambda s, i: queries.b50_view(player(s), arc, today - timedelta(days=365)),
        "/records": lambda s, i: queries.records_view(player(s), arc, 3),
        "/charts": lambda s, i: Best.filter(player=player(s), chart_key__in=level_keys),
        "/raise": raise_rows,
        "export": lambda s, i: export_plays(player(s), "jsonl"),
        "sync of 10 new plays": sync,
        # /web (issue 22): each page's server time (queries + HTML), token already resolved.
        "web overview": lambda s, i: web_pages.overview_page(web(s), {}),
        "web plays": lambda s, i: web_pages.plays_page(web(s), {"page": "3"}),
        "web plays, title": lambda s, i: web_pages.plays_page(web(s), {"title": side_most(s)}),
        "web plays, master by achievement": lambda s, i: web_pages.plays_page(
            web(s), {"difficulty": "master", "sort": "achievement", "page": "2"}
        ),
        "web plays by rating": lambda s, i: web_pages.plays_page(web(s), {"sort": "rating"}),
        "web b50": lambda s, i: web_details.b50_page(web(s), {}),
        "web calendar": lambda s, i: web_details.calendar_page(web(s), {}),
    }
    return {name: (make, None) for name, make in cases.items()} | {"/forget": (forget, rebuild)}


async def views(sides: list[Side], catalogue: Catalogue, data_dir: Path) -> dict[str, dict]:
    """Each view for player 100001 on every side; /forget of the sides' ``forget`` players."""
    cases = await cases_for(sides, catalogue, data_dir)
    gc.collect()
    gc.freeze()  # as ArchiveApp.start does: the long-lived objects out of every collection
    return {
        name: await measure(sides, make, before=before) for name, (make, before) in cases.items()
    }


async def fill(
    label: str,
    url: str,
    numbers: list[int],
    plays: int,
    catalogue: Catalogue,
    charts: list,
    now: datetime,
) -> None:
    await start_database(url)
    try:
        await reset_database()
        await song_store.refresh_songs(
            catalogue, str(SONGDB)
        )  # the songs, stored as the bot stores them
        t = time.perf_counter()
        await build(connections.get("default"), numbers, plays, charts, now)
        print(
            f"{label}: built {len(numbers)} x {plays:,} plays in {time.perf_counter() - t:.0f} s",
            file=sys.stderr,
        )
    finally:
        await stop_database()


async def open_client(url: str):
    """A second connection next to the app's (the models are routed to it by ``using``)."""
    info = expand_db_url(url)
    client = connections._discover_client_class(info)(
        **info["credentials"], connection_name="default"
    )
    await client.create_connection(with_db=True)
    return client


async def compare(
    label: str,
    big_url: str,
    alone_url: str,
    args,
    catalogue: Catalogue,
    charts: list,
    data_dir: Path,
) -> str:
    now = datetime.now(UTC).replace(microsecond=0)
    numbers = list(range(1, args.players + 1))
    # /forget takes players 2..6 on the big archive; alone, the one player is rebuilt each round.
    others = numbers[1:] or [1]
    forget_big = [others[i % len(others)] for i in range(ROUNDS)]
    await fill(label, big_url, numbers, args.plays, catalogue, charts, now)
    await fill(label, alone_url, [1], args.plays, catalogue, charts, now)
    await start_database(big_url)
    alone_conn = await open_client(alone_url)
    try:

        def rebuilder(conn):
            async def rebuild(number: int) -> None:
                if not await Player.exists(qq=str(QQ0 + number)):
                    await build(conn, [number], args.plays, charts, now)

            return rebuild

        big_conn = connections.get("default")
        sides = [
            Side("big", big_conn, forget_big, rebuilder(big_conn)),
            Side("alone", alone_conn, [1] * ROUNDS, rebuilder(alone_conn)),
        ]
        found = await views(sides, catalogue, data_dir)
        if args.keep and big_url.startswith("sqlite"):
            for number in set(forget_big):  # the kept archive gets back the players /forget took
                await sides[0].rebuild(number)
    finally:
        await alone_conn.close()
        await stop_database()
    return table(label, found, args.players, args.plays)


def table(label: str, found: dict, players: int, plays: int) -> str:
    lines = [
        f"### {label}: player 100001 among {players} x {plays:,} plays, and alone (median of {ROUNDS}, ms)",
        "",
        "| view | big archive | alone | big/alone | CPU big (alone) | longest loop stretch big: wall, loop CPU |",
        "|---|---|---|---|---|---|",
    ]
    for name, sides in found.items():
        (ms, cpu, loop, loop_cpu), (a, acpu, _, _) = sides["big"], sides["alone"]
        lines.append(
            f"| {name} | {ms:.1f} | {a:.1f} | {ms / a if a else float('nan'):.2f} | {cpu:.1f} ({acpu:.1f}) "
            f"| {loop:.1f}, {loop_cpu:.1f} |"
        )
    return "\n".join(lines)


async def alone_url_beside(url: str) -> str:
    """PostgreSQL: the player alone lives in a second database, ``<name>_alone``."""
    import asyncpg

    info = expand_db_url(url)["credentials"]
    name = f"{info['database']}_alone"
    conn = await asyncpg.connect(
        host=info["host"],
        port=info["port"],
        user=info["user"],
        password=info.get("password"),
        database=info["database"],
    )
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.rsplit("/", 1)[0] + "/" + name + ("?" + url.split("?", 1)[1] if "?" in url else "")


def load_catalogue() -> Catalogue:
    return Catalogue.from_music_data(json.loads(SONGDB.read_text(encoding="utf-8")))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--players", type=int, default=200)
    ap.add_argument("--plays", type=int, default=5000)
    ap.add_argument("--keep", type=Path, help="leave the big SQLite archive at this path")
    ap.add_argument(
        "--postgres", action="store_true", help=argparse.SUPPRESS
    )  # the second run, below
    args = ap.parse_args()
    code = asyncio.run(run(args))
    if code == 0 and os.environ.get("MAIMAI_TEST_DB_URL") and not args.postgres:
        # Its own process: Tortoise keeps statements built for the first dialect it served.
        print(flush=True)
        again = [
            sys.executable,
            __file__,
            "--players",
            str(args.players),
            "--plays",
            str(args.plays),
            "--postgres",
        ]
        return subprocess.run(again, check=False).returncode
    return code


async def run(args: argparse.Namespace) -> int:
    if not SONGDB.is_file():
        print(f"song data not available: {SONGDB}", file=sys.stderr)
        return 2
    catalogue = load_catalogue()
    charts = [c for c in catalogue.charts() if c.type is not ChartType.UTAGE]
    tmp = Path(tempfile.mkdtemp(prefix="maimai-scale-"))
    url = os.environ.get("MAIMAI_TEST_DB_URL")
    if args.postgres:
        if not url:
            print("--postgres needs MAIMAI_TEST_DB_URL", file=sys.stderr)
            return 2
        print(
            await compare(
                "PostgreSQL", url, await alone_url_beside(url), args, catalogue, charts, tmp
            )
        )
        return 0
    big_path = args.keep or tmp / "big.sqlite3"
    for path in (big_path, tmp / "alone.sqlite3"):
        path.unlink(missing_ok=True)
    print(
        await compare(
            "SQLite",
            f"sqlite://{big_path}",
            f"sqlite://{tmp / 'alone.sqlite3'}",
            args,
            catalogue,
            charts,
            tmp,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
