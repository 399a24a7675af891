"""Event factories for chat tests: read like the chat."""

from __future__ import annotations

import time
from pathlib import Path

from nonebot.adapters.onebot.v11 import GroupMessageEvent, Message, PrivateMessageEvent
from nonebot.adapters.onebot.v11.event import Sender

USER = 20001
GROUP = 30001
_next_id = iter(range(1, 10**9))


def private_message(text: str | Message, user_id: int = USER) -> PrivateMessageEvent:
    message = Message(text) if isinstance(text, str) else text
    return PrivateMessageEvent(
        time=int(time.time()),
        self_id=10001,
        post_type="message",
        sub_type="friend",
        user_id=user_id,
        message_type="private",
        message_id=next(_next_id),
        message=message,
        original_message=message,
        raw_message=str(message),
        font=0,
        sender=Sender(user_id=user_id, nickname="player"),
        to_me=True,
    )


def group_message(
    text: str | Message, user_id: int = USER, group_id: int = GROUP, role: str = "member"
) -> GroupMessageEvent:
    message = Message(text) if isinstance(text, str) else text
    return GroupMessageEvent(
        time=int(time.time()),
        self_id=10001,
        post_type="message",
        sub_type="normal",
        user_id=user_id,
        group_id=group_id,
        message_type="group",
        message_id=next(_next_id),
        message=message,
        original_message=message,
        raw_message=str(message),
        font=0,
        sender=Sender(user_id=user_id, nickname="player", role=role),
        to_me=False,
    )


def onebot(ctx, self_id: str = "10001"):
    """A fake bot of the OneBot v11 kind (handlers that take ``bot: Bot`` need it)."""
    import nonebot
    from nonebot.adapters.onebot.v11 import Adapter, Bot

    adapter = nonebot.get_adapter(Adapter)
    return ctx.create_bot(base=Bot, adapter=adapter, self_id=self_id)


TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
    b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0\xa0\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def fake_renderers(monkeypatch, module) -> list[tuple]:
    """Replace ``module``'s render_png / render_pages: each call is recorded as (renderer,
    view, …) and answered with a tiny PNG (one, or two pages)."""
    calls: list[tuple] = []

    async def fake_png(fn, *args, **kw):
        calls.append((fn, *args))
        return TINY_PNG

    async def fake_pages(fn, *args, **kw):
        calls.append((fn, *args))
        return [TINY_PNG, TINY_PNG]

    from plugins.maimai_archive.chat import request  # the one view → image reply

    for target in (module, request):
        for name, fake in (("render_png", fake_png), ("render_pages", fake_pages)):
            if hasattr(target, name):
                monkeypatch.setattr(target, name, fake)
    return calls


SMALL_MUSIC_DATA = (
    Path(__file__).resolve().parents[1] / "fixtures" / "synthetic" / "music_data_small.json"
)


def small_catalogue(changes: dict[int, dict[str, str]] | None = None):
    """The small synthetic song data, some songs' title or ``basic_info`` fields changed
    (id → {field: value}, e.g. {383: {"title": "Link"}})."""
    import json

    from plugins.maimai_archive.core.songs.catalogue import Catalogue

    data = json.loads(SMALL_MUSIC_DATA.read_text(encoding="utf-8"))
    data.pop("_comment")
    for song_id, fields in (changes or {}).items():
        song = data[str(song_id)]
        for name, value in fields.items():
            if name == "title":
                song["title"] = value
            song["basic_info"][name] = value
    return Catalogue.from_music_data(data)


def use_small_catalogue(monkeypatch, changes: dict[int, dict[str, str]] | None = None):
    """The running app's catalogue replaced by ``small_catalogue(changes)`` (returned)."""
    from plugins.maimai_archive.chat.registry import app as core_app

    current = small_catalogue(changes)
    monkeypatch.setattr(core_app(), "catalogue", current)
    return current


def record_png(monkeypatch, module, answer: bytes = TINY_PNG) -> list[tuple]:
    """Replace ``module``'s render_png: each call recorded as (renderer, view, …)."""
    calls: list[tuple] = []

    async def fake_png(fn, *args):
        calls.append((fn, *args))
        return answer

    monkeypatch.setattr(module, "render_png", fake_png)
    return calls
