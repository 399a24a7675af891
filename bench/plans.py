"""The query plans of every per-player view on a big archive (issue 15).

    .venv/bin/python bench/scale.py --players 200 --plays 5000 --keep /tmp/big.sqlite3
    .venv/bin/python bench/plans.py /tmp/big.sqlite3

Runs each view of ``bench/scale.py`` once for player 100001 (sync and /forget on a copy of
the file), records every statement it sends, and prints SQLite's ``EXPLAIN QUERY PLAN`` of
each distinct one. A full ``SCAN`` of a table with more than 100,000 rows fails the run.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
from pathlib import Path

import scale
import synthetic
from tortoise import connections

BIG = 100_000


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[tuple[str, tuple]] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        query = args[0] if args else record.getMessage()
        if isinstance(query, str) and query.lstrip().upper().startswith(
            ("SELECT", "UPDATE", "DELETE")
        ):
            params = args[1] if len(args) > 1 else ()
            self.statements.append(
                (query, tuple(params) if isinstance(params, tuple | list) else ())
            )


async def record(path: Path, data_dir: Path) -> dict[str, list[tuple[str, tuple]]]:
    catalogue = scale.load_catalogue()
    await scale.start_database(f"sqlite://{path}")
    recorder = Recorder()
    log = logging.getLogger("tortoise.db_client")
    log.addHandler(recorder)
    log.setLevel(logging.DEBUG)
    try:
        conn = connections.get("default")

        async def rebuild(number: int) -> None:
            return None

        other = await scale.Player.exclude(qq=str(scale.QQ0 + 1)).order_by("-id").first()
        assert other is not None
        side = scale.Side("big", conn, [int(other.qq) - scale.QQ0], rebuild)
        found = {}
        for name, (make, before) in (await scale.cases_for([side], catalogue, data_dir)).items():
            if before is not None:
                await before(side, 0)
            recorder.statements = []
            await make(side, 0)
            found[name] = recorder.statements
        return found
    finally:
        log.removeHandler(recorder)
        await scale.stop_database()


def main() -> int:
    if (path := synthetic.kept_copy(sys.argv, __doc__)) is None:
        return 2
    found = asyncio.run(record(path, path.parent))
    db = sqlite3.connect(path)
    sizes = {
        t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
        for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    bad = 0
    for name, statements in found.items():
        print(f"## {name}")
        seen = set()
        for query, values in statements:
            if query in seen:
                continue
            seen.add(query)
            plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + query, values)]
            scans = [p for p in plan if p.startswith("SCAN ") and sizes.get(p.split()[1], 0) > BIG]
            bad += len(scans)
            print(("FULL SCAN  " if scans else "ok         ") + query[:150])
            for line in plan:
                print("             " + line)
    print(f"\n{bad} full scans of tables over {BIG:,} rows")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
