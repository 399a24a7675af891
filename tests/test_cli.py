"""mai-archive from the command line: parse every real page; export and sync a player."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plugins.maimai_archive.cli import main
from tests.conftest import REAL_HTML

REPO = Path(__file__).resolve().parents[1]
UNSUPPORTED = ("sample_data__friend.html", "friend-vs", "music_detail")
PAGES = sorted(REAL_HTML.glob("*.html")) if REAL_HTML.is_dir() else []


@pytest.mark.skipif(not PAGES, reason=f"real pages not available: {REAL_HTML} is absent")
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name[:70])
def test_parse_every_real_page(page: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["parse", str(page), "--compact"])
    out, err = capsys.readouterr()
    if any(u in page.name for u in UNSUPPORTED):
        assert code == 2 and "mai-archive parse" in err and out == ""
        return
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"page", "player", "items", "error"}
    assert data["page"] in {
        "record",
        "detail",
        "scores",
        "home",
        "player",
        "friend_code",
        "photos",
        "error",
        "challenge",
    }
    if data["page"] == "record":
        for item in data["items"]:
            assert item["played_at"][-6:] in ("+08:00", "+09:00")
            assert isinstance(item["achievement"], float | int)


@pytest.mark.skipif(not PAGES, reason=f"real pages not available: {REAL_HTML} is absent")
def test_parse_the_utage_record_page_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    page = REAL_HTML / "Uc207Pr4f57t9-251__mainetcn__captures__rec__response_body.html"
    assert main(["parse", str(page)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["page"] == "record" and len(data["items"]) == 50
    utage = [i for i in data["items"] if i["difficulty"] == "utage"]
    assert len(utage) == 6 and {i["type"] for i in utage} == {"UTAGE"}
    assert {i["title"] for i in utage} >= {"[協]疾走あんさんぶる", "[蔵]Glorious Crown"}
    assert len({i["idx"] for i in data["items"]}) == 50


def test_export_sync_and_doctor_of_an_unknown_player_fail_clearly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAIMAI_")}
    env |= {
        "MAIMAI_DATA_DIR": str(tmp_path),
        "MAIMAI_DB_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}",
    }
    for command in (["export", "--qq", "1"], ["sync", "--qq", "1"], ["doctor", "--qq", "1"]):
        out = subprocess.run(
            [sys.executable, "-m", "plugins.maimai_archive.cli", *command],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 2, out.stderr
        assert "no player with QQ 1" in out.stderr


def test_db_migrate_applies_and_reports_without_password(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAIMAI_")}
    env |= {"MAIMAI_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "plugins.maimai_archive.cli", "db", "migrate"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "migrations applied" in out.stdout
    assert (tmp_path / "maimai.sqlite3").is_file()
