"""Ways to run the simulator: in this event loop (tests) or as a child process (end-to-end)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from .app import create_app
from .world import World

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningSim:
    world: World
    host: str
    port: int
    base_path: str = "/maimai-mobile/"

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What the bot's ``MAIMAI_NET_BASE_URL`` should be."""
        return self.root + self.base_path

    def url(self, page: str) -> str:
        return self.base_url + page.lstrip("/")


@contextlib.asynccontextmanager
async def run_simsite(
    world: World | None = None, *, base_path: str = "/maimai-mobile/", host: str = "127.0.0.1"
) -> AsyncIterator[RunningSim]:
    """Serve the simulator on a free loopback port in this event loop, for one ``async with``."""
    world = world or World()
    app = create_app(world, base_path=base_path)
    sock = socket.socket()
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()  # raises the startup error
            await asyncio.sleep(0.01)
        yield RunningSim(world, host, port, app.state.base_path)
    finally:
        server.should_exit = True
        await task
        sock.close()


class SimProcess:
    """``python -m tests.simsite`` as a child process (for tests that start the real bot)."""

    def __init__(self, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.args = args
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root + "/maimai-mobile/"

    def start(self, timeout: float = 15.0) -> SimProcess:
        cmd = [sys.executable, "-m", "tests.simsite", "--port", str(self.port), *self.args]
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, env=os.environ.copy(), stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"simulator exited with {self.proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.root + "/_sim/health", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        self.stop()
        raise TimeoutError("simulator did not start")

    def admin(self) -> httpx.Client:
        return httpx.Client(base_url=self.root + "/_sim", timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SimProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
