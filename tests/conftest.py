"""Test session: one NoneBot (nonebug) with the plugin loaded, one database.

The database comes from ``MAIMAI_TEST_DB_URL`` when set (CI runs the db tests again on
PostgreSQL that way), else a SQLite file in a temporary directory.
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import nonebot
import pytest
from nonebug import NONEBOT_INIT_KWARGS

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL_HTML = SHARED / "real_html"
SONGDB = SHARED / "songdb"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

_TMP = Path(tempfile.mkdtemp(prefix="maimai-test-"))
SUPERUSER = "10000"


def pytest_configure(config: pytest.Config) -> None:
    os.environ["MAIMAI_DATA_DIR"] = str(_TMP / "data")
    os.environ["MAIMAI_DB_URL"] = (
        os.environ.get("MAIMAI_TEST_DB_URL") or f"sqlite://{_TMP / 'test.sqlite3'}"
    )
    os.environ["MAIMAI_REQUEST_INTERVAL"] = "0"
    # The suite's own bot never autosyncs: its scheduler would tick every minute over the test
    # database, which on PostgreSQL the e2e bots share (their bindings sealed with other keys
    # would read as unreadable and be marked expired). Autosync is tested by calling it.
    os.environ["MAIMAI_AUTOSYNC_ENABLED"] = "false"
    # No per-user rate limits by default (every chat test is the same user); tests/chat/test_guards.py sets its own.
    os.environ.setdefault("MAIMAI_IMAGE_RATE", "0")
    os.environ.setdefault("MAIMAI_BIND_RATE", "0")
    os.environ.setdefault("MAIMAI_PUSH_RATE", "0")
    # No network in tests: a missing local file makes the catalogue start empty.
    os.environ.setdefault("MAIMAI_SONGDB_URL", str(_TMP / "no-songdb.json"))
    os.environ.setdefault("MAIMAI_ALIAS_URL", str(_TMP / "no-aliases.json"))
    os.environ.setdefault("MAIMAI_COVER_URL", "")  # empty: covers are never fetched
    config.stash[NONEBOT_INIT_KWARGS] = {
        "superusers": {SUPERUSER},
        "command_start": {"/", "／", ""},  # as .env.example
        "log_level": "INFO",
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test that touches the database is a "db" test (CI reruns them on PostgreSQL).
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


class ErrorLog:
    """Every ERROR record while it listens: loguru's (NoneBot's logger) and the standard
    library's (the core, asyncio, Tortoise), as text with its traceback."""

    def __init__(self) -> None:
        self.records: list[str] = []
        self._sink: int | None = None
        self._handler: logging.Handler | None = None

    def start(self) -> None:
        from nonebot.log import logger

        def loguru_sink(message) -> None:
            record = message.record
            text = f"{record['name']}: {record['message']}"
            if record["exception"] is not None:
                text += "\n" + "".join(traceback.format_exception(*record["exception"]))
            self.records.append(text)

        log = self

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                text = f"{record.name}: {record.getMessage()}"
                if record.exc_info:
                    text += "\n" + logging.Formatter().formatException(record.exc_info)
                log.records.append(text)

        self._sink = logger.add(loguru_sink, level="ERROR", format="{message}")
        self._handler = Handler(logging.ERROR)
        logging.getLogger().addHandler(self._handler)

    def stop(self) -> None:
        from nonebot.log import logger

        if self._sink is not None:
            logger.remove(self._sink)
        if self._handler is not None:
            logging.getLogger().removeHandler(self._handler)

    def take(self) -> list[str]:
        taken, self.records = self.records, []
        return taken


def _guarded(item: pytest.Item) -> bool:
    """Chat and end-to-end tests fail on any ERROR record (a crash never passes silently)."""
    parts = Path(str(item.path)).relative_to(REPO).parts
    return len(parts) > 1 and parts[0] == "tests" and parts[1] in ("chat", "e2e")


@pytest.fixture(autouse=True)
def error_log(request: pytest.FixtureRequest) -> Iterator[ErrorLog]:
    """Fails a chat or end-to-end test that logged an ERROR, in the test process or in a bot
    process (tests/e2e/botproc.py), unless it is marked ``allow_error_log("why")``."""
    from tests.e2e.botproc import BotProcess

    log = ErrorLog()
    guarded = _guarded(request.node)
    if guarded:
        log.start()
    try:
        yield log
    finally:
        log.stop()
    if not guarded:
        return
    errors = log.take() + BotProcess.new_errors()
    if errors and request.node.get_closest_marker("allow_error_log") is None:
        shown = "\n---\n".join(e[-3000:] for e in errors[:5])
        pytest.fail(f"{len(errors)} ERROR log record(s) during the test:\n{shown}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
async def after_nonebot_init(after_nonebot_init: None) -> None:
    from nonebot.adapters.onebot.v11 import Adapter as OneBotV11Adapter

    nonebot.get_driver().register_adapter(OneBotV11Adapter)
    nonebot.load_from_toml(str(REPO / "pyproject.toml"))


@pytest.fixture
async def db():
    """A started, empty archive database (the plugin's own, started by NoneBot's startup)."""
    from plugins.maimai_archive.core.db.database import reset_database

    await reset_database()
    yield
    await reset_database()


@pytest.fixture
def real_html() -> Path:
    if not REAL_HTML.is_dir():
        pytest.skip(f"real pages not available: {REAL_HTML} is absent")
    return REAL_HTML


@pytest.fixture
def songdb() -> Path:
    if not SONGDB.is_dir():
        pytest.skip(f"song data not available: {SONGDB} is absent")
    return SONGDB
