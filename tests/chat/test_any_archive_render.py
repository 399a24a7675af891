"""The image commands drawn for real (no stub) on generated archives with every kind of chart
(100+ character titles, charts the song data does not know, Utage, BUDDY): a renderer that
breaks on one of them logs an ERROR and sends the apology, and this test fails."""

from __future__ import annotations

import pytest

from tests.chat import any_archive as aa
from tests.chat.chat_probe import Probe
from tests.chat.test_any_archive import LONG_UNKNOWN, OTHER, OWNER, converse

from .helpers import group_message, private_message

CHARTS = tuple(
    aa.KNOWN + [c for c in aa.UNKNOWN if LONG_UNKNOWN or c not in aa.LONG_UNKNOWN_CHARTS]
)
ARCHIVES = [
    aa.ArchiveSpec(7, 300, CHARTS, "some", 2, 2, 4, 3, True),
    aa.ArchiveSpec(8, 12, CHARTS[-4:], "all", 0, 0, 1, 0, False),  # mostly unknown charts
]
# Image requests beyond each command's bare form (which is always sent).
EXTRA = [
    "/recent 50",
    "/play 2",
    "/diff 2025-06-02",
    "/history Old A",
    "/history Ghost",
    "/history " + aa.LONG_KNOWN,
    "/history " + aa.LONG_UNKNOWN,
    "/b50 2025-06-03",
    "/plate 舞将",
    "/today 2025-06-01",
    "/chart " + aa.LONG_KNOWN[:12],
    "/chart [協]Buddy",
    "/charts 13",
]


@pytest.mark.render
@pytest.mark.parametrize("spec", ARCHIVES, ids=["full", "unknown"])
async def test_image_commands_render_for_real(db, error_log, monkeypatch, spec) -> None:
    from plugins.maimai_archive.chat.registry import app

    monkeypatch.setattr(app(), "catalogue", aa.catalogue())
    await _ask_every_image(spec, error_log)  # drawn by the app's render processes


async def _ask_every_image(spec: aa.ArchiveSpec, error_log) -> None:
    from plugins.maimai_archive.chat.registry import COMMANDS

    probe = Probe(members=[int(OWNER), int(OTHER)])
    probe.make_bot()
    await aa.build(spec, OWNER)
    texts = [f"/{doc.name}" for doc in COMMANDS if doc.name not in ("forget", "privacy")] + EXTRA
    for text in texts:
        await converse(probe, error_log, private_message(text, int(OWNER)), text)
    await converse(probe, error_log, group_message("/rank", int(OWNER)), "group /rank")
    assert sum(seg.type == "image" for m in probe.sent for seg in m) >= 15
