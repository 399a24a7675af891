"""/guess (猜歌): one game per group. A jacket crop first, then more of it, then level and
artist, a clue every ``clue_every`` seconds; the first right answer (title, id or alias, the
search /chart uses) wins; after ``length`` seconds the song is revealed.

``GuessRooms`` owns the running games and their timer tasks (the app holds one); it knows
nothing of chat: the chat layer hands it what to do at each clue and at the end.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..game import ChartType
from ..songs.catalogue import Catalogue
from ..songs.data import Song
from ..songs.search import How, Verdict, decide
from ..views.game_views import GuessClueView

log = logging.getLogger(__name__)

CLUE_EVERY = 15.0  # seconds between clues
GAME_LENGTH = 60.0  # seconds until the song is revealed
CLUE_SIDES = (0.3, 0.5, 0.5, 0.75)  # the crop's side, as a part of the jacket's, per clue
MAX_ANSWER = 64  # longer chat is not an answer (and is not searched)


@dataclass(eq=False)
class GuessGame:
    room: str  # the group
    song: Song
    jacket: Path
    centre: tuple[float, float]  # where the crops are centred (parts of the jacket)
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def clue(self, stage: int, seconds_left: int) -> GuessClueView:
        """Clue ``stage`` (0 = the first): a crop, wider each time; level and artist from 2."""
        stage = min(stage, len(CLUE_SIDES) - 1)
        side = CLUE_SIDES[stage]
        left = min(max(self.centre[0] - side / 2, 0.0), 1.0 - side)
        top = min(max(self.centre[1] - side / 2, 0.0), 1.0 - side)
        hints: list[str] = []
        if stage >= 2:
            hints += [f"艺术家：{self.song.artist or '—'}", f"等级：{self.levels()}"]
        if stage >= 3:
            hints.append(f"分类：{self.song.genre or '—'} · BPM {self.song.bpm:g}")
        return GuessClueView(self.jacket, (left, top, side), stage + 1, tuple(hints), seconds_left)

    def reveal(self, headline: str) -> GuessClueView:
        """The whole jacket and the song."""
        hints = [f"艺术家：{self.song.artist or '—'}", f"等级：{self.levels()}"]
        return GuessClueView(
            self.jacket, (0.0, 0.0, 1.0), 0, tuple(hints), None, self.song.title, headline
        )

    def levels(self) -> str:
        """ "MASTER 13+ · Re:MASTER 14": the top charts' levels."""
        top = sorted(self.song.charts, key=lambda c: c.difficulty.index)[-2:]
        shown = [c for c in top if c.difficulty.index >= 3] or top[-1:]
        return " · ".join(f"{c.difficulty.label} {c.level}" for c in shown)


def jacketed_songs(catalogue: Catalogue, covers: Path | None) -> list[tuple[Song, Path]]:
    """One entry per song (SD and DX sets are one answer) that has a cached jacket, by id.
    Utage songs are left out: their titles say what they are."""
    if covers is None or not covers.is_dir():
        return []
    cached = {int(p.stem): p for p in covers.glob("*.png") if p.stem.isdigit()}
    out: dict[int, tuple[Song, Path]] = {}
    for song in sorted(catalogue.songs(), key=lambda s: s.id):
        if song.type is ChartType.UTAGE or song.base_id in out:
            continue
        jacket = cached.get(song.id) or cached.get(song.base_id)
        if jacket is not None:
            out[song.base_id] = (song, jacket)
    return list(out.values())


def is_answer(catalogue: Catalogue, text: str, song: Song) -> bool:
    """Whether chat ``text`` names ``song``: one clear search hit, or an exact title, alias
    or id among several. The search is tens of ms: call it off the event loop."""
    text = text.strip()
    if not text or len(text) > MAX_ANSWER or text.startswith("/"):
        return False
    decision = decide(catalogue.search(text))
    if decision.verdict is Verdict.NONE:
        return False
    groups = decision.groups
    if decision.verdict is Verdict.CHOOSE:
        groups = tuple(g for g in groups if g.how is not How.FUZZY)
    return any(s.base_id == song.base_id for g in groups for s in g.songs)


Step = Callable[[GuessGame, int], Awaitable[None]]
End = Callable[[GuessGame], Awaitable[None]]


class GuessRooms:
    """The running games, one per room; timers are tasks, cancelled on end and on close."""

    def __init__(
        self,
        clue_every: float = CLUE_EVERY,
        length: float = GAME_LENGTH,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clue_every = clue_every
        self.length = length
        self._sleep = sleep
        self._games: dict[str, GuessGame] = {}

    def game(self, room: str) -> GuessGame | None:
        return self._games.get(room)

    def __contains__(self, room: object) -> bool:
        return room in self._games

    def seconds_left(self, stage: int) -> int:
        return max(0, round(self.length - stage * self.clue_every))

    def start(
        self,
        room: str,
        song: Song,
        jacket: Path,
        rng: random.Random,
        on_clue: Step,
        on_time_up: End,
    ) -> GuessGame | None:
        """A new game in ``room`` (None when one runs there). Clue 0 is the caller's to
        show; the timer shows clues 1, 2, … and ends the game after ``length`` seconds."""
        if room in self._games:
            return None
        game = GuessGame(room, song, jacket, (rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)))
        self._games[room] = game
        game.task = asyncio.create_task(self._run(game, on_clue, on_time_up))
        return game

    async def _run(self, game: GuessGame, on_clue: Step, on_time_up: End) -> None:
        waited = 0.0
        stage = 1
        while stage < len(CLUE_SIDES) and waited + self.clue_every < self.length:
            await self._sleep(self.clue_every)
            waited += self.clue_every
            await _safely(on_clue(game, stage), "clue")
            stage += 1
        await self._sleep(self.length - waited)
        if self._games.get(game.room) is game:
            del self._games[game.room]
            await _safely(on_time_up(game), "time up")

    def end(self, room: str) -> GuessGame | None:
        """Stop the game in ``room`` (None when none runs); the caller reveals the song."""
        game = self._games.pop(room, None)
        if game is not None:
            _cancel(game)
        return game

    def claim(self, room: str, game: GuessGame) -> bool:
        """End ``game`` for its winner when it still runs in ``room`` (the caller names them).
        Synchronous: of two right answers only the first claims it, and an answer checked
        while its game ended never claims the next one."""
        if self._games.get(room) is not game:
            return False
        self.end(room)
        return True

    async def close(self) -> None:
        """End every game (shutdown): their timers are cancelled and awaited."""
        games = list(self._games.values())
        self._games.clear()
        for game in games:
            _cancel(game)
        await asyncio.gather(*(g.task for g in games if g.task), return_exceptions=True)


def _cancel(game: GuessGame) -> None:
    if game.task is not None and game.task is not asyncio.current_task():
        game.task.cancel()


async def _safely(step: Awaitable[None], what: str) -> None:
    """A failed send (network, the bot muted) must not stop the game's clock."""
    try:
        await step
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("guess: the %s step failed", what)
