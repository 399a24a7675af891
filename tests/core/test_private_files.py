"""What the bot writes is the operator's alone: the data folder 0700; the key, the SQLite
file and saved page copies 0600; a key others could read is fixed with one warning; /forget
takes the player's saved pages too."""

from __future__ import annotations

import logging
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

from plugins.maimai_archive.core.archiving.evidence import PageKeeper
from plugins.maimai_archive.core.archiving.forget import forget_player
from plugins.maimai_archive.core.db import database
from plugins.maimai_archive.core.db.models import Player
from plugins.maimai_archive.core.secret import KEY_FILE, load_or_create_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_key_is_0600_in_a_0700_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = load_or_create_key("", data)
    assert _mode(data) == 0o700 and _mode(data / KEY_FILE) == 0o600
    assert load_or_create_key("", data) == key


def test_an_existing_data_folder_open_to_others_is_closed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    load_or_create_key("", data)
    assert _mode(data) == 0o700


def test_a_key_file_others_can_read_is_made_0600_with_one_warning(tmp_path: Path, caplog) -> None:
    key = load_or_create_key("", tmp_path)
    (tmp_path / KEY_FILE).chmod(0o644)
    caplog.set_level(logging.WARNING)
    caplog.clear()  # the creation's own warning
    assert load_or_create_key("", tmp_path) == key
    assert _mode(tmp_path / KEY_FILE) == 0o600
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "readable by others" in warnings[0].getMessage()
    caplog.clear()
    load_or_create_key("", tmp_path)  # fixed now: nothing more to say
    assert [r for r in caplog.records if r.levelno == logging.WARNING] == []


def test_the_sqlite_file_is_created_0600_and_an_old_one_is_made_0600(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'db' / 'maimai.sqlite3'}"
    database._ensure_sqlite_dir(url)
    path = tmp_path / "db" / "maimai.sqlite3"
    with sqlite3.connect(path) as conn:  # SQLite keeps the mode of the file it finds
        conn.execute("create table t (x)")
    assert _mode(path) == 0o600
    path.chmod(0o644)
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")
    wal.chmod(0o644)
    database._make_private(path)
    assert _mode(path) == 0o600 and _mode(wal) == 0o600


def test_saved_pages_are_0600_and_name_their_player(tmp_path: Path) -> None:
    keeper = PageKeeper(tmp_path / "pages", clock=lambda: datetime(2025, 1, 2, tzinfo=UTC))
    path = keeper.save("record", "<html>x</html>", [], player_id=7)
    assert path.name.endswith("-p7.html")
    assert _mode(path) == 0o600 and _mode(tmp_path / "pages") == 0o700


async def test_forget_removes_the_players_saved_pages_and_no_one_elses(db, tmp_path: Path) -> None:
    gone, kept = await Player.create(qq="31"), await Player.create(qq="32")
    ticks = iter(range(100))
    keeper = PageKeeper(
        tmp_path / "pages", clock=lambda: datetime(2025, 1, 2, 0, 0, next(ticks), tzinfo=UTC)
    )
    mine = [keeper.save(kind, "<html/>", [], player_id=gone.id) for kind in ("record", "home")]
    other = keeper.save("record", "<html/>", [], player_id=kept.id)
    await forget_player(gone, tmp_path)
    assert not any(p.exists() for p in mine) and other.exists()
