"""The core assembled: settings, database, secret box. The bot and the CLI both use it."""

from __future__ import annotations

import logging

from ..config import MaimaiConfig
from . import redact
from .db.database import start_database, stop_database
from .secret import SecretBox, load_or_create_key

log = logging.getLogger(__name__)


class ArchiveApp:
    """Owns what lives as long as the process: the database connection and the secret box."""

    def __init__(self, config: MaimaiConfig) -> None:
        self.config = config
        self.box: SecretBox | None = None

    async def start(self) -> None:
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        key = load_or_create_key(self.config.maimai_secret_key, self.config.data_dir)
        redact.add_secret(key.decode())
        self.box = SecretBox(key)
        await start_database(self.config.db_url)

    async def stop(self) -> None:
        await stop_database()

    def secret_box(self) -> SecretBox:
        if self.box is None:
            raise RuntimeError("ArchiveApp.start() has not run")
        return self.box


_app: ArchiveApp | None = None


def get_app() -> ArchiveApp:
    if _app is None:
        raise RuntimeError("the archive app is not started")
    return _app


def set_app(app: ArchiveApp | None) -> None:
    global _app
    _app = app
