"""/random (随个): one chart at random, narrowed by level, chart type and difficulty, and by
what the player's archive says of it: never played, not SSS yet, no FC yet, or a chart where
one better play raises the rating most (the steps /raise shows)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..game import ChartType, Difficulty
from ..queries.best_scores import current_scores
from ..rating import RaiseStep, Score, b50, what_raises
from ..songs.catalogue import Catalogue
from ..songs.data import Chart
from ..views.chart_views import ChartBest
from ..views.game_views import RandomChartView

if TYPE_CHECKING:
    from ..db.models import Player
    from ..queries.plays import QueryContext

SSS = 1_000_000
RAISE_POOL = 5  # 推分 picks among this many of the biggest gains: still a surprise


class ChartFilter(StrEnum):
    UNPLAYED = "未玩"
    NOT_SSS = "未SSS"
    NOT_FC = "未FC"
    RAISE = "推分"


FILTER_WORDS: dict[str, ChartFilter] = {
    "未玩": ChartFilter.UNPLAYED, "没玩": ChartFilter.UNPLAYED, "没打": ChartFilter.UNPLAYED,
    "未sss": ChartFilter.NOT_SSS, "未鸟": ChartFilter.NOT_SSS,
    "未fc": ChartFilter.NOT_FC,
    "推分": ChartFilter.RAISE, "上分": ChartFilter.RAISE,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RandomAsk:
    """What a /random request narrows to (None: any)."""

    level: str | None = None
    type: ChartType | None = None
    difficulty: Difficulty | None = None
    filter: ChartFilter | None = None

    @property
    def label(self) -> str:
        """ "13+ · DX · MASTER · 未SSS" (empty: any chart)."""
        parts = (
            self.level,
            self.type.value if self.type else None,
            self.difficulty.label if self.difficulty else None,
            self.filter.value if self.filter else None,
        )
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Pick:
    chart: Chart
    best: Score | None  # the player's best on it, None when never played (or no archive)
    step: RaiseStep | None = None  # 推分: the play that raises the rating


def candidates(catalogue: Catalogue, ask: RandomAsk) -> list[Chart]:
    """Every non-Utage chart the level, type and difficulty allow."""
    return [
        c
        for c in catalogue.charts()
        if c.type is not ChartType.UTAGE
        and (ask.level is None or c.level == ask.level)
        and (ask.type is None or c.type is ask.type)
        and (ask.difficulty is None or c.difficulty is ask.difficulty)
    ]


def _wanted(best: Score | None, chart_filter: ChartFilter | None) -> bool:
    if chart_filter is None:
        return True
    if chart_filter is ChartFilter.UNPLAYED:
        return best is None
    if chart_filter is ChartFilter.NOT_SSS:
        return best is None or best.achievement < SSS
    return best is None or best.fc is None  # NOT_FC


def pick(
    charts: Iterable[Chart],
    bests: Mapping[str, Score],
    chart_filter: ChartFilter | None,
    rng: random.Random,
) -> Pick | None:
    """One chart of ``charts`` the filter keeps, chosen by ``rng``; None when none is left.
    ``bests`` maps chart keys to the player's bests (empty without an archive)."""
    charts = list(charts)
    if chart_filter is ChartFilter.RAISE:
        allowed = {c.key for c in charts}
        board = b50(bests.values())
        steps = [s for s in what_raises(board, bests.values(), charts) if s.chart.key in allowed]
        if not steps:
            return None
        step = rng.choice(steps[:RAISE_POOL])
        return Pick(step.chart, bests.get(step.chart.key), step)
    pool = [c for c in charts if _wanted(bests.get(c.key), chart_filter)]
    if not pool:
        return None
    chart = rng.choice(pool)
    return Pick(chart, bests.get(chart.key))


def random_view(
    archive: QueryContext, chosen: Pick, ask: RandomAsk, player_name: str | None
) -> RandomChartView:
    """The card of a picked chart, its jacket from the cover cache."""
    chart = chosen.chart
    song = archive.catalogue.song(chart.song_id)
    best = chosen.best
    step = chosen.step
    return RandomChartView(
        chart=archive.chart_ref(chart),
        song_id=chart.song_id,
        artist=song.artist if song else "",
        charter=chart.charter,
        notes=chart.notes.total,
        bpm=song.bpm if song else None,
        asked=ask.label,
        player=player_name,
        best=ChartBest(best.achievement, best.fc, best.fs) if best else None,
        target=step.target if step else None,
        gain=step.gain if step else None,
    )


async def random_chart_view(
    player: Player | None, archive: QueryContext, ask: RandomAsk, rng: random.Random
) -> RandomChartView | None:
    """A random chart as a card; None when nothing fits the request. Built twice when
    jackets arrive (``with_covers``): give each build a Random of the same seed."""
    bests: dict[str, Score] = {}
    if player is not None:
        bests = {key: score for key, (score, _) in (await current_scores(player, archive)).items()}
    charts = candidates(archive.catalogue, ask)
    # 推分 rates every best (~80 ms for 1,500 of them): off the event loop.
    chosen = await asyncio.to_thread(pick, charts, bests, ask.filter, rng)
    if chosen is None:
        return None
    return random_view(archive, chosen, ask, player.name if player else None)
