"""0002_sync_phases upgrades a database that already holds runs and details (SQLite; the
columns are nullable, so old rows read as "nothing skipped" and "no rating area")."""

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

async def main():
    await migrate(config=tortoise_config(f"sqlite://{db}"), target="maimai.0001_initial")
    await Tortoise.close_connections()
    c = sqlite3.connect(db)
    c.execute("insert into player (qq, public, autosync, created_at) values ('1', 0, 0, '2026-01-01')")
    c.execute("insert into sync_run (player_id, started_at, status, full, trigger, requests, bytes_received,"
              " new_plays, new_details, improved_bests, gap) values (1, '2026-01-01', 'ok', 1, 'command', 0,0,0,0,0,0)")
    c.commit()
    c.close()
    await start_database(f"sqlite://{db}")
    from plugins.maimai_archive.core.db.models import SyncRun
    from plugins.maimai_archive.core.archiving.sync.service import _bests_imported, _owed
    run = await SyncRun.get(id=1)
    player = await run.player
    print(run.skipped, sorted(_owed(run)), await _bests_imported(player))
    await stop_database()

asyncio.run(main())
"""


def test_sync_phases_migration_keeps_old_runs_readable(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "old.sqlite3")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "None [] True"
