"""Test session: one NoneBot (nonebug) with the plugin loaded, one database.

The database comes from ``MAIMAI_TEST_DB_URL`` when set (CI runs the db tests again on
PostgreSQL that way), else a SQLite file in a temporary directory.
"""

from __future__ import annotations

import os
import tempfile
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
        "command_start": {"/", ""},
        "log_level": "INFO",
    }


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test that touches the database is a "db" test (CI reruns them on PostgreSQL).
    for item in items:
        if "db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


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
