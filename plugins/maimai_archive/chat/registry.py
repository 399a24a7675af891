"""What every chat module shares: command registration (feeds /help), the core app,
the asker's player row, image replies."""

# No ``from __future__ import annotations`` here: NoneBot reads the parameter annotations
# of ``CommandWord.__call__`` at runtime to inject them (a string annotation it cannot
# resolve is logged as a warning at every start and the parameter loses its type).

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nonebot import on_message
from nonebot.adapters import Bot, Message
from nonebot.adapters.onebot.v11 import (
    Event,
    GroupMessageEvent,
    MessageSegment,
    PrivateMessageEvent,
)
from nonebot.consts import CMD_ARG_KEY, CMD_KEY, CMD_WHITESPACE_KEY
from nonebot.log import logger
from nonebot.matcher import Matcher, current_matcher
from nonebot.message import run_postprocessor
from nonebot.params import Command, CommandArg, CommandWhitespace
from nonebot.rule import CommandRule, Rule, TrieRule
from nonebot.rule import command as command_prefixes

from ..core import (
    ArchiveApp,
    RenderFailed,
    player_by_qq,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


# The order NoneBot checks the commands in, one priority each from FIRST_PRIORITY: the ones
# players send most come first. Declared, so the order modules are imported in changes
# nothing; a command missing here fails at import.
ORDER = (
    "sync", "b50", "recent", "play", "diff", "history", "records", "chart", "charts", "raise",
    "line", "today", "plate", "rank", "random", "fortune", "guess", "album", "privacy", "bind",
    "unbind", "forget", "autosync", "export", "link", "unlink", "push", "alias", "web", "help",
)  # fmt: skip
FIRST_PRIORITY = 10


@dataclass
class ChatPlugin:
    """What the chat layer holds while the bot runs: the commands it registered (for /help
    and the plugin metadata) and the core app, handed over by the startup hook."""

    commands: list[CommandDoc] = field(default_factory=list)
    core: ArchiveApp | None = None


PLUGIN = ChatPlugin()
COMMANDS = PLUGIN.commands
# Where each command matcher was made (plugin, module, line): a matcher waiting for a reply
# (a pick, a confirmation) is a new class made from the same place.
_COMMAND_SOURCES: set[tuple[str | None, str | None, int | None]] = set()


def command(
    name: str,
    *aliases: str,
    usage: str,
    brief: str,
    group: str = "其他",
    private_only: bool = False,
    superuser: bool = False,
    rule: Rule | None = None,
    limit: str | None = None,
) -> type[Matcher]:
    """A command matcher (like ``on_command``) that also records the command for /help and
    the plugin metadata. ``limit`` names a per-user rate limit (``"image"``) checked first."""
    # One priority per command: NoneBot checks the matchers of one priority concurrently, a
    # task each, which cost ~30 ms of event loop per message with all ~27 commands on one
    # level; one level each, checked in turn, costs ~9 ms (bench/README.md "## load").
    # Our commands are distinct words; they take priorities 10 to ~40 (README).
    if name not in ORDER:
        raise ValueError(f"command {name!r} has no place in registry.ORDER")
    priority = FIRST_PRIORITY + ORDER.index(name)
    COMMANDS.append(CommandDoc(name, aliases, usage, brief, group, private_only, superuser))
    # One rule checker per matcher (each extra checker is one more task per message).
    # _depth=1: logs name the chat module.
    checks = Rule(command_word(name, *aliases))
    if rule is not None:
        checks = checks & rule
    matcher = on_message(rule=checks, priority=priority, block=True, _depth=1)  # type: ignore[call-arg]
    if limit is not None:
        matcher.append_handler(_guard(limit))  # before the module's own handlers
    _COMMAND_SOURCES.add(_source_of(matcher))
    return matcher


def _source_of(matcher: type[Matcher] | Matcher) -> tuple[str | None, str | None, int | None]:
    source = matcher._source
    return (
        (None, None, None)
        if source is None
        else (source.plugin_id, source.module_name, source.lineno)
    )


SORRY = "出错了，这次没能完成，已记录给管理员。"


@run_postprocessor
async def _apologise(matcher: Matcher, exception: Exception | None, bot: Bot, event: Event) -> None:
    """A command that raised gets a short apology: the player is never left without a reply.
    NoneBot has already logged the one ERROR line with the traceback ("Running Matcher …
    failed"); session control (finish, pause, reject, stop) never reaches here as an error."""
    if exception is None or _source_of(matcher) not in _COMMAND_SOURCES:
        return
    try:
        await bot.send(event, SORRY)
    except Exception as e:  # the bot may be gone; the error itself is logged already
        logger.warning(f"could not send the apology: {type(e).__name__}")


TOO_OFTEN = {
    "image": "图片请求太频繁了，请 {wait} 秒后再试。",
    "bind": "绑定尝试太频繁了，请 {wait} 秒后再试。",
    "push": "上传太频繁了，请 {wait} 秒后再试（同步提升的成绩会自动上传）。",
}


async def within_limit(kind: str, event: Event, matcher: Matcher) -> None:
    """Finish with a short text when the asker went past the ``kind`` limit (the app's)."""
    limit = app().limits[kind]
    if not limit.allow(qq_of(event)):
        await matcher.finish(TOO_OFTEN[kind].format(wait=max(1, round(limit.wait(qq_of(event))))))


def _guard(kind: str) -> Callable[[Event, Matcher], Any]:
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
        return cmd in self.cmds and _word_ends(cmd_arg, cmd_whitespace)


def _word_ends(cmd_arg: Message | None, cmd_whitespace: str | None) -> bool:
    return not cmd_arg or cmd_whitespace is not None or not cmd_arg[0].is_text()


def command_word(*names: str) -> CommandWord:
    command_prefixes(*names)  # registers the prefixes NoneBot matches messages against
    return CommandWord([(n,) for n in names])


def command_like(bot: Bot, event: Event) -> bool:
    """Whether a message is meant as a command rather than as an answer to a question the bot
    asked: it starts with a command start ("／" typed on a Chinese keyboard is "/"), or with
    a command word that ends, as ``CommandWord`` reads it."""
    starts = tuple(s for s in bot.config.command_start if s)
    if starts and unicodedata.normalize("NFKC", event.get_plaintext().lstrip()).startswith(starts):
        return True
    # NoneBot's own command lookup, on a scratch state (the event's is not at hand here)
    found = TrieRule.get_value(bot, event, {})
    return found[CMD_KEY] is not None and _word_ends(found[CMD_ARG_KEY], found[CMD_WHITESPACE_KEY])


def app() -> ArchiveApp:
    """The running core (the plugin's startup hook hands it over with ``use_app``)."""
    if PLUGIN.core is None:
        raise RuntimeError("the archive app is not started")
    return PLUGIN.core


def use_app(core: ArchiveApp | None) -> None:
    PLUGIN.core = core


def qq_of(event: Event) -> str:
    return str(event.get_user_id())


def is_private(event: Event) -> bool:
    return isinstance(event, PrivateMessageEvent)


def is_group(event: Event) -> bool:
    return isinstance(event, GroupMessageEvent)


async def player_of(event: Event) -> "Player | None":
    return await player_by_qq(qq_of(event))


def image(png: bytes) -> MessageSegment:
    return MessageSegment.image(png)


async def render_png(fn: "Callable[..., Figure]", *args: Any, **kw: Any) -> bytes:
    """A figure as PNG, drawn in the app's render process. A render that fails there (the
    process died, the time limit passed) finishes the command with a short apology."""
    try:
        return await app().renderer.png(fn, *args, **kw)
    except RenderFailed as failed:
        await current_matcher.get().finish(failed.user_message)


async def render_pages(fn: "Callable[..., Sequence[Figure]]", *args: Any, **kw: Any) -> list[bytes]:
    """Like ``render_png`` for a renderer that returns one figure per page."""
    pngs = await try_render_pages(fn, *args, **kw)
    if pngs is None:
        await current_matcher.get().finish(RenderFailed.user_message)
    return pngs


async def try_render_pages(
    fn: "Callable[..., Sequence[Figure]]", *args: Any, **kw: Any
) -> list[bytes] | None:
    """The pages, or None when the render failed (for a reply that has text to send anyway)."""
    try:
        return await app().renderer.pages(fn, *args, **kw)
    except RenderFailed:
        return None


NOT_BOUND = "你还没有绑定舞萌DX账号：请私聊我发送 /bind 登录（发送 /help 查看说明）。"
