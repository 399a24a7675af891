"""Start the real ``python bot.py`` as a process on a free port, with its own data dir."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import ClassVar

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A line of the bot's log at ERROR level or above (NoneBot's loguru format "… [ERROR] …"),
# or a traceback printed outside the logger.
ERROR_LINE = re.compile(r"\[(?:ERROR|CRITICAL)\]|^Traceback \(most recent call last\)", re.M)


class BotProcess:
    started: ClassVar[list[BotProcess]] = []  # every bot process of this test session

    @classmethod
    def new_errors(cls) -> list[str]:
        """The ERROR lines (with what follows each) every bot wrote since the last look."""
        errors = []
        for bot in cls.started:
            text = bot.log()
            new, bot.checked = text[bot.checked :], len(text)
            for match in ERROR_LINE.finditer(new):
                errors.append(
                    f"bot on port {bot.port}: " + new[match.start() : match.start() + 3000]
                )
        return errors

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, access_token: str | None = None
    ) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.log_path = data_dir.parent / f"bot-{self.port}.log"
        self.access_token = access_token
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIMAI_", "ONEBOT_"))}
        self.env.update(
            {
                "HOST": "127.0.0.1",
                "PORT": str(self.port),
                "MAIMAI_DATA_DIR": str(data_dir),
                "MAIMAI_SONGDB_URL": os.environ.get(
                    "MAIMAI_E2E_SONGDB_URL", str(data_dir / "no-songdb.json")
                ),
                "MAIMAI_ALIAS_URL": str(data_dir / "no-aliases.json"),
                "MAIMAI_COVER_URL": "",  # no cover host: jackets stay placeholders
                "PYTHONUNBUFFERED": "1",
            }
        )
        if db := os.environ.get("MAIMAI_TEST_DB_URL"):
            self.env["MAIMAI_DB_URL"] = db
        if access_token:
            self.env["ONEBOT_ACCESS_TOKEN"] = access_token
        self.env.update(env or {})
        self.proc: subprocess.Popen | None = None
        self.checked = 0  # how much of the log new_errors() has read

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/onebot/v11/ws"

    def start(self, timeout: float = 60.0) -> BotProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        if self not in BotProcess.started:
            BotProcess.started.append(self)
        self.proc = subprocess.Popen(
            [sys.executable, "bot.py"], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bot exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.2)
        raise TimeoutError(f"bot did not listen on {self.port}:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
