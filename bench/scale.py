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
import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plugins.maimai_archive.core.archive import queries
from plugins.maimai_archive.core.archive.binding import BindingStore
from plugins.maimai_archive.core.archive.export import export_plays
from plugins.maimai_archive.core.archive.forget import forget_player
from plugins.maimai_archive.core.archive.sync import SyncService
from plugins.maimai_archive.core.db.database import reset_database, start_database, stop_database
from plugins.maimai_archive.core.db.models import (
    Best,
    Binding,
    Play,
    Player,
)
from plugins.maimai_archive.core.game import FC, FS, ChartType, Difficulty, rank_for
from plugins.maimai_archive.core.rating import b50, what_raises
from plugins.maimai_archive.core.records import ParsedPlay, ParsedPlayDetail, ParsedProfile
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue, set_catalogue

SONGDB = Path(__file__).resolve().parents[2] / "shared" / "songdb" / "Skimige__Akiha-Assets__data__maimai__music_data.json"
QQ0 = 100000
CHARTS, RUNS, SNAPSHOTS = 1430, 700, 500  # per player, as in a real two-year archive
ROUNDS = 5
COOKIES = {"userId": "1", "_t": "bench"}


# --- the synthetic archive ------------------------------------------------------------------


@dataclass
class Rows:
    """One player's rows, ready for executemany (ids assigned here)."""

    runs: list = field(default_factory=list)
    plays: list = field(default_factory=list)
    details: list = field(default_factory=list)
    bests: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    snapshots: list = field(default_factory=list)


class Ids:
    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


JUDGEMENTS = [json.dumps({"tap": [n, 10, 2, 0, m], "hold": [50, 3, 0, 0, 0], "slide": [80, 0, 0, 0, 1],
                          "touch": [20, 1, 0, 0, 0], "break": [30, 5, 1, 0, 0]}, separators=(",", ":"))
              for n in range(300, 310) for m in range(3)]


