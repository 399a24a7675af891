"""Renderers for the render-process tests, importable by a worker (renderers travel by
name). Holds no tests itself."""

from __future__ import annotations

import os
import time

from matplotlib.figure import Figure

from plugins.maimai_archive.core.render.engine import new_figure


def text_figure(texts: list[str]) -> Figure:
    fig = new_figure(800, 60 + 40 * len(texts))
    for i, text in enumerate(texts):
        fig.text(0.05, 1 - (i + 1) / (len(texts) + 1), text, fontsize=18)
    return fig


def text_pages(count: int) -> list[Figure]:
    return [text_figure([f"页 {i}"]) for i in range(count)]


def crashing_figure() -> Figure:
    """The worker dies mid-render (as a segfault in a C library would)."""
    os._exit(3)


def slow_figure(seconds: float) -> Figure:
    time.sleep(seconds)
    return text_figure([f"{seconds} s"])


def failing_figure() -> Figure:
    raise ValueError("a renderer bug")


def pool_then_wait(report) -> None:
    """In a child process: start a render pool, draw once, send the worker's pid, then wait
    to be killed (as a bot killed with kill -9 or by the OOM killer)."""
    import asyncio

    from plugins.maimai_archive.core.render.pool import RenderPool

    pool = RenderPool(1, timeout=120)
    asyncio.run(pool.png(text_figure, ["先"]))
    report.send(pool.pids())
    time.sleep(600)
