"""A command that raises is never silent (issue 18): the player gets the short apology and
the log gets exactly one ERROR line with the traceback (chat/registry.py's postprocessor)."""

from __future__ import annotations

import pytest

from tests.chat import any_archive as aa
from tests.chat.chat_probe import Probe

from .helpers import TINY_PNG, group_message, private_message

ME = "20001"
WHY = "the crash is provoked: its one ERROR line is what is tested"


@pytest.fixture
def probe(monkeypatch) -> Probe:
    from plugins.maimai_archive.chat import chart
    from plugins.maimai_archive.chat.registry import app

    async def tiny_png(fn, view, *args, **kw) -> bytes:
        return TINY_PNG

    monkeypatch.setattr(app(), "catalogue", aa.catalogue())
    monkeypatch.setattr(chart, "render_png", tiny_png)
    p = Probe(members=[int(ME)])
    p.make_bot()
    return p


def broken(*args, **kwargs):
    raise RuntimeError("a defect in a query")


@pytest.mark.allow_error_log(WHY)
async def test_a_command_that_raises_answers_with_the_apology_and_one_error_line(
    db, probe, error_log, monkeypatch
):
    from plugins.maimai_archive.chat import record_images as archive_images
    from plugins.maimai_archive.chat.registry import SORRY

    await aa.build(aa.ArchiveSpec(1, 5, (aa.KNOWN[0],), "none", 0, 0, 1, 0, False), ME)
    monkeypatch.setattr(archive_images, "records_view", broken)
    for event in (private_message("/records"), group_message("/records 2")):
        replies = await probe.ask(event)
        assert [str(r) for r in replies] == [SORRY]
        (line,) = error_log.take()  # exactly one, with the traceback
        assert "Traceback" in line and "RuntimeError: a defect in a query" in line
        assert "record_images" in line  # it names the command's module


@pytest.mark.allow_error_log(WHY)
async def test_a_crash_after_a_numbered_pick_is_answered_too(db, probe, error_log, monkeypatch):
    # The pick reply runs in a new (temporary) matcher made from the command's.
    from plugins.maimai_archive.chat import chart
    from plugins.maimai_archive.chat.registry import SORRY

    monkeypatch.setattr(chart, "chart_bests", broken)
    asked = await probe.ask(private_message("/chart New"))
    assert "请回复序号" in str(asked[0])
    assert error_log.take() == []
    replies = await probe.ask(private_message("1"))
    assert [str(r) for r in replies] == [SORRY]
    assert len(error_log.take()) == 1


async def test_a_finished_command_gets_no_apology(db, probe, error_log):
    # Session control (finish) is how every command ends: never an error, never an apology.
    replies = await probe.ask(private_message("/help b50"))
    assert len(replies) == 1 and "B50" in str(replies[0])
    assert error_log.take() == []