def player_rows(number: int, plays: int, charts: list, now: datetime, ids: Ids) -> tuple[dict, Rows]:
    """SYNTHETIC: player ``number``'s archive; the same ``number`` gives the same rows."""
    rnd = random.Random(number)
    player_id = ids.take("player")
    start = now - timedelta(days=730)
    span = int((now - start).total_seconds()) - 3600
    mine = rnd.sample(charts, min(CHARTS, len(charts)))
    skill = {c.key: rnd.uniform(0.93, 1.0) for c in mine}
    run_at = sorted(start + timedelta(seconds=s) for s in rnd.sample(range(span), RUNS))
    played = sorted(rnd.sample(range(span), plays))
    rows = Rows()
    run_ids = [ids.take("sync_run") for _ in run_at]
    shot_runs = set(rnd.sample(range(RUNS), SNAPSHOTS))
    best: dict[str, list] = {}
    r = 0
    per_run = [0] * RUNS
    for second in played:
        at = start + timedelta(seconds=second)
        while r < RUNS - 1 and run_at[r] < at:
            r += 1
        chart = rnd.choice(mine)
        achievement = min(1010000, int(skill[chart.key] * 1010000 * rnd.uniform(0.97, 1.0)))
        dx_max = chart.notes.dx_score_max
        dx = int(dx_max * achievement / 1010000 * 0.95)
        fc = FC.AP.value if achievement > 1005000 else FC.FC.value if achievement > 995000 else None
        fs = FS.FS.value if achievement > 1003000 else None
        held = best.get(chart.key)
        new = held is None or achievement > held[0]
        play_id = ids.take("play")
        unix = int(at.timestamp())
        rows.plays.append((play_id, player_id, unix, at, f"{second % 50},{unix}", 1 + second % 4, chart.title,
                           chart.type.value, chart.difficulty.value, chart.level, achievement, dx, dx_max, 0,
                           rank_for(achievement).value, fc, fs, new, False, None, False, None, chart.key,
                           chart.song_id, run_ids[r], at))
        rows.details.append((ids.take("play_detail"), play_id, JUDGEMENTS[second % len(JUDGEMENTS)], 40, 30,
                             500, 600, None, None, 12000 + second // 20000, 0, "[]", "[]"))
        per_run[r] += 1
        if new:
            rows.changes.append((ids.take("best_change"), player_id, run_ids[r], chart.key, chart.song_id,
                                 chart.title, chart.type.value, chart.difficulty.value, chart.level,
                                 held[0] if held else None, achievement, held[1] if held else None, dx,
                                 held[2] if held else None, fc, held[3] if held else None, fs, at))
            best[chart.key] = [achievement, dx, fc, fs, at, chart]
    for chart in mine:  # never played since the archive began: from the first score-list read
        if chart.key not in best:
            a = int(skill[chart.key] * 1000000)
            best[chart.key] = [a, int(chart.notes.dx_score_max * 0.9), None, None, run_at[0], chart]
    for key, (a, dx, fc, fs, at, chart) in best.items():
        rows.bests.append((ids.take("best"), player_id, key, chart.song_id, chart.title, chart.type.value,
                           chart.difficulty.value, chart.level, a, dx, chart.notes.dx_score_max, 0,
                           rank_for(a).value, fc, fs, at))
    rating = 12000
    for i, at in enumerate(run_at):
        before, rating = rating, rating + rnd.randint(0, 6)
        rows.runs.append((run_ids[i], player_id, at, at + timedelta(seconds=20), "ok", i == 0, "auto",
                          per_run[i], per_run[i], 0, before, rating, 3, 90000, False))
        if i in shot_runs:
            rows.snapshots.append((ids.take("profile_snapshot"), player_id, run_ids[i], at, f"P{number}", rating,
                                   per_run[i], "{}"))
    player = {"id": player_id, "qq": str(QQ0 + number), "name": f"P{number}", "rating": rating,
              "friend_code": f"{900000000 + number}", "last_sync_at": run_at[-1]}
    return player, rows


COLUMNS = {
    "sync_run": "id player_id started_at finished_at status full trigger new_plays new_details improved_bests "
                "rating_before rating_after requests bytes_received gap",
    "play": "id player_id played_unix played_at idx track title type difficulty level achievement dx_score "
            "dx_score_max dx_stars rank fc fs new_record new_dx_record place buddy jacket chart_key song_id "
            "sync_id archived_at",
    "play_detail": "id play_id judgements fast late max_combo max_combo_total max_sync max_sync_total rating "
                   "rating_delta matching characters",
    "best": "id player_id chart_key song_id title type difficulty level achievement dx_score dx_score_max "
            "dx_stars rank fc fs updated_at",
    "best_change": "id player_id sync_id chart_key song_id title type difficulty level old_achievement "
                   "new_achievement old_dx_score new_dx_score old_fc new_fc old_fs new_fs changed_at",
    "profile_snapshot": "id player_id sync_id taken_at name rating play_count page",
}


def _insert(conn, table: str) -> str:
    cols = COLUMNS[table].split()
    if conn.capabilities.dialect == "postgres":
        marks = ", ".join(f"${i + 1}" for i in range(len(cols)))
    else:
        marks = ", ".join("?" * len(cols))
    return f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks})'


async def build(conn, numbers: list[int], plays: int, charts: list, now: datetime) -> None:
    """Insert the players' rows with raw executemany, a few players per transaction."""
    ids = Ids()
    ids.next = {t: 0 for t in (*COLUMNS, "player")}
    for number in range(1, max(numbers) + 1):
        ids.next["player"] = number - 1
        player, rows = player_rows(number, plays, charts, now, ids)
        if number not in numbers:
            continue
        await Player.create(**player)
        await Binding.create(player_id=player["id"], cookies="-", status="ok")
        for table, values in (("sync_run", rows.runs), ("play", rows.plays), ("play_detail", rows.details),
                              ("best", rows.bests), ("best_change", rows.changes),
                              ("profile_snapshot", rows.snapshots)):
            await conn.execute_many(_insert(conn, table), values)
        if number % 20 == 0:
            print(f"  built {number} players", file=sys.stderr)
    if conn.capabilities.dialect == "postgres":
        for table in (*COLUMNS, "player", "binding"):
            await conn.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")
    else:
        await conn.execute_script("ANALYZE")


