"""Start and stop the database; apply migrations at start.

SQLite is the embedded default; PostgreSQL works by URL alone (``postgres://…``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate

log = logging.getLogger(__name__)

APP = "maimai"
MODEL_MODULES = [
    "plugins.maimai_archive.core.db.models",
    "plugins.maimai_archive.core.songs.models",
    "plugins.maimai_archive.core.web.models",
]
MIGRATIONS = "plugins.maimai_archive.core.db.migrations"


def tortoise_config(db_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": db_url},
        "apps": {
            APP: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(db_url: str) -> None:
    if db_url.startswith("sqlite://") and ":memory:" not in db_url:
        Path(db_url.removeprefix("sqlite://").split("?")[0]).parent.mkdir(
            parents=True, exist_ok=True
        )


async def start_database(db_url: str) -> None:
    """Apply pending migrations, then open the connections for the app."""
    _ensure_sqlite_dir(db_url)
    config = tortoise_config(db_url)
    try:
        await migrate(config=config)
    except Exception as e:
        log.error(
            "cannot open or migrate the database %s: %s: %s",
            redact_db_url(db_url),
            type(e).__name__,
            e,
        )
        raise
    finally:
        # Also on failure: an open SQLite connection thread would keep the process alive.
        await Tortoise.close_connections()
    # The global fallback lets code started from NoneBot's startup hook (another
    # context) find the connections.
    await Tortoise.init(config=config, _enable_global_fallback=True)
    log.info("database ready: %s", redact_db_url(db_url))


async def stop_database() -> None:
    await Tortoise.close_connections()


def redact_db_url(db_url: str) -> str:
    """The URL without its password, for logs."""
    if "@" not in db_url or "://" not in db_url:
        return db_url
    scheme, rest = db_url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


# For Tortoise's own CLI (`tortoise -c plugins.maimai_archive.core.db.database.TORTOISE_ORM
# makemigrations`), which developers run after changing a model.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")


async def reset_database() -> None:
    """Empty every table (tests): one database per test session, clean per test."""
    from tortoise import connections

    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps[APP].values()]
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    else:
        for table in tables:
            await conn.execute_script(f'DELETE FROM "{table}"')
