"""0005_chart_identity upgrades a database that holds unresolved plays (SQLite): each gets its
best's key "?<type>:<difficulty>:<title>", resolved ones keep theirs, and the table keeps its
unique constraint and indexes (Tortoise's SQLite column alter would rebuild the table without
them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import asyncio, sqlite3, sys
from tortoise import Tortoise
from tortoise.migrations.api import migrate
from plugins.maimai_archive.core.db.database import start_database, stop_database, tortoise_config

db = sys.argv[1]
LONG = "Retribution ～ Cycle of Redemption ～"

async def main():
    await migrate(config=tortoise_config(f"sqlite://{db}"), target="maimai.0004_scale")
    await Tortoise.close_connections()
    c = sqlite3.connect(db)
    c.execute("insert into player (qq, public, autosync, created_at) values ('1', 0, 0, '2026-01-01')")
    for unix, key, title in ((1, None, LONG), (2, "834:master", "PANDORA PARADOXXX")):
        c.execute(
            "insert into play (player_id, played_unix, played_at, idx, track, title, type,"
            " difficulty, level, achievement, dx_score, dx_stars, rank, new_record, new_dx_record,"
            " buddy, chart_key, archived_at) values (1, ?, '2026-01-01', '0,1', 1, ?, 'DX',"
            " 'expert', '12', 1000000, 100, 0, 's', 0, 0, 0, ?, '2026-01-01')",
            (unix, title, key),
        )
    c.commit()
    c.close()
    await start_database(f"sqlite://{db}")
    from plugins.maimai_archive.core.db.models import Play
    print(sorted(await Play.all().values_list("chart_key", flat=True)))
    print(await Play.filter(chart_key=f"?DX:expert:{LONG}").count())
    await stop_database()
    c = sqlite3.connect(db)
    print(sorted(n for (n,) in c.execute(
        "select name from sqlite_master where tbl_name = 'play' and type = 'index'")))

asyncio.run(main())
"""


def test_chart_identity_migration_keys_old_unresolved_plays_and_keeps_the_indexes(
    tmp_path: Path,
) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "old.sqlite3")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    keys, found, indexes = out.stdout.strip().splitlines()[-3:]
    assert keys == "['834:master', '?DX:expert:Retribution ～ Cycle of Redemption ～']"
    assert found == "1"
    # the unique (player, played_unix) constraint and both indexes survive
    assert "sqlite_autoindex_play_1" in indexes and indexes.count("idx_play_") == 2
