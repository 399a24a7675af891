"""The render process: figures are built and encoded in long-lived worker processes.

matplotlib holds the GIL for the whole of a draw and its PNG encode, so a render in a thread
of the bot's process still stalls the event loop; in a worker process it stalls nothing.
View objects (frozen dataclasses) go in, PNG bytes come back; fonts, style and the renderer
modules load once per worker (``_start_worker``). Renderers must be top-level functions (they
travel by name). At most ``workers`` renders run at once; more wait here, on the event loop,
so a render's time limit counts only its own drawing.

A worker that dies or a render past ``timeout`` ends the pool: its processes are stopped,
the next render starts a new one, and the caller gets ``RenderFailed`` (a short apology for
the player). Renders that were running beside a timed-out one are retried once.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import threading
import warnings
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from matplotlib.figure import Figure

from ..errors import RenderFailed
from .engine import FontSet, new_figure, render_many, render_one

log = logging.getLogger(__name__)

T = TypeVar("T")
# Imported by each worker at start, so a player's first image does not pay for them.
RENDERER_MODULES = (
    "album",
    "attempts",
    "b50",
    "cards",
    "chart",
    "curve",
    "diff",
    "history",
    "plate",
    "raise_list",
    "ranking",
    "records_table",
    "visit",
)
GLYPH_WARNING = "Glyph .* missing from font"
WORKERS_ENV = "MAIMAI_RENDER_WORKERS"
# Seconds a worker may take to finish its render once the pool is told to stop.
STOP_GRACE = 5.0


def default_workers() -> int:
    """One per core the process may use, but one core stays for the event loop; at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


def glyph_warnings_are_errors() -> bool:
    """Whether this process turns a missing glyph into an error (the test suite does): the
    workers then do the same, so a missing glyph still fails a render test."""
    sample = "Glyph 57344 (\\ue000) missing from font(s) DejaVu Sans."
    for action, message, category, _module, _line in warnings.filters:
        if not issubclass(UserWarning, category):
            continue
        if message is None or re.match(message, sample):
            return action == "error"
    return False


def _start_worker(fonts: FontSet, strict_glyphs: bool) -> None:
    """Runs once in every worker: warning policy, renderer modules, fonts, a first draw."""
    _exit_with_the_bot()
    if strict_glyphs:
        warnings.filterwarnings("error", message=GLYPH_WARNING, category=UserWarning)
    for name in RENDERER_MODULES:
        importlib.import_module(f"{__package__}.{name}")
    render_one(_first_figure, (), {}, fonts)  # loads the font file and Agg's glyph cache


def _exit_with_the_bot() -> None:
    """A bot killed outright (kill -9, the OOM killer) cannot stop its pool, and a worker
    waiting for work never notices: it ends when its parent's sentinel says the bot is gone."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-the-bot", daemon=True).start()


def _first_figure() -> Figure:
    fig = new_figure(200, 60)
    fig.text(0.05, 0.4, "舞萌 DX 100.5000% SSS+ ★", fontsize=11)
    return fig


def _worker_pid() -> int:
    return os.getpid()


class RenderPool:
    """The app's render processes (``workers`` of them, 0 = ``default_workers()``)."""

    def __init__(
        self,
        workers: int = 0,
        *,
        timeout: float = 60.0,
        fonts: FontSet | None = None,
        strict_glyphs: bool | None = None,
    ) -> None:
        self.workers = workers if workers > 0 else default_workers()
        self.timeout = timeout
        self.fonts = fonts or FontSet.at()
        # None = as this process treats the warning (decided when the pool starts).
        self._strict = strict_glyphs
        self._executor: ProcessPoolExecutor | None = None
        # Pools this object stopped after a timeout: a render broken by that is retried.
        self._stopped: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()
        self._slots: asyncio.Semaphore | None = None
        self._slots_loop: asyncio.AbstractEventLoop | None = None

    # --- the public side ---------------------------------------------------------------

    def start(self) -> None:
        """Start every worker now (each loads fonts and modules); renders queue behind."""
        executor = self._pool()
        for _ in range(self.workers):
            executor.submit(_worker_pid)

    async def png(self, fn: Callable[..., Figure], *args: Any, **kw: Any) -> bytes:
        """Build the figure ``fn(*args, **kw)`` and encode it as PNG, in a render process."""
        return await self._run(render_one, fn, args, kw)

    async def pages(
        self, fn: Callable[..., Sequence[Figure]], *args: Any, **kw: Any
    ) -> list[bytes]:
        """Like ``png`` for a renderer that returns one figure per page."""
        return await self._run(render_many, fn, args, kw)

    def pids(self) -> list[int]:
        """The worker processes alive now (none before the first render or ``start``)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return [p.pid for p in list(processes.values()) if p.is_alive()]

    def shutdown(self) -> None:
        """Stop the workers (a running render gets ``STOP_GRACE`` seconds); blocking. A later
        render starts a new pool."""
        executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor, STOP_GRACE)

    # --- the machinery ---------------------------------------------------------------

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            strict = glyph_warnings_are_errors() if self._strict is None else self._strict
            # spawn: a fresh interpreter, nothing of the bot's loop, threads or sockets.
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.fonts, strict),
            )
        return self._executor

    def _running_slots(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots_loop is not loop:
            self._slots, self._slots_loop = asyncio.Semaphore(self.workers), loop
        return self._slots

    async def _run(
        self,
        job: Callable[..., T],
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kw: dict[str, Any],
    ) -> T:
        name = getattr(fn, "__qualname__", repr(fn))
        async with self._running_slots():
            for attempt in (1, 2):
                executor = self._pool()
                future = executor.submit(job, fn, args, kw, self.fonts)
                try:
                    return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
                except TimeoutError:
                    await self._replace(executor, stopped=True)
                    log.error(
                        "render %s passed %.0f s; render process restarted", name, self.timeout
                    )
                    raise RenderFailed(f"{name}: over {self.timeout:.0f} s") from None
                except BrokenProcessPool as broken:
                    if attempt == 1 and executor in self._stopped:
                        continue  # stopped for another render's timeout: this one was fine
                    await self._replace(executor, stopped=False)
                    log.error("render process died during %s; restarted", name)
                    raise RenderFailed(f"{name}: render process died") from broken
        raise AssertionError("unreachable")

    async def _replace(self, executor: ProcessPoolExecutor, *, stopped: bool) -> None:
        """Drop a pool that failed (the next render starts a new one); stop its processes."""
        if stopped:
            self._stopped.add(executor)
        if self._executor is executor:
            self._executor = None
        await asyncio.to_thread(_stop, executor, 0.0)


def _stop(executor: ProcessPoolExecutor, grace: float) -> None:
    """Shut a pool down: its workers finish their render within ``grace`` seconds or are
    terminated, and are joined (no process is left behind)."""
    # ProcessPoolExecutor cannot stop a running call (3.14 adds terminate_workers()): its
    # process table is the only handle on the workers.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(grace)
    for process in processes:
        if process.is_alive():
            process.terminate()
        process.join(STOP_GRACE)
        if process.is_alive():
            process.kill()
            process.join()
