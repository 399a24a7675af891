"""``mai-archive sync|doctor|export --qq QQ``: one player's archive from the command line,
with the bot's own settings and database."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import load_config
from ..core import ArchiveApp, SyncReport, export_plays, player_by_qq

if TYPE_CHECKING:
    from ..core.db.models import Player


def add_archive_parsers(subparsers: Any) -> None:
    sync = subparsers.add_parser(
        "sync", help="run one sync for a bound player; prints the report as JSON"
    )
    sync.add_argument("--qq", required=True)
    sync.add_argument("--full", action="store_true", help="also re-read every score list")
    sync.set_defaults(func=cmd_sync)

    doctor = subparsers.add_parser(
        "doctor",
        help="fetch each page kind once for a bound player, parse it, print what is missing",
    )
    doctor.add_argument("--qq", required=True)
    doctor.set_defaults(func=cmd_doctor)

    export = subparsers.add_parser("export", help="every archived play of a player, one per line")
    export.add_argument("--qq", required=True)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.set_defaults(func=cmd_export)


async def _with_app(work: Callable[[ArchiveApp], Awaitable[int]]) -> int:
    app = ArchiveApp(load_config())
    await app.start(refresh_catalogue=False)
    try:
        return await work(app)
    finally:
        await app.stop()


def _write(text: str, output: str | None) -> int:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _for_player(command: str, qq: str, work: Callable[[ArchiveApp, Player], Awaitable[int]]) -> int:
    """Run ``work`` for the player of ``qq`` with the app started; 2 when there is none."""

    async def run(app: ArchiveApp) -> int:
        player = await player_by_qq(qq)
        if player is None:
            print(f"mai-archive {command}: no player with QQ {qq}", file=sys.stderr)
            return 2
        return await work(app, player)

    return asyncio.run(_with_app(run))


def cmd_sync(args: argparse.Namespace) -> int:
    async def work(app: ArchiveApp, player: Player) -> int:
        assert app.sync is not None
        report = await app.sync.sync(player, full=args.full, trigger="cli")
        print(json.dumps(report_json(report), ensure_ascii=False, indent=1))
        return 0 if report.ok else 1

    return _for_player("sync", args.qq, work)


def cmd_doctor(args: argparse.Namespace) -> int:
    from ..core import DoctorError, check_pages, format_checks

    async def work(app: ArchiveApp, player: Player) -> int:
        assert app.sync is not None
        try:
            checks = await check_pages(app.sync, player)
        except DoctorError as e:
            print(f"mai-archive doctor: {e}", file=sys.stderr)
            return 2
        sys.stdout.write(format_checks(checks))
        return 0 if all(c.ok for c in checks) else 1

    return _for_player("doctor", args.qq, work)


def report_json(report: SyncReport) -> dict[str, Any]:
    """The report as JSON-ready data (errors by kind and user message, never a cookie)."""
    out = {
        k: v for k, v in vars(report).items() if k not in ("error", "skipped", "improved_charts")
    }
    out["improved"] = report.improved
    out["improved_charts"] = sorted(report.improved_charts)
    out["error"] = None if report.error is None else {
        "kind": type(report.error).__name__, "message": report.error.user_message,
    }  # fmt: skip
    out["skipped"] = [
        {
            "phase": s.phase.value,
            "error": type(s.error).__name__,
            "pages": s.pages,
            "saved": str(s.saved) if s.saved else None,
        }
        for s in report.skipped
    ]
    return out


def cmd_export(args: argparse.Namespace) -> int:
    async def work(app: ArchiveApp, player: Player) -> int:
        return _write(await export_plays(player, args.format), args.output)

    return _for_player("export", args.qq, work)
