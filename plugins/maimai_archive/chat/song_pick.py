"""Picking a song from what a player typed, the same way for every command (/chart, /line):
one clear match goes straight on; several are offered as a numbered list and the reply
picks one; nothing close names the nearest titles."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from nonebot.adapters.onebot.v11 import Event
from nonebot.matcher import Matcher
from nonebot.params import ArgPlainText
from nonebot.typing import T_State

from ..core import (
    Decision,
    Group,
    Verdict,
    decide,
)
from .registry import app

EMPTY_CATALOGUE = "曲库还没有加载好，请稍后再试。"

OnSong = Callable[[Event, Matcher, T_State, Group], Awaitable[None]]


def group_line(number: int, group: Group) -> str:
    ids = "/".join(f"id{s.id}" for s in group.songs)
    return f"{number}. {group.title}（{ids}）"


def choice_text(decision: Decision) -> str:
    lines = ["找到多首，请回复序号："]
    lines += [group_line(i, g) for i, g in enumerate(decision.groups, 1)]
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
    if decision.verdict is Verdict.ONE:
        await on_song(event, matcher, state, decision.groups[0])
        await matcher.finish()
    state["choices"] = decision.groups
    await matcher.send(choice_text(decision))


def pick_reply(matcher_type: type[Matcher], on_song: OnSong) -> None:
    """Register the handler that reads the numbered pick; call it after the command's own
    handler (NoneBot runs a matcher's handlers in the order they were added)."""

    @matcher_type.got("pick")
    async def _picked(
        event: Event, matcher: Matcher, state: T_State, pick: Annotated[str, ArgPlainText()]
    ) -> None:
        choices: tuple[Group, ...] = state["choices"]
        pick = pick.strip()
        if not pick.isdigit() or not 1 <= int(pick) <= len(choices):
            await matcher.finish("已取消。")
        await on_song(event, matcher, state, choices[int(pick) - 1])
