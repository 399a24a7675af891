"""The render processes: images are drawn outside the bot's process, a crash or a render past
the time limit restarts them with a typed error, a missing glyph still fails a test render,
and nothing is left running after stop."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
import warnings

import pytest

from plugins.maimai_archive.config import MaimaiConfig
from plugins.maimai_archive.core import app as app_module
from plugins.maimai_archive.core.app import ArchiveApp
from plugins.maimai_archive.core.errors import RenderFailed
from plugins.maimai_archive.core.render.pool import RenderPool, glyph_warnings_are_errors
from tests.core.test_render_pool_support import (
    crashing_figure,
    failing_figure,
    pool_then_wait,
    slow_figure,
    text_figure,
    text_pages,
)
from tests.core.test_render_support import RENDER_MARKS, check_png

pytestmark = RENDER_MARKS


def _alive(pids: list[int]) -> list[int]:
    children = {p.pid for p in multiprocessing.active_children()}
    return [pid for pid in pids if pid in children]


@pytest.fixture
def pool():
    renderer = RenderPool(1, timeout=120)
    yield renderer
    renderer.shutdown()


async def test_images_are_drawn_in_another_process(pool):
    png, pages = await asyncio.gather(
        pool.png(text_figure, ["渦状銀河のシンフォニエッタ"]), pool.pages(text_pages, 3)
    )
    check_png(png)
    assert len(pages) == 3 and all(check_png(p) for p in pages)
    (pid,) = pool.pids()
    assert pid != os.getpid()


async def test_a_renderer_error_comes_back_as_itself_and_the_process_stays(pool):
    check_png(await pool.png(text_figure, ["先"]))
    before = pool.pids()
    with pytest.raises(ValueError, match="a renderer bug"):
        await pool.png(failing_figure)
    assert pool.pids() == before


def test_the_workers_follow_this_process_on_missing_glyphs():
    assert glyph_warnings_are_errors()  # RENDER_MARKS, as in every render test
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not glyph_warnings_are_errors()


async def test_missing_glyph_fails_a_render_in_the_worker_too(pool):
    with pytest.raises(UserWarning, match="missing from font"):
        await pool.png(text_figure, ["\ue000"])


async def test_a_crash_raises_render_failed_and_the_next_render_gets_a_new_process(pool):
    check_png(await pool.png(text_figure, ["先"]))
    (first,) = pool.pids()
    with pytest.raises(RenderFailed) as failed:
        await pool.png(crashing_figure)
    assert failed.value.user_message == "图片生成失败，请稍后再试。"
    assert _alive([first]) == []
    check_png(await pool.png(text_figure, ["后"]))
    assert pool.pids() != [first]


async def test_a_render_past_the_time_limit_is_stopped_and_raises_render_failed(pool):
    check_png(await pool.png(text_figure, ["先"]))  # the worker is up: the limit is the render's
    (first,) = pool.pids()
    pool.timeout = 1.0
    loop = asyncio.get_running_loop()
    start = loop.time()
    with pytest.raises(RenderFailed):
        await pool.png(slow_figure, 60)
    assert loop.time() - start < 10
    assert _alive([first]) == []
    pool.timeout = 120
    check_png(await pool.png(text_figure, ["后"]))


async def test_a_render_beside_a_timed_out_one_is_retried():
    pool = RenderPool(2, timeout=120)
    try:
        await asyncio.gather(*(pool.png(text_figure, [str(i)]) for i in range(2)))
        pool.timeout = 4.0
        stuck = asyncio.create_task(pool.png(slow_figure, 60))
        await asyncio.sleep(2.5)
        pool.timeout = 30.0  # the innocent render's own limit (it pays for a new process)
        fine = asyncio.create_task(pool.png(slow_figure, 3.0))
        with pytest.raises(RenderFailed):
            await stuck
        check_png(await fine)
    finally:
        pool.shutdown()


async def test_shutdown_leaves_no_process_and_a_later_render_starts_again(pool):
    pool.start()
    await pool.png(text_figure, ["先"])
    pids = pool.pids()
    assert pids
    await asyncio.to_thread(pool.shutdown)
    assert pool.pids() == [] and _alive(pids) == []
    check_png(await pool.png(text_figure, ["后"]))


def test_the_workers_end_when_the_bot_is_killed() -> None:
    # kill -9 or the OOM killer gives the bot no chance to stop its pool: the workers must
    # not live on (127 MB each, one more after every restart).
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    bot = context.Process(target=pool_then_wait, args=(theirs,))
    bot.start()
    try:
        assert ours.poll(120), "the pool in the child did not draw"
        (worker,) = ours.recv()
    finally:
        bot.kill()
        bot.join()
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(worker), "the render worker outlived its killed bot"


def _running(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended (its parent, init, reaps it)


async def test_the_app_starts_its_render_process_and_stop_ends_it(tmp_path, monkeypatch):
    core = ArchiveApp(MaimaiConfig(maimai_data_dir=tmp_path, maimai_render_workers=1))
    assert core.renderer.pids() == []  # nothing runs before start
    await asyncio.to_thread(core.renderer.start)
    check_png(await core.renderer.png(text_figure, ["舞萌"]))
    pids = core.renderer.pids()
    assert len(pids) == 1

    async def stop_database() -> None:  # the suite's database stays open
        pass

    monkeypatch.setattr(app_module, "stop_database", stop_database)
    await core.stop()
    assert _alive(pids) == [] and core.renderer.pids() == []
