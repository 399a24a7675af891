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
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet

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


async def measure(name: str, make, rounds: int = ROUNDS) -> tuple[float, float]:
    """Median ms of ``rounds`` calls and the longest event-loop stretch (ms) among them."""
    times, longest = [], 0.0
    for i in range(rounds):
        call = make(i)
        async with LoopWatch() as watch:
            t = time.perf_counter()
            await call
            times.append(time.perf_counter() - t)
        longest = max(longest, watch.longest)
    return statistics.median(times) * 1000, longest * 1000


async def views(catalogue: Catalogue, data_dir: Path, forget_numbers: list[int], rebuild) -> dict[str, tuple]:
    """Each view for player 100001; /forget of ``forget_numbers`` (rebuilt by ``rebuild``)."""
    arc = queries.Archive(catalogue)
    p = await Player.get(qq=str(QQ0 + 1))
    today = datetime.now(queries.SITE_TZ).date()
    most = (await Best.filter(player=p).order_by("-updated_at").first()).title
    level_keys = [c.key for c in catalogue.charts_at_level("13")]

    async def raise_rows():
        scores = await queries.current_scores(p, arc)
        return what_raises(b50(s for s, _ in scores.values()), [s for s, _ in scores.values()])[:12]

    async def history_song():
        play = await queries.find_played_chart(p, arc, most)
        return await queries.chart_history_view(p, arc, play)

    out = {
        "/recent": await measure("recent", lambda i: queries.recent_view(p, arc, 10)),
        "/play": await measure("play", lambda i: queries.play_detail_view(p, arc, 1)),
        "/diff": await measure("diff", lambda i: queries.diff_view(p, arc)),
        "/diff <date>": await measure("diff date", lambda i: queries.diff_view(p, arc, today - timedelta(days=30))),
        "/history": await measure("history", lambda i: queries.rating_history_view(p)),
        "/history <song>": await measure("history song", lambda i: history_song()),
        "/b50": await measure("b50", lambda i: queries.b50_view(p, arc)),
        "/b50 <date>": await measure("b50 date", lambda i: queries.b50_view(p, arc, today - timedelta(days=365))),
        "/records": await measure("records", lambda i: queries.records_view(p, arc, 3)),
        "/charts": await measure("charts", lambda i: Best.filter(player=p, chart_key__in=level_keys)),
        "/raise": await measure("raise", lambda i: raise_rows()),
        "export": await measure("export", lambda i: export_plays(p, "jsonl")),
    }
    store = BindingStore(SecretBox(Fernet.generate_key()))
    await store.save(p, COOKIES)
    profile = ParsedProfile(p.name or "", p.rating, p.friend_code)
    pages: list = []

    @asynccontextmanager
    async def source(cookies, on_cookies):
        yield BenchSource(pages[-1], profile)

    service = SyncService(store, lambda: catalogue, source, data_dir=data_dir, max_syncs=1)

    async def sync(i):
        pages.append(await record_page(p, catalogue, i))
        report = await service.sync(p, trigger="cli")
        assert report.new_plays == 10, report

    out["sync of 10 new plays"] = await measure("sync", sync)

    times, longest = [], 0.0
    for i in range(ROUNDS):  # timed without the rebuild
        await rebuild(forget_numbers[i])
        player = await Player.get(qq=str(QQ0 + forget_numbers[i]))
        async with LoopWatch() as watch:
            t = time.perf_counter()
            await forget_player(player, data_dir)
            times.append(time.perf_counter() - t)
        longest = max(longest, watch.longest)
        assert not await Play.filter(player_id=player.id).exists()
    out["/forget"] = (statistics.median(times) * 1000, longest * 1000)
    return out


async def one_database(label: str, url: str, numbers: list[int], plays: int, catalogue: Catalogue, charts: list,
                       forget_numbers: list[int], data_dir: Path, fresh: bool) -> dict[str, tuple]:
    from tortoise import connections

    await start_database(url)
    try:
        conn = connections.get("default")
        now = datetime.now(UTC).replace(microsecond=0)
        if fresh:
            await reset_database()
            await catalogue.refresh(str(SONGDB))  # the songs, stored as the bot stores them
            t = time.perf_counter()
            await build(conn, numbers, plays, charts, now)
            print(f"{label}: built {len(numbers)} x {plays} plays in {time.perf_counter() - t:.0f} s", file=sys.stderr)

        async def rebuild(number: int) -> None:
            if not await Player.exists(qq=str(QQ0 + number)):
                await build(conn, [number], plays, charts, now)

        return await views(catalogue, data_dir, forget_numbers, rebuild)
    finally:
        await stop_database()


def table(label: str, big: dict, alone: dict, players: int, plays: int) -> str:
    lines = [f"### {label}: player 100001 among {players} x {plays:,} plays vs alone (median of {ROUNDS}, ms)", "",
             "| view | big archive | alone | big/alone | longest loop stretch (big) |", "|---|---|---|---|---|"]
    for name, (ms, loop) in big.items():
        a = alone[name][0]
        lines.append(f"| {name} | {ms:.1f} | {a:.1f} | {ms / a if a else float('nan'):.2f} | {loop:.1f} |")
    return "\n".join(lines)


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
    if big_path.exists():
        big_path.unlink()
    numbers = list(range(1, args.players + 1))
    # /forget takes players 2..6 on the big archive; alone, the one player is rebuilt each round.
    forget_big = [n for n in numbers[1:ROUNDS + 1]] or [1] * ROUNDS
    targets = [("SQLite", f"sqlite://{big_path}", f"sqlite://{tmp / 'alone.sqlite3'}")]
    if os.environ.get("MAIMAI_TEST_DB_URL"):
        url = os.environ["MAIMAI_TEST_DB_URL"]
        targets.append(("PostgreSQL", url, url))
    for label, big_url, alone_url in targets:
        big = await one_database(label, big_url, numbers, args.plays, catalogue, charts, forget_big, tmp, True)
        if big_url.startswith("sqlite") and args.keep:
            await start_database(big_url)  # the kept archive gets back the players /forget took
            from tortoise import connections
            await build(connections.get("default"), forget_big, args.plays, charts, datetime.now(UTC).replace(microsecond=0))
            await stop_database()
        alone = await one_database(label, alone_url, [1], args.plays, catalogue, charts, [1] * ROUNDS, tmp, True)
        print(table(label, big, alone, args.players, args.plays))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
