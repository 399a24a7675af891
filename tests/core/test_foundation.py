"""Config defaults, the secret key, redaction and the database lifecycle."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from plugins.maimai_archive.config import DEFAULT_BASE_URL, MaimaiConfig, load_config
from plugins.maimai_archive.core.redact import install_stdlib_redaction, redact
from plugins.maimai_archive.core.secret import SecretBox, load_or_create_key

COOKIE = "userId=1234567890123; _t=0123456789abcdef0123456789abcdef; EO_Bot_Ssid=8888888; __tst_status=99#"


def test_config_defaults_need_no_env_file(tmp_path: Path) -> None:
    cfg = load_config(env_file=tmp_path / "missing.env", environ={})
    assert cfg.maimai_net_base_url == DEFAULT_BASE_URL
    assert cfg.db_url.startswith("sqlite://") and cfg.db_url.endswith("data/maimai.sqlite3")
    assert cfg.maimai_secret_key == ""
    assert cfg.maimai_request_interval == 1.0


def test_config_env_file_then_environment(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("MAIMAI_REQUEST_INTERVAL=2.5\nMAIMAI_DB_URL=sqlite:///x.db\nOTHER=1\n")
    cfg = load_config(env_file=env, environ={"MAIMAI_DB_URL": "postgres://u:p@h/db"})
    assert cfg.maimai_request_interval == 2.5
    assert cfg.db_url == "postgres://u:p@h/db"


def test_bot_reads_the_same_settings_from_the_environment() -> None:
    import nonebot

    from plugins.maimai_archive.chat import config

    assert isinstance(config, MaimaiConfig)
    assert str(config.data_dir) == os.environ["MAIMAI_DATA_DIR"]
    assert config.maimai_request_interval == 0
    assert nonebot.get_driver().config.superusers


def test_secret_key_is_created_once_with_mode_0600(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        key = load_or_create_key("", tmp_path)
    path = tmp_path / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "MAIMAI_SECRET_KEY is not set" in caplog.text
    assert load_or_create_key("", tmp_path) == key  # reused, not replaced
    Fernet(key)


def test_configured_key_wins_and_bad_key_fails_early(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    assert load_or_create_key(key, tmp_path) == key.encode()
    assert not (tmp_path / "secret.key").exists()
    with pytest.raises(ValueError):
        load_or_create_key("not-a-key", tmp_path)


def test_secret_box_round_trip_hides_values() -> None:
    box = SecretBox(Fernet.generate_key())
    jar = {"userId": "1234567890123", "_t": "0123456789abcdef"}
    token = box.seal(jar)
    assert "1234567890123" not in token and "0123456789abcdef" not in token
    assert box.open(token) == jar
    assert "***" in repr(box)
    with pytest.raises(ValueError):
        SecretBox(Fernet.generate_key()).open(token)


@pytest.mark.parametrize(
    "text",
    [
        f"Cookie: {COOKIE}",
        f"/bind {COOKIE}",
        f"绑定 {COOKIE}",
        '{"userId": "1234567890123", "_t": "0123456789abcdef0123456789abcdef"}',
        '[{"name": "_t", "value": "0123456789abcdef0123456789abcdef"}, {"name": "userId", "value": "1234567890123"}]',
        "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=0123456789abcdef0123456789abcdef&t=1234567890123&code=1234567890123&state=x",
    ],
)
def test_redact_hides_every_cookie_shape(text: str) -> None:
    out = redact(text)
    assert "1234567890123" not in out
    assert "0123456789abcdef" not in out
    assert "***" in out


def test_redact_hides_database_passwords_and_configured_secrets() -> None:
    from plugins.maimai_archive.core.redact import add_secret

    assert (
        redact("db postgres://maimai:hunter2@db.example:5432/maimai")
        == "db postgres://maimai:***@db.example:5432/maimai"
    )
    assert (
        redact("{'maimai_secret_key': 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4'}")
        == "{'maimai_secret_key': '***'}"
    )
    add_secret("an-exact-secret-value-42")
    assert "an-exact-secret-value-42" not in redact("key is an-exact-secret-value-42 here")


def test_bot_debug_log_of_the_config_shows_no_secret(tmp_path: Path) -> None:
    """NoneBot logs its loaded config at DEBUG during init, before any plugin loads."""
    import subprocess
    import sys

    key = Fernet.generate_key().decode()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAIMAI_")}
    env |= {
        "LOG_LEVEL": "DEBUG",
        "MAIMAI_SECRET_KEY": key,
        "MAIMAI_DB_URL": "postgres://u:hunter2@127.0.0.1:1/x",
    }
    code = "import bot"  # init and load, without running the server
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = out.stdout + out.stderr
    assert "Loaded Config" in log
    assert key not in log and "hunter2" not in log


def test_redact_is_not_fooled_by_case() -> None:
    assert "0123456789abcdef" not in redact("Bind 0123456789abcdef0123")
    assert "0123456789abcdef" not in redact("绑定 0123456789abcdef0123")


def test_redact_keeps_ordinary_text() -> None:
    text = "Message 1 from 2@[群:3] '/sync' idx=3,1759467960 rating=14374"
    assert redact(text) == text


def test_stdlib_logging_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    install_stdlib_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info("sending %s", COOKIE)
    assert "0123456789abcdef" not in caplog.text
    assert "_t=***" in caplog.text


def test_nonebot_logger_is_redacted_before_any_sink() -> None:
    from nonebot import logger

    seen: list[str] = []
    sink = logger.add(lambda m: seen.append(str(m)), level="DEBUG", colorize=False)
    try:
        logger.opt(colors=True).success(f"Event: message from 1 '<y>/bind {COOKIE}</y>'")
        logger.info("plain " + COOKIE)
    finally:
        logger.remove(sink)
    assert len(seen) == 2
    assert all("0123456789abcdef" not in s and "1234567890123" not in s for s in seen)


_MIGRATE_SCRIPT = """
import asyncio, sys
from tortoise import connections
from plugins.maimai_archive.core.db.database import start_database, stop_database

async def main(url):
    for _ in range(2):  # the second start finds every migration applied
        await start_database(url)
        conn = connections.get("default")
        if conn.capabilities.dialect == "postgres":
            rows = await conn.execute_query_dict("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
        else:
            rows = await conn.execute_query_dict("SELECT name FROM sqlite_master WHERE type = 'table'")
        print(sorted(r["name"] for r in rows))
        await stop_database()

asyncio.run(main(sys.argv[1]))
"""


@pytest.mark.db
def test_database_starts_migrates_and_stops(tmp_path: Path) -> None:
    """In a fresh process: migrations create every table; a restart finds them applied."""
    import subprocess
    import sys

    url = os.environ.get("MAIMAI_TEST_DB_URL") or f"sqlite://{tmp_path / 'fresh.sqlite3'}"
    out = subprocess.run(
        [sys.executable, "-c", _MIGRATE_SCRIPT, url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.returncode == 0, out.stderr[-2000:]
    first, second = out.stdout.strip().splitlines()[-2:]
    assert first == second
    for table in [
        "player",
        "binding",
        "play",
        "play_detail",
        "best",
        "best_change",
        "sync_run",
        "photo",
        "song",
        "guess_tally",
    ]:
        assert f"'{table}'" in first