# --- measuring ------------------------------------------------------------------------------


class LoopWatch:
    """The longest stretch the event loop did not get back to a 1 ms ticker."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(0.001)
            self.longest = max(self.longest, loop.time() - before - 0.001)

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
        new.append(ParsedPlay(f"{i},{unix}", 1, at, chart.title, chart.type, chart.difficulty, chart.level,
                              990000 + round_ * 10 + i, 1000, chart.notes.dx_score_max, 0, rank_for(990000), None, None))
    old = [ParsedPlay(p.idx, p.track, p.played_at, p.title, ChartType(p.type), Difficulty(p.difficulty),
                      p.level, p.achievement, p.dx_score, p.dx_score_max, 0, rank_for(p.achievement), None, None)
           for p in rows]
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
    rebuild: object  # async (number) -> None: rows back for a player /forget took
    ctx: dict = field(default_factory=dict)


async def measure(sides: list[Side], make, rounds: int = ROUNDS, before=None) -> dict[str, tuple[float, float]]:
    """Per side: median ms of ``rounds`` calls and the longest event-loop stretch (ms). The
    sides take turns in every round, so a load that comes and goes hits both alike."""
    times: dict[str, list[float]] = {s.name: [] for s in sides}
    longest = dict.fromkeys(times, 0.0)
    for i in range(rounds):
        for side in sides:
            with using(side.conn):
                if before is not None:
                    await before(side, i)
                async with LoopWatch() as watch:
                    t = time.perf_counter()
                    await make(side, i)
                    times[side.name].append(time.perf_counter() - t)
                longest[side.name] = max(longest[side.name], watch.longest)
    return {n: (statistics.median(ts) * 1000, longest[n] * 1000) for n, ts in times.items()}


async def setup(side: Side, catalogue: Catalogue, data_dir: Path) -> None:
    ctx = side.ctx
    p = ctx["player"] = await Player.get(qq=str(QQ0 + 1))
    ctx["most"] = (await Best.filter(player=p).order_by("-updated_at").first()).title
    store = BindingStore(SecretBox(Fernet.generate_key()))
    await store.save(p, COOKIES)
    profile = ParsedProfile(p.name or "", p.rating, p.friend_code)
    ctx["pages"] = pages = []

    @asynccontextmanager
    async def source(cookies, on_cookies):
        yield BenchSource(pages[-1], profile)

    ctx["sync"] = SyncService(store, lambda: catalogue, source, data_dir=data_dir, max_syncs=1)


async def views(sides: list[Side], catalogue: Catalogue, data_dir: Path) -> dict[str, dict]:
    """Each view for player 100001 on every side; /forget of the sides' ``forget`` players."""
    arc = queries.Archive(catalogue)
    today = datetime.now(queries.SITE_TZ).date()
    level_keys = [c.key for c in catalogue.charts_at_level("13")]
    for side in sides:
        with using(side.conn):
            await setup(side, catalogue, data_dir)

    def player(side):
        return side.ctx["player"]

    async def raise_rows(side, i):
        scores = await queries.current_scores(player(side), arc)
        return what_raises(b50(s for s, _ in scores.values()), [s for s, _ in scores.values()])[:12]

    async def history_song(side, i):
        play = await queries.find_played_chart(player(side), arc, side.ctx["most"])
        return await queries.chart_history_view(player(side), arc, play)

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
        "/history": lambda s, i: queries.rating_history_view(player(s)),
        "/history <song>": history_song,
        "/b50": lambda s, i: queries.b50_view(player(s), arc),
        "/b50 <date>": lambda s, i: queries.b50_view(player(s), arc, today - timedelta(days=365)),
        "/records": lambda s, i: queries.records_view(player(s), arc, 3),
        "/charts": lambda s, i: Best.filter(player=player(s), chart_key__in=level_keys),
        "/raise": raise_rows,
        "export": lambda s, i: export_plays(player(s), "jsonl"),
        "sync of 10 new plays": sync,
    }
    out = {name: await measure(sides, make) for name, make in cases.items()}
    out["/forget"] = await measure(sides, forget, before=rebuild)
    return out


