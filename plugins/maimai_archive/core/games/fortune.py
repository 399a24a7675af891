"""/fortune (今日舞萌): a player's fortune for the day — luck, 宜 / 忌, a chart to play.

Seeded by QQ and the date in Asia/Shanghai, so it is the same all day and different the
next. The chart comes from the player's own bests close to their next rank or lamp when
there is an archive, else from unplayed charts of their B50's difficulty, else from the
catalogue. It is chosen by the highest seeded hash among the candidates, so a sync during the day
keeps it unless that chart stops being a candidate (the goal was reached).
"""

from __future__ import annotations

import hashlib
import random
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..game import FC, ChartType, Difficulty, format_achievement, rank_for
from ..queries.best_scores import current_scores
from ..queries.plays import SITE_TZ  # UTC+8: Asia/Shanghai has kept it since 1991
from ..rating import RAISE_STEPS, Score, b50
from ..songs.catalogue import Catalogue
from ..songs.data import Chart
from ..views.game_views import FortuneView

if TYPE_CHECKING:
    from ..db.models import Player
    from ..queries.plays import QueryContext

NEAR = 5_000  # within 0.5% of the next rank counts as close
LUCK: tuple[tuple[str, int], ...] = (
    ("大吉", 2), ("中吉", 3), ("小吉", 4), ("吉", 4), ("末吉", 2), ("凶", 1),
)  # fmt: skip
# (what, why it suits today, why it does not)
ACTIVITIES: tuple[tuple[str, str, str], ...] = (
    ("推分", "手感在线，新纪录就在眼前", "越推越歪，不如先放一放"),
    ("越级", "高一级的谱面今天格外友好", "量力而行，别把手腕打伤"),
    ("练底力", "基本功练一分涨一分", "练着练着就想摸鱼"),
    ("打宴谱", "宴会场今天特别热闹", "宴谱会把你绕晕"),
    ("拼机", "遇到的搭档都很靠谱", "容易被搭档带偏节奏"),
    ("冲 AP", "每个音符都听你的话", "一个 GREAT 就前功尽弃"),
    ("收 FC", "连击今天不会断", "总在最后一段断连"),
    ("打新曲", "新曲和你很合拍", "新曲暗藏杀机"),
    ("看谱面确认", "提前看谱少走弯路", "看多了反而眼花"),
    ("早出勤", "机厅人少不用排队", "机厅还没开门"),
    ("换手套", "新手套手感正好", "新手套还没磨合"),
    ("听歌", "单曲循环会带来灵感", "耳虫整天挥之不去"),
)
PICKS = 2  # 宜 and 忌 lines each


@dataclass(frozen=True, slots=True)
class Fortune:
    day: date
    luck: str
    good: tuple[tuple[str, str], ...]  # 宜: (what, why)
    bad: tuple[tuple[str, str], ...]  # 忌
    chart: Chart | None  # None only when the catalogue is empty
    reason: str  # why this chart
    best: Score | None


def today(now: datetime) -> date:
    """The player's day: the date in Asia/Shanghai."""
    return now.astimezone(SITE_TZ).date()


def seed_of(qq: str, day: date) -> int:
    """A seed stable across processes (``hash()`` of a str changes with every start)."""
    digest = hashlib.sha256(f"maimai-fortune|{qq}|{day.isoformat()}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _hash_pick(seed: int, charts: list[Chart]) -> Chart | None:
    """The chart with the highest seeded hash: the choice moves only when that chart leaves."""
    if not charts:
        return None
    return max(charts, key=lambda c: hashlib.sha256(f"{seed}|{c.key}".encode()).digest())


def near_goal(score: Score) -> str | None:
    """Why a best is close to something: the next rank within 0.5%, or a lamp in reach."""
    achievement = score.achievement
    for bound in RAISE_STEPS:
        if achievement < bound:
            if bound - achievement <= NEAR:
                gap = format_achievement(bound - achievement)
                return f"差 {gap} 到 {rank_for(bound).label}"
            break
    if score.fc is None and achievement >= 995_000:
        return "离 FC 只差一口气"
    if score.fc in (FC.FC, FC.FCP) and achievement >= 1_005_000:
        return "SSS+ 已到手，试试 AP"
    return None


def _recommend(
    seed: int, bests: Mapping[str, Score], catalogue: Catalogue
) -> tuple[Chart | None, str]:
    close = {
        key: why
        for key, score in bests.items()
        if score.chart.type is not ChartType.UTAGE and (why := near_goal(score)) is not None
    }
    chart = _hash_pick(seed, [bests[k].chart for k in close])
    if chart is not None:
        return chart, close[chart.key]
    playable = [c for c in catalogue.charts() if c.type is not ChartType.UTAGE]
    if bests:
        board = b50(bests.values())
        constants = [e.chart.constant for e in (*board.old, *board.new)]
        if constants:
            middle = statistics.median_low(constants)
            fresh = [c for c in playable if c.key not in bests and abs(c.constant - middle) <= 2]
            chart = _hash_pick(seed, fresh)
            if chart is not None:
                return chart, "还没打过，难度和你的 B50 相当"
    upper = (Difficulty.EXPERT, Difficulty.MASTER, Difficulty.REMASTER)
    chart = _hash_pick(seed, [c for c in playable if c.difficulty in upper])
    return chart, "今天的幸运谱面"


def tell_fortune(qq: str, day: date, bests: Mapping[str, Score], catalogue: Catalogue) -> Fortune:
    """The fortune of ``qq`` on ``day``: every choice from the seed of both."""
    seed = seed_of(qq, day)
    rng = random.Random(seed)
    luck = rng.choices([w for w, _ in LUCK], weights=[n for _, n in LUCK])[0]
    chosen = rng.sample(range(len(ACTIVITIES)), 2 * PICKS)
    good = tuple((ACTIVITIES[i][0], ACTIVITIES[i][1]) for i in chosen[:PICKS])
    bad = tuple((ACTIVITIES[i][0], ACTIVITIES[i][2]) for i in chosen[PICKS:])
    chart, reason = _recommend(seed, bests, catalogue)
    return Fortune(day, luck, good, bad, chart, reason, bests.get(chart.key) if chart else None)


def fortune_view(fortune: Fortune, archive: QueryContext, name: str | None) -> FortuneView:
    chart = fortune.chart
    ref = archive.chart_ref(chart) if chart is not None else None
    best = fortune.best
    return FortuneView(
        day=fortune.day,
        name=name,
        luck=fortune.luck,
        good=fortune.good,
        bad=fortune.bad,
        chart=ref,
        reason=fortune.reason,
        best=best.achievement if best else None,
    )


async def player_fortune(
    player: Player | None, qq: str, archive: QueryContext, now: datetime
) -> FortuneView:
    """Today's fortune of ``qq`` (with their archive when ``player`` is given)."""
    bests: dict[str, Score] = {}
    if player is not None:
        bests = {key: score for key, (score, _) in (await current_scores(player, archive)).items()}
    fortune = tell_fortune(qq, today(now), bests, archive.catalogue)
    return fortune_view(fortune, archive, player.name if player else None)
