"""/guess (猜歌): a group game over the cached jackets. The game and its timer live in the
core (``app().guesses``); this module starts and ends it, sends the clues and reads answers.

Answers are plain group chat. Their matcher runs only in a group with a game running (its
rule is one dict lookup), before the commands (a title like "Link" is also a command word)
and without blocking them: a wrong answer passes on silently, only a right one stops there.
"""

from __future__ import annotations

import asyncio
import random
from functools import partial

from nonebot import on_message
from nonebot.adapters.onebot.v11 import Bot, Event, GroupMessageEvent, Message, MessageSegment
from nonebot.log import logger
from nonebot.matcher import Matcher
from nonebot.rule import Rule

from ..core import (
    GuessGame,
    group_rank,
    guess_clue_figure,
    is_answer,
    jacketed_songs,
    record_win,
)
from .registry import app, command, image, qq_of, render_png
from .request import Arg
from .song_pick import EMPTY_CATALOGUE

guess_cmd = command(
    "guess",
    "猜歌",
    usage="/guess [end|rank]",
    brief="群里猜歌：看曲绘片段猜曲名，直接发曲名 / id / 别名作答；end 揭晓，rank 本群排行",
    group="一起玩",
    limit="image",
)

GUESS_USAGE = "用法：/guess 开一局猜歌，/guess end 揭晓答案，/guess rank 本群猜歌排行。"
GROUP_ONLY = "猜歌只能在群里玩。"
NO_JACKETS = "还没有缓存的曲绘，暂时开不了猜歌（用 /chart 或 /b50 看过的歌会留下曲绘）。"
END_WORDS = {"end", "stop", "结束", "揭晓", "不猜了"}
RANK_WORDS = {"rank", "排行", "排名"}


async def _post(bot: Bot, group_id: int, message: Message) -> None:
    """A message to the group from outside a handler (the game's timer)."""
    await bot.send_group_msg(group_id=group_id, message=message)


async def _clue(bot: Bot, group_id: int, game: GuessGame, stage: int) -> None:
    view = game.clue(stage, app().guesses.seconds_left(stage))
    await _post(bot, group_id, Message(image(await render_png(guess_clue_figure, view))))


async def _time_up(bot: Bot, group_id: int, game: GuessGame) -> None:
    await _post(bot, group_id, await _reveal(game, "时间到！", "时间到！答案是"))


async def _reveal(game: GuessGame, headline: str, words: str) -> Message:
    png = await render_png(guess_clue_figure, game.reveal(headline))
    return Message([MessageSegment.text(f"{words}「{game.song.title}」"), image(png)])


@guess_cmd.handle()
async def _guess(bot: Bot, event: Event, matcher: Matcher, arg: Arg) -> None:
    if not isinstance(event, GroupMessageEvent):
        await matcher.finish(GROUP_ONLY)
    word = arg.extract_plain_text().strip().lower()
    room = str(event.group_id)
    rooms = app().guesses
    if word in END_WORDS:
        game = rooms.end(room)
        if game is None:
            await matcher.finish("本群没有进行中的猜歌。")
        await matcher.finish(await _reveal(game, "揭晓答案", "答案是"))
    if word in RANK_WORDS:
        await matcher.finish(await _rank_text(room))
    if word:
        await matcher.finish(GUESS_USAGE)
    if room in rooms:
        await matcher.finish("本群正在猜歌，直接发送曲名作答吧（/guess end 揭晓）。")
    core = app()
    if not len(core.catalogue):
        await matcher.finish(EMPTY_CATALOGUE)
    songs = await asyncio.to_thread(jacketed_songs, core.catalogue, core.covers.directory)
    if not songs:
        await matcher.finish(NO_JACKETS)
    rng = random.Random()
    song, jacket = rng.choice(songs)
    game = rooms.start(
        room,
        song,
        jacket,
        rng,
        partial(_clue, bot, event.group_id),
        partial(_time_up, bot, event.group_id),
    )
    if game is None:  # another /guess started one while the jackets were listed
        await matcher.finish()
    view = game.clue(0, rooms.seconds_left(0))
    await matcher.finish(image(await render_png(guess_clue_figure, view)))


async def _rank_text(room: str) -> str:
    rows = await group_rank(room)
    if not rows:
        return "本群还没有人猜中过：发送 /guess 开一局吧。"
    lines = ["本群猜歌排行："]
    lines += [f"{i}. {r.name or r.qq}  {r.wins} 次" for i, r in enumerate(rows, 1)]
    return "\n".join(lines)


# --- answers ----------------------------------------------------------------------------------


def _game_here(event: Event) -> bool:
    """The answer matcher's rule: a group message where a game runs (a dict lookup)."""
    if not isinstance(event, GroupMessageEvent):
        return False
    try:
        return str(event.group_id) in app().guesses
    except RuntimeError:  # the app is not started (yet)
        return False


answer_matcher = on_message(rule=Rule(_game_here), priority=1, block=False)


@answer_matcher.handle()
async def _answer(event: GroupMessageEvent, matcher: Matcher) -> None:
    room = str(event.group_id)
    core = app()
    game = core.guesses.game(room)
    if game is None:
        return
    text = event.get_plaintext()
    right = await asyncio.to_thread(is_answer, core.catalogue, text, game.song)
    if not right or not core.guesses.claim(room, game):
        return  # wrong answers stay silent: a busy group must not drown in "不对"
    matcher.stop_propagation()
    qq = qq_of(event)
    name = event.sender.card or event.sender.nickname or qq
    try:
        wins = await record_win(room, qq, name)
        tally = f"（累计猜中 {wins} 次）"
    except Exception as e:  # the win still counts in the chat
        logger.warning(f"/guess tally not saved: {type(e).__name__}")
        tally = ""
    message = await _reveal(game, f"{name} 猜对了！", f"{name} 猜对了{tally}！答案是")
    await matcher.finish(message)
