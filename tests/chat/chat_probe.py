"""Talking to the whole bot, not one matcher: each message goes through NoneBot's own
``handle_event`` to every command, and a recording OneBot v11 bot keeps what was sent.
Holds no tests (used by tests/chat/test_any_archive.py)."""

from __future__ import annotations

from typing import Any

from nonebot.adapters import Event as BaseEvent
from nonebot.adapters.onebot.v11 import Bot, Event, Message, MessageSegment


class Probe:
    """A bot that answers every API call a command makes (member lists, file uploads) and
    records every message it is asked to send."""

    def __init__(self, members: list[int]) -> None:
        self.members = members
        self.sent: list[Message] = []
        self.calls: list[str] = []
        self.bot: Bot | None = None

    def __repr__(self) -> str:
        return f"Probe({len(self.sent)} sent)"

    def make_bot(self) -> Bot:
        import nonebot
        from nonebot.adapters.onebot.v11 import Adapter

        probe = self

        class RecordingBot(Bot):
            async def send(self, event: BaseEvent, message: Any, **kwargs: Any) -> Any:
                probe.sent.append(Message(message))
                return {"message_id": len(probe.sent)}

            async def call_api(self, api: str, **data: Any) -> Any:
                probe.calls.append(api)
                if api == "get_group_member_list":
                    return [{"user_id": qq, "role": "member"} for qq in probe.members]
                if api == "get_group_member_info":
                    return {"user_id": data.get("user_id"), "role": "member"}
                return {}

        self.bot = RecordingBot(nonebot.get_adapter(Adapter), "10001")
        return self.bot

    async def ask(self, event: Event) -> list[Message]:
        """Every message the bot sent in answer to ``event``."""
        from nonebot.message import handle_event

        assert self.bot is not None
        start = len(self.sent)
        await handle_event(self.bot, event)
        return self.sent[start:]


def waiting_for_reply() -> bool:
    """A command paused for the player's next message (a numbered pick, a confirmation)."""
    from nonebot.matcher import matchers

    return any(m.temp for group in matchers.values() for m in group)


def at(qq: str | int, text: str = "") -> Message:
    return Message(text) + MessageSegment.at(int(qq))
