"""The SYNTHETIC archive of ``bench/scale.py``: one player's rows in the proportions of a
real two-year archive, inserted with raw executemany through the app's own connection
(the tables are the project's, made by its migrations)."""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from plugins.maimai_archive.core.db.models import Binding, Player
from plugins.maimai_archive.core.game import FC, FS, rank_for

QQ0 = 100000
CHARTS, RUNS, SNAPSHOTS = 1430, 700, 500  # per player, as in a real two-year archive


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


JUDGEMENTS = [
    json.dumps(
        {
            "tap": [n, 10, 2, 0, m],
            "hold": [50, 3, 0, 0, 0],
            "slide": [80, 0, 0, 0, 1],
            "touch": [20, 1, 0, 0, 0],
            "break": [30, 5, 1, 0, 0],
        },
        separators=(",", ":"),
    )
    for n in range(300, 310)
    for m in range(3)
]


def player_rows(
    number: int, plays: int, charts: list, now: datetime, ids: Ids
) -> tuple[dict, Rows]:
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
        rows.plays.append(
            (
                play_id,
                player_id,
                unix,
                at,
                f"{second % 50},{unix}",
                1 + second % 4,
                chart.title,
                chart.type.value,
                chart.difficulty.value,
                chart.level,
                achievement,
                dx,
                dx_max,
                0,
                rank_for(achievement).value,
                fc,
                fs,
                new,
                False,
                None,
                False,
                None,
                chart.key,
                chart.song_id,
                run_ids[r],
                at,
            )
        )
        rows.details.append(
            (
                ids.take("play_detail"),
                play_id,
                JUDGEMENTS[second % len(JUDGEMENTS)],
                40,
                30,
                500,
                600,
                None,
                None,
                12000 + second // 20000,
                0,
                "[]",
                "[]",
            )
        )
        per_run[r] += 1
        if new:
            rows.changes.append(
                (
                    ids.take("best_change"),
                    player_id,
                    run_ids[r],
                    chart.key,
                    chart.song_id,
                    chart.title,
                    chart.type.value,
                    chart.difficulty.value,
                    chart.level,
                    held[0] if held else None,
                    achievement,
                    held[1] if held else None,
                    dx,
                    held[2] if held else None,
                    fc,
                    held[3] if held else None,
                    fs,
                    at,
                )
            )
            best[chart.key] = [achievement, dx, fc, fs, at, chart]
    for chart in mine:  # never played since the archive began: from the first score-list read
        if chart.key not in best:
            a = int(skill[chart.key] * 1000000)
            best[chart.key] = [a, int(chart.notes.dx_score_max * 0.9), None, None, run_at[0], chart]
    for key, (a, dx, fc, fs, at, chart) in best.items():
        rows.bests.append(
            (
                ids.take("best"),
                player_id,
                key,
                chart.song_id,
                chart.title,
                chart.type.value,
                chart.difficulty.value,
                chart.level,
                a,
                dx,
                chart.notes.dx_score_max,
                0,
                rank_for(a).value,
                fc,
                fs,
                at,
            )
        )
    rating = 12000
    for i, at in enumerate(run_at):
        before, rating = rating, rating + rnd.randint(0, 6)
        rows.runs.append(
            (
                run_ids[i],
                player_id,
                at,
                at + timedelta(seconds=20),
                "ok",
                i == 0,
                "auto",
                per_run[i],
                per_run[i],
                0,
                before,
                rating,
                3,
                90000,
                False,
            )
        )
        if i in shot_runs:
            rows.snapshots.append(
                (
                    ids.take("profile_snapshot"),
                    player_id,
                    run_ids[i],
                    at,
                    f"P{number}",
                    rating,
                    per_run[i],
                    "{}",
                )
            )
    player = {
        "id": player_id,
        "qq": str(QQ0 + number),
        "name": f"P{number}",
        "rating": rating,
        "friend_code": f"{900000000 + number}",
        "last_sync_at": run_at[-1],
    }
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
    names = ", ".join('"' + c + '"' for c in cols)  # "full" is a word of PostgreSQL's
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'


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
        for table, values in (
            ("sync_run", rows.runs),
            ("play", rows.plays),
            ("play_detail", rows.details),
            ("best", rows.bests),
            ("best_change", rows.changes),
            ("profile_snapshot", rows.snapshots),
        ):
            await conn.execute_many(_insert(conn, table), values)
        if number % 20 == 0:
            print(f"  built {number} players", file=sys.stderr)
    if conn.capabilities.dialect == "postgres":
        for table in (*COLUMNS, "player", "binding"):
            await conn.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
            )
        # Autovacuum would have analyzed a grown archive; SQLite's never is (the bot does not).
        await conn.execute_script("ANALYZE")


def kept_copy(argv: list[str], doc: str) -> Path | None:
    """A copy of the archive named on the command line (the scripts that read it delete)."""
    if len(argv) != 2:
        print(doc)
        return None
    path = Path(tempfile.mkdtemp(prefix="maimai-scale-")) / "big.sqlite3"
    shutil.copyfile(argv[1], path)
    return path
