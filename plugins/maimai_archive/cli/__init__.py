"""``mai-archive``: the core from the command line, with the bot's own settings.

Subcommands: ``parse`` (a saved page → JSON contract), ``songs`` (catalogue; ``songs.py``),
``sync`` and ``export`` (one player's archive; ``archive.py``), ``db`` (apply migrations).
Each area registers its own parser; nothing here imports NoneBot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from ..config import load_config


def cmd_parse(args: argparse.Namespace) -> int:
    from ..core import MaimaiError, page_to_json, parse_page

    text = Path(args.file).read_text(encoding="utf-8", errors="replace")
    try:
        page = parse_page(text)
    except MaimaiError as e:
        print(f"mai-archive parse: {args.file}: {e}", file=sys.stderr)
        return 2
    print(json.dumps(page_to_json(page), ensure_ascii=False, indent=None if args.compact else 1))
    return 0


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from ..core import redact_db_url, start_database, stop_database

    config = load_config()

    async def run() -> None:
        await start_database(config.db_url)
        await stop_database()

    asyncio.run(run())
    print(f"migrations applied: {redact_db_url(config.db_url)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mai-archive",
        description="the maimai archive core from the command line, with the bot's own settings",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    parse = sub.add_parser("parse", help="parse a saved maimai-mobile page and print its JSON")
    parse.add_argument("file")
    parse.add_argument("--compact", action="store_true", help="one line of JSON")
    parse.set_defaults(func=cmd_parse)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_db_migrate)

    from .songs import add_songs_parser

    add_songs_parser(sub)
    from .sync_export import add_archive_parsers

    add_archive_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..core import install_stdlib_redaction

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_stdlib_redaction()
    args = build_parser().parse_args(argv)
    return args.func(args)
