"""Picking a song from what a player typed, the same way for every command (/chart, /line,
/history): one clear match goes straight on; several are offered as a numbered list and the
reply picks one; nothing close names the nearest titles.

While the list waits, only the asker's answers reach it (NoneBot's session permission, updated
here): a number, 「取消」, or a command — a command ends the list quietly and runs as itself.
Anything else they say is chat and passes by to the other matchers: in a group the asker
talks to others between, and a bot that answers their chat, or eats a /guess answer, is
worse than a list that lapses unanswered after NoneBot's SESSION_EXPIRE_TIMEOUT."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated

from nonebot.adapters import Bot
from nonebot.adapters.onebot.v11 import Event
from nonebot.matcher import Matcher
from nonebot.params import ArgPlainText
from nonebot.permission import Permission, User
from nonebot.typing import T_State

from ..core import (
    Decision,
    Group,
    Verdict,
    decide,
)
from .registry import app, command_like

EMPTY_CATALOGUE = "曲库还没有加载好，请稍后再试。"
CANCEL_WORDS = ("取消", "算了")
APART_MAX = 24  # characters of an artist or version shown to tell songs apart

OnSong = Callable[[Event, Matcher, T_State, Group], Awaitable[None]]


def group_line(number: int, group: Group, apart: str = "") -> str:
    ids = "/".join(f"id{s.id}" for s in group.songs)
    return f"{number}. {group.title}{f' · {apart}' if apart else ''}（{ids}）"


def _telling_apart(group: Group, groups: Sequence[Group]) -> str:
    """What tells ``group`` from the listed songs of its title: the artist, else SD/DX, else
    the version ("" when no other listed song has its title)."""
    namesakes = [g for g in groups if g.title == group.title]
    if len(namesakes) < 2:
        return ""
    for facet in (
        lambda g: g.songs[0].artist,
        lambda g: "/".join(s.type.value for s in g.songs),
        lambda g: g.songs[0].version,
    ):
        if len({facet(g) for g in namesakes}) > 1:
            text = facet(group)
            return text if len(text) <= APART_MAX else text[: APART_MAX - 1] + "…"
    return ""


def choice_text(groups: Sequence[Group]) -> str:
    lines = ["找到多首，请回复序号："]
    lines += [group_line(i, g, _telling_apart(g, groups)) for i, g in enumerate(groups, 1)]
    return "\n".join(lines)


def not_found_text(query: str, decision: Decision) -> str:
    text = f"没有找到「{query}」。"
    if decision.groups:
        text += "你是不是想找：" + "、".join(g.title for g in decision.groups[:3])
    return text


async def pick_song(
    event: Event,
    matcher: Matcher,
    state: T_State,
    on_song: OnSong,
    search: str,
    shown: str | None = None,
) -> None:
    """Search for a song and go on with ``on_song``, or ask which one (the reply arrives at
    the command's ``pick_reply`` handler). ``shown`` is how the query is quoted back when
    the searched text differs (e.g. "834" searched as "id834")."""
    catalogue = app().catalogue
    if not len(catalogue):
        await matcher.finish(EMPTY_CATALOGUE)
    decision = decide(catalogue.search(search))
    if decision.verdict is Verdict.NONE:
        await matcher.finish(not_found_text(shown if shown is not None else search, decision))
    await offer(event, matcher, state, on_song, decision.groups)


async def offer(
    event: Event, matcher: Matcher, state: T_State, on_song: OnSong, groups: Sequence[Group]
) -> None:
    """One song goes on with ``on_song`` (and finishes); several are listed for the reply."""
    if len(groups) == 1:
        await on_song(event, matcher, state, groups[0])
        await matcher.finish()
    state["choices"] = tuple(groups)
    await matcher.send(choice_text(groups))


async def _is_answer(bot: Bot, event: Event) -> bool:  # async: NoneBot runs a sync one in a thread
    text = event.get_plaintext().strip()
    return text.isdecimal() or text in CANCEL_WORDS or command_like(bot, event)


async def _answers_only(event: Event) -> Permission:
    # The asker's session (NoneBot's default) and only what answers the list. The command's
    # own permission was checked when the asker sent it.
    return Permission(User.from_event(event, perm=Permission(_is_answer)))


def pick_reply(matcher_type: type[Matcher], on_song: OnSong) -> None:
    """Register the handler that reads the numbered pick; call it after the command's own
    handler (NoneBot runs a matcher's handlers in the order they were added)."""
    matcher_type.permission_updater(_answers_only)

    @matcher_type.got("pick")
    async def _picked(
        bot: Bot,
        event: Event,
        matcher: Matcher,
        state: T_State,
        pick: Annotated[str, ArgPlainText()],
    ) -> None:
        if command_like(bot, event):
            matcher.block = False  # the list ends; the same message goes on to its command
            await matcher.finish()
        choices: tuple[Group, ...] = state["choices"]
        pick = pick.strip()
        if pick in CANCEL_WORDS:
            await matcher.finish("已取消。")
        if not pick.isdecimal() or not 1 <= int(pick) <= len(choices):
            await matcher.reject(f"请回复 1–{len(choices)} 的序号，或发送「取消」。")
        await on_song(event, matcher, state, choices[int(pick) - 1])
