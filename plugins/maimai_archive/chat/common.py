"""What every chat module shares: command registration (feeds /help), the core app,
the asker's player row, image replies."""

from __future__ import annotations

from dataclasses import dataclass, field

from nonebot import on_message
from nonebot.adapters import Message
from nonebot.adapters.onebot.v11 import (
    Event,
    GroupMessageEvent,
    MessageSegment,
    PrivateMessageEvent,
)
from nonebot.matcher import Matcher
from nonebot.params import Command, CommandArg, CommandWhitespace
from nonebot.rule import CommandRule, Rule
from nonebot.rule import command as command_prefixes

from ..core.app import ArchiveApp, get_app
from ..core.db.models import Player
from ..core.guards import RateLimit


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
    limit: str | None = None,
):
    """A command matcher (like ``on_command``) that also records the command for /help and
    the plugin metadata. ``limit`` names a per-user rate limit (``"image"``) checked first."""
    # One priority per command: NoneBot checks the matchers of one priority concurrently, a
    # task each, which cost ~30 ms of event loop per message with all ~27 commands on one
    # level; one level each, checked in turn, costs ~9 ms (bench/README.md "## load").
    # Our commands are distinct words; they take priorities 10 to ~37 (README).
    priority += len(COMMANDS)
    COMMANDS.append(CommandDoc(name, aliases, usage, brief, group, private_only, superuser))
    # One rule checker per matcher (each extra checker is one more task per message).
    # _depth=1: logs name the chat module.
    checks = Rule(command_word(name, *aliases))
    if rule is not None:
        checks = checks & rule
    matcher = on_message(rule=checks, priority=priority, block=True, _depth=1)
    if limit is not None:
        matcher.append_handler(_guard(limit))  # before the module's own handlers
    return matcher


_LIMITS: dict[str, RateLimit] = {}
TOO_OFTEN = {
    "image": "图片请求太频繁了，请 {wait} 秒后再试。",
    "bind": "绑定尝试太频繁了，请 {wait} 秒后再试。",
}


def rate_limit(kind: str) -> RateLimit:
    """The process's limit of a kind, from the settings on first use."""
    if kind not in _LIMITS:
        config = app().config
        _LIMITS[kind] = {
            "image": lambda: RateLimit(config.maimai_image_rate, config.maimai_image_period),
            "bind": lambda: RateLimit(config.maimai_bind_rate, config.maimai_bind_period),
        }[kind]()
    return _LIMITS[kind]


async def within_limit(kind: str, event: Event, matcher: Matcher) -> None:
    """Finish with a short text when the asker went past the ``kind`` limit."""
    limit = rate_limit(kind)
    if not limit.allow(qq_of(event)):
        await matcher.finish(TOO_OFTEN[kind].format(wait=max(1, round(limit.wait(qq_of(event))))))


def _guard(kind: str):
    async def guard(event: Event, matcher: Matcher) -> None:
        await within_limit(kind, event, matcher)

    return guard


class CommandWord(CommandRule):
    """NoneBot's command rule, but the command word must end: "同步一下" or "解绑了吗" in a
    group is chat (with COMMAND_START "" every message is a candidate), "/b50@someone" is a
    command. Followed by nothing, by whitespace, or by a non-text segment (an @)."""

    async def __call__(
        self,
        cmd: tuple[str, ...] | None = Command(),
        cmd_arg: Message | None = CommandArg(),  # noqa: B008
        cmd_whitespace: str | None = CommandWhitespace(),
    ) -> bool:
        if cmd not in self.cmds:
            return False
        return not cmd_arg or cmd_whitespace is not None or not cmd_arg[0].is_text()


def command_word(*names: str) -> CommandWord:
    command_prefixes(*names)  # registers the prefixes NoneBot matches messages against
    return CommandWord([(n,) for n in names])


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
