"""``songs update`` / ``songs search`` as commands, in a fresh process with its own database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.core.test_songs_support import REPO, SMALL_ALIASES, small_aliases, small_music_data

RUN = """
import argparse, sys
from plugins.maimai_archive.cli.songs import add_songs_parser
parser = argparse.ArgumentParser()
add_songs_parser(parser.add_subparsers(dest="command"))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def run(
    tmp_path: Path, *argv: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    songs = tmp_path / "music_data.json"
    if not songs.exists():
        songs.write_text(json.dumps(small_music_data(), ensure_ascii=False), encoding="utf-8")
    base = {
        **os.environ,
        "MAIMAI_DATA_DIR": str(tmp_path / "data"),
        "MAIMAI_DB_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
        "MAIMAI_SONGDB_URL": str(songs),
        "MAIMAI_ALIAS_URL": str(SMALL_ALIASES),
    }
    return subprocess.run(
        [sys.executable, "-c", RUN, *argv],
        cwd=REPO,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_update_then_search_prints_json(tmp_path: Path) -> None:
    update = run(tmp_path, "songs", "update")
    assert update.returncode == 0, update.stderr
    report = json.loads(update.stdout)
    assert report["songs"]["ok"] and report["songs"]["changed"] and report["songs"]["count"] == 8
    assert report["aliases"]["ok"]
    search = run(tmp_path, "songs", "search", "阿尔法", "--limit", "2")
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout) == [
        {"id": 1, "title": "Alpha Song", "type": "SD", "score": 99.0},
        {"id": 10001, "title": "Alpha Song", "type": "DX", "score": 99.0},
    ]


def test_update_counts_aliases_as_aliases(tmp_path: Path) -> None:
    update = run(tmp_path, "songs", "update")
    assert update.returncode == 0, update.stderr
    report = json.loads(update.stdout)
    in_file = sum(len(entry["aliases"]) for entry in small_aliases()["aliases"])
    assert report["songs"]["count"] == 8
    assert report["aliases"]["count"] == in_file == 4


def test_update_fails_when_a_source_fails_and_names_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "no-aliases.json"
    update = run(tmp_path, "songs", "update", env={"MAIMAI_ALIAS_URL": str(missing)})
    assert update.returncode == 1  # the song data updated, the alias list did not
    report = json.loads(update.stdout)
    assert report["songs"]["ok"] and report["songs"]["count"] == 8
    assert not report["aliases"]["ok"]
    assert report["aliases"]["error"] == f"file not found: {missing}"
    assert (
        f"aliases not updated: file not found: {missing} (check MAIMAI_ALIAS_URL)" in update.stderr
    )

    songs = tmp_path / "nowhere" / "music_data.json"
    update = run(tmp_path, "songs", "update", env={"MAIMAI_SONGDB_URL": str(songs)})
    assert update.returncode == 1
    report = json.loads(update.stdout)
    assert report["songs"]["error"] == f"file not found: {songs}"
    assert "NetworkError" not in update.stdout + update.stderr
