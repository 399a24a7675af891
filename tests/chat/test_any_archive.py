"""Every command answers on any archive (issue 18): hypothesis draws archives (tests/chat/
any_archive.py) and every command of the registry (/help's list: a new command is in at
once) is sent with typical arguments, in private, in a group, and about an @member whose
archive is public or private. Each message must get a reply that is not the apology, and
nothing may log an ERROR. Only the final matplotlib drawing is replaced (every query runs);
test_real_renders below draws a few archives for real."""

from __future__ import annotations

import os
from dataclasses import replace
from types import ModuleType

import pytest
from hypothesis import HealthCheck, example, given, settings

from tests.chat import any_archive as aa
from tests.chat.chat_probe import Probe, at, waiting_for_reply

from .helpers import TINY_PNG, group_message, private_message

OWNER, OTHER = "20001", "20002"

# Typical arguments per command (the bare command is always sent as well); a command that is
# not named here is still sent bare and with "1".
TYPICAL: dict[str, list[str]] = {
    "sync": ["full"],
    "bind": [],  # a cookie would be checked on the site: none here
    "unbind": [],
    "forget": [],
    "autosync": ["on", "off"],
    "export": ["csv", "xml"],
    "recent": ["50", "abc"],
    "play": ["1", "3000"],
    "diff": ["sync", "2025-06-02", "明天"],
    "history": ["Old A", "Ghost", aa.LONG_UNKNOWN[:24], aa.LONG_KNOWN, "没有这首"],
    "b50": ["2025-06-03", "2030-01-01"],
    "records": ["2", "999"],
    "album": ["1", "9"],
    "privacy": [],  # public / private change the archive: sent last (test body)
    "today": ["2025-06-01", "2025-06-09"],
    "plate": ["舞将", "真极 2025-06-02", "霸者", "没有"],
    "rank": [],
    "chart": ["Old A", "Ghost", aa.LONG_KNOWN[:12], "id17", "New"],
    "charts": ["13", "12+ dx master", "20"],
    "alias": ["add 老A Old A", "pending", "approve 1"],
    "line": ["Old A", "[宴]U", "Buddy", "Ghost", "17 紫 100.5"],
    "raise": [],
    "link": ["水鱼"],
    "unlink": ["水鱼"],
    "push": ["落雪"],
    "help": ["b50"],
}
# While the identity fix of issue 18 is open, MAIMAI_ANY_ARCHIVE_SHORT_UNKNOWN=1 leaves out the
# unknown charts with long titles (to see whether anything else breaks); never in CI.
LONG_UNKNOWN = os.environ.get("MAIMAI_ANY_ARCHIVE_SHORT_UNKNOWN") != "1"


def commands() -> list[str]:
    from plugins.maimai_archive.chat.registry import COMMANDS

    return [doc.name for doc in COMMANDS]


def messages(name: str) -> list[str]:
    return ["", *TYPICAL.get(name, ["1"])]


def test_the_typical_arguments_name_registered_commands() -> None:
    assert set(TYPICAL) <= set(commands()), set(TYPICAL) - set(commands())


async def tiny_png(fn, view, *args, **kw) -> bytes:
    return TINY_PNG


async def tiny_pages(fn, view, *args, **kw) -> list[bytes]:
    return [TINY_PNG]


@pytest.fixture
def probe(monkeypatch) -> Probe:
    """The whole bot with the any-archive catalogue; renderers answer with a tiny PNG."""
    from plugins.maimai_archive import chat
    from plugins.maimai_archive.chat.registry import app

    monkeypatch.setattr(app(), "catalogue", aa.catalogue())
    for module in vars(chat).values():  # every chat module that draws
        for name, fake in (("render_png", tiny_png), ("render_pages", tiny_pages)):
            if isinstance(module, ModuleType) and hasattr(module, name):
                monkeypatch.setattr(module, name, fake)
    p = Probe(members=[int(OWNER), int(OTHER)])
    p.make_bot()
    return p


async def converse(probe: Probe, error_log, event, said: str) -> None:
    """One message: it must be answered, never with the apology, and log no ERROR; a
    question back (a numbered pick, a confirmation) is answered with "1"."""
    from plugins.maimai_archive.chat.registry import SORRY

    replies = await probe.ask(event)
    errors = error_log.take()
    assert not errors, f"{said!r} logged an ERROR:\n{errors[0][-4000:]}"
    assert replies, f"{said!r} got no reply"
    assert all(str(r) != SORRY for r in replies), f"{said!r} crashed (apology sent)"
    if waiting_for_reply():
        follow = type(event).model_validate({**event.model_dump(), "message": "1"})
        await converse(probe, error_log, follow, f"{said!r} → 1")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=aa.specs(long_unknown=LONG_UNKNOWN))
@example(spec=aa.ArchiveSpec(1, 0, (aa.KNOWN[0],), "none", 0, 0, 0, 0, False))
@example(spec=aa.ArchiveSpec(2, 40, tuple(aa.KNOWN + aa.UNKNOWN), "some", 3, 2, 4, 3, True))
async def test_every_command_answers_on_any_archive(db, probe, error_log, spec) -> None:
    from plugins.maimai_archive.core.db.database import reset_database

    if not LONG_UNKNOWN:  # the explicit examples too
        kept = tuple(c for c in spec.charts if c not in aa.LONG_UNKNOWN_CHARTS)
        spec = replace(spec, charts=kept or (aa.KNOWN[0],))
    await reset_database()
    await aa.build(spec, OWNER)
    names = commands()
    for name in names:
        for arg in messages(name):
            text = f"/{name} {arg}".strip()
            await converse(probe, error_log, private_message(text, int(OWNER)), text)
        text = f"/{name}"
        await converse(probe, error_log, group_message(text, int(OWNER)), f"group {text}")
        # About the owner, asked by another member: shown only when the archive is public.
        await converse(
            probe, error_log, group_message(at(OWNER, text + " "), int(OTHER)), f"@ {text}"
        )
    for word in ("public", "private"):
        text = f"/privacy {word}"
        await converse(probe, error_log, private_message(text, int(OWNER)), text)
