"""What every archive-image command asks first, said once: whose archive (the asker's, or a
public member's named by @), its argument (a number, a date), and the one way a view becomes
the reply (rendered, or a short text when there is nothing to show)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

from nonebot.adapters.onebot.v11 import Event, Message
from nonebot.matcher import Matcher
from nonebot.params import CommandArg

from ..core import SITE_TZ, player_by_qq
from .registry import NOT_BOUND, app, image, qq_of, render_pages, render_png

if TYPE_CHECKING:
    from ..core import QueryContext
    from ..core.db.models import Player

Arg = Annotated[Message, CommandArg()]
NOTHING_YET = "还没有存档的游玩：先 /sync 同步一次吧。"
NOT_SHOWN = "看不到对方的存档：对方没有公开存档（对方可以发送 /privacy public 公开）。"


@dataclass(frozen=True)
class Request:
    player: Player
    text: str  # the argument text without @mentions


def _mentioned(arg: Message) -> list[str]:
    return [str(s.data.get("qq")) for s in arg if s.type == "at" and s.data.get("qq") != "all"]


async def only_own(event: Event, matcher: Matcher, arg: Message, command: str) -> None:
    """A command that acts on the asker's own account (/sync, /unbind, /privacy…) with
    someone else @-ed: say so instead of quietly acting on the asker."""
    if any(qq != qq_of(event) for qq in _mentioned(arg)):
        await matcher.finish(f"{command} 只能用于你自己的账号，不能替别人操作。")


async def own_player(event: Event, matcher: Matcher, arg: Message, command: str) -> Player:
    """The asker's own archive for a command that changes it; finishes when someone else is
    @-ed or the asker has none."""
    await only_own(event, matcher, arg, command)
    player = await player_by_qq(qq_of(event))
    if player is None:
        await matcher.finish(NOT_BOUND)
    return player


async def shown_qq(event: Event, matcher: Matcher, arg: Message) -> str:
    """Whose scores a view that anyone may ask for shows: a public member's named by @
    (finishes when they are not public), else the asker's."""
    others = [qq for qq in _mentioned(arg) if qq != qq_of(event)]
    if not others:
        return qq_of(event)
    player = await player_by_qq(others[0])
    if player is None or not player.public:
        await matcher.finish(NOT_SHOWN)
    return others[0]


async def target(event: Event, matcher: Matcher, arg: Message) -> Request:
    """Whose archive: the asker's, or a public member's named by @. Finishes on refusal."""
    mentioned = _mentioned(arg)
    text = arg.extract_plain_text().strip()
    asker = qq_of(event)
    if mentioned and mentioned[0] != asker:
        player = await player_by_qq(mentioned[0])
        if player is None or not player.public:  # one answer for both: no archive, or private
            await matcher.finish(NOT_SHOWN)
        return Request(player, text)
    player = await player_by_qq(asker)
    if player is None:
        await matcher.finish(NOT_BOUND)
    return Request(player, text)


def parse_int(text: str, default: int) -> int | None:
    """The first argument as a positive int; ``default`` when empty; None when not a number."""
    word = text.split()[0] if text.split() else ""
    if not word:
        return default
    return int(word) if word.isdigit() and int(word) > 0 else None


_DATE = re.compile(r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?")


def parse_date(text: str, today: date | None = None) -> date | None:
    """ "2025-10-01", "2025/10/01", "10-01" (this year) → date; None when not a date."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    today = today or datetime.now(SITE_TZ).date()
    year = int(match.group(1)) if match.group(1) else today.year
    try:
        return date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


async def number_argument(matcher: Matcher, text: str, default: int, usage: str) -> int:
    """The argument as a positive number (``default`` when none); else finishes with ``usage``."""
    number = parse_int(text, default)
    if number is None:
        await matcher.finish(usage)
    return number


async def date_argument(matcher: Matcher, text: str, usage: str) -> date | None:
    """No argument: None (now); a date: that day; anything else finishes with ``usage``."""
    if not text:
        return None
    day = parse_date(text)
    if day is None:
        await matcher.finish(usage)
    return day


async def send_pages(matcher: Matcher, pngs: list[bytes]) -> NoReturn:
    await matcher.finish(Message([image(png) for png in pngs]))


async def show(
    matcher: Matcher, view: Any, renderer: Callable[..., Any], empty: str, *, pages: bool = False
) -> NoReturn:
    """Finish with the rendered view, or with ``empty`` when there is nothing to show."""
    if view is None:
        await matcher.finish(empty)
    if pages:
        await send_pages(matcher, await render_pages(renderer, view))
    await send_pages(matcher, [await render_png(renderer, view)])


async def reply_view(
    matcher: Matcher,
    build: Callable[[QueryContext], Awaitable[Any]],
    renderer: Callable[..., Any],
    empty: str,
    *,
    pages: bool = False,
) -> NoReturn:
    """The view ``build`` reads (the jackets it shows fetched first), drawn as the reply."""
    view = await app().view_with_covers(build)
    await show(matcher, view, renderer, empty, pages=pages)