async def fill(label: str, url: str, numbers: list[int], plays: int, catalogue: Catalogue, charts: list,
               now: datetime) -> None:
    await start_database(url)
    try:
        await reset_database()
        await catalogue.refresh(str(SONGDB))  # the songs, stored as the bot stores them
        t = time.perf_counter()
        await build(connections.get("default"), numbers, plays, charts, now)
        print(f"{label}: built {len(numbers)} x {plays:,} plays in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    finally:
        await stop_database()


async def open_client(url: str):
    """A second connection next to the app's (the models are routed to it by ``using``)."""
    info = expand_db_url(url)
    client = connections._discover_client_class(info)(**info["credentials"], connection_name="default")
    await client.create_connection(with_db=True)
    return client


async def compare(label: str, big_url: str, alone_url: str, args, catalogue: Catalogue, charts: list,
                  data_dir: Path) -> str:
    now = datetime.now(UTC).replace(microsecond=0)
    numbers = list(range(1, args.players + 1))
    # /forget takes players 2..6 on the big archive; alone, the one player is rebuilt each round.
    forget_big = numbers[1:ROUNDS + 1] or [1] * ROUNDS
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
        sides = [Side("big", big_conn, forget_big, rebuilder(big_conn)),
                 Side("alone", alone_conn, [1] * ROUNDS, rebuilder(alone_conn))]
        found = await views(sides, catalogue, data_dir)
        if args.keep and big_url.startswith("sqlite"):
            for number in forget_big:  # the kept archive gets back the players /forget took
                await sides[0].rebuild(number)
    finally:
        await alone_conn.close()
        await stop_database()
    return table(label, found, args.players, args.plays)


def table(label: str, found: dict, players: int, plays: int) -> str:
    lines = [f"### {label}: player 100001 among {players} x {plays:,} plays, and alone (median of {ROUNDS}, ms)", "",
             "| view | big archive | alone | big/alone | longest loop stretch, big (alone) |", "|---|---|---|---|---|"]
    for name, sides in found.items():
        (ms, loop), (a, aloop) = sides["big"], sides["alone"]
        lines.append(f"| {name} | {ms:.1f} | {a:.1f} | {ms / a if a else float('nan'):.2f} | {loop:.1f} ({aloop:.1f}) |")
    return "\n".join(lines)


async def alone_url_beside(url: str) -> str:
    """PostgreSQL: the player alone lives in a second database, ``<name>_alone``."""
    import asyncpg

    info = expand_db_url(url)["credentials"]
    name = f"{info['database']}_alone"
    conn = await asyncpg.connect(host=info["host"], port=info["port"], user=info["user"],
                                 password=info.get("password"), database=info["database"])
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.rsplit("/", 1)[0] + "/" + name + ("?" + url.split("?", 1)[1] if "?" in url else "")


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--players", type=int, default=200)
    ap.add_argument("--plays", type=int, default=5000)
    ap.add_argument("--keep", type=Path, help="leave the big SQLite archive at this path")
    args = ap.parse_args()
    if not SONGDB.is_file():
        print(f"song data not available: {SONGDB}", file=sys.stderr)
        return 2
    catalogue = Catalogue.from_music_data(json.loads(SONGDB.read_text(encoding="utf-8")))
    set_catalogue(catalogue)
    charts = [c for c in catalogue.charts() if c.type is not ChartType.UTAGE]
    tmp = Path(tempfile.mkdtemp(prefix="maimai-scale-"))
    big_path = args.keep or tmp / "big.sqlite3"
    for path in (big_path, tmp / "alone.sqlite3"):
        path.unlink(missing_ok=True)
    print(await compare("SQLite", f"sqlite://{big_path}", f"sqlite://{tmp / 'alone.sqlite3'}", args, catalogue,
                        charts, tmp))
    if url := os.environ.get("MAIMAI_TEST_DB_URL"):
        print()
        print(await compare("PostgreSQL", url, await alone_url_beside(url), args, catalogue, charts, tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
