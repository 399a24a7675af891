"""What every chat module shares: command registration (feeds /help), the core app,
the asker's player row, image replies."""

from __future__ import annotations

from dataclasses import dataclass, field

from nonebot import on_command
from nonebot.adapters.onebot.v11 import (
    Event,
    GroupMessageEvent,
    MessageSegment,
    PrivateMessageEvent,
)
from nonebot.rule import Rule

from ..core.app import ArchiveApp, get_app
from ..core.db.models import Player


@dataclass(frozen=True)
class CommandDoc:
    name: str
    aliases: tuple[str, ...]
    usage: str  # one line: "/sync [full]"
    brief: str  # what it does, in a few words
    group: str = "其他"
    private_only: bool = False
    superuser: bool = False
    extra: tuple[str, ...] = field(default=())


COMMANDS: list[CommandDoc] = []


def command(
    name: str,
    *aliases: str,
    usage: str,
    brief: str,
    group: str = "其他",
    private_only: bool = False,
    superuser: bool = False,
    priority: int = 10,
    rule: Rule | None = None,
):
    """``on_command`` that also records the command for /help and the plugin metadata."""
    # One priority per command: NoneBot checks the matchers of one priority concurrently, a
    # task each, which cost ~30 ms of event loop per message with all ~27 commands on one
    # level; one level each, checked in turn, costs ~9 ms (bench/README.md "## load").
    # Commands are distinct words, so the order changes nothing else.
    priority += len(COMMANDS)
    COMMANDS.append(CommandDoc(name, aliases, usage, brief, group, private_only, superuser))
    # force_whitespace: "同步一下" or "解绑了吗" in a group is chat, not a command (with
    # COMMAND_START "" every message is a candidate). _depth=1: logs name the chat module.
    return on_command(
        name, aliases=set(aliases), priority=priority, block=True, rule=rule,
        force_whitespace=True, _depth=1,
    )


def app() -> ArchiveApp:
    return get_app()


def qq_of(event: Event) -> str:
    return str(event.get_user_id())


def is_private(event: Event) -> bool:
    return isinstance(event, PrivateMessageEvent)


def is_group(event: Event) -> bool:
    return isinstance(event, GroupMessageEvent)


async def player_of(event: Event) -> Player | None:
    return await Player.get_or_none(qq=qq_of(event))


def image(png: bytes) -> MessageSegment:
    return MessageSegment.image(png)


NOT_BOUND = "你还没有绑定舞萌DX账号：请私聊我发送 /bind 加上你的 Cookie（发送 /help 查看说明）。"
