"""DX rating: per chart, the B50, the score line (分数线) and what would raise the rating.

All arithmetic is on ints: constants in tenths (13.7 → 137), achievements in 1/10000 percent
(100.5% → 1005000), factors in tenths (22.4 → 224). No float ever rounds a boundary.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from .game import FC, FS, ChartType, Rank, rank_for, stars_for
from .songs.data import Chart, Notes

__all__ = [
    "ACHIEVEMENT_CAP",
    "B50",
    "FACTORS",
    "NEW_SLOTS",
    "OLD_SLOTS",
    "RAISE_STEPS",
    "B50Entry",
    "RaiseStep",
    "Score",
    "ScoreLine",
    "b50",
    "chart_rating",
    "dx_stars",
    "factor_for",
    "rank_for",
    "rating",
    "score_line",
    "what_raises",
]

ACHIEVEMENT_CAP = 1_005_000  # 100.5%: more earns no more rating
OLD_SLOTS = 35
NEW_SLOTS = 15

# (lower bound in 1/10000 %, factor in tenths), DOMAIN.md §5 — the x.x999 rows included.
FACTORS: tuple[tuple[int, int], ...] = (
    (1_005_000, 224),
    (1_004_999, 222),
    (1_000_000, 216),
    (999_999, 214),
    (995_000, 211),
    (990_000, 208),
    (989_999, 206),
    (980_000, 203),
    (970_000, 200),
    (969_999, 176),
    (940_000, 168),
    (900_000, 152),
    (800_000, 136),
    (799_999, 128),
    (750_000, 120),
    (700_000, 112),
    (600_000, 96),
    (500_000, 80),
    (400_000, 64),
    (300_000, 48),
    (200_000, 32),
    (100_000, 16),
    (0, 0),
)

# Achievements worth aiming at when asking "what raises my rating" (rank lower bounds).
RAISE_STEPS: tuple[int, ...] = (970_000, 980_000, 990_000, 995_000, 1_000_000, 1_005_000)


def factor_for(achievement: int) -> int:
    """The factor (tenths) an achievement earns."""
    for bound, factor in FACTORS:
        if achievement >= bound:
            return factor
    return 0


def rating(constant: int, achievement: int) -> int:
    """floor(constant × min(achievement, 100.5)/100 × factor), exactly."""
    capped = max(0, min(achievement, ACHIEVEMENT_CAP))
    # constant/10 × capped/10^6 × factor/10 = constant·capped·factor / 10^8
    return constant * capped * factor_for(capped) // 100_000_000


def chart_rating(chart: Chart, achievement: int) -> int:
    """A chart's rating for an achievement; Utage charts give none."""
    if chart.type is ChartType.UTAGE:
        return 0
    return rating(chart.constant, achievement)


def dx_stars(dx_score: int, dx_score_max: int) -> int:
    return stars_for(dx_score, dx_score_max)


@dataclass(frozen=True, slots=True)
class Score:
    """A player's best on one chart, as the rating engine needs it."""

    chart: Chart
    achievement: int
    fc: FC | None = None
    fs: FS | None = None
    dx_score: int | None = None


@dataclass(frozen=True, slots=True)
class B50Entry:
    score: Score
    rating: int

    @property
    def chart(self) -> Chart:
        return self.score.chart

    @property
    def achievement(self) -> int:
        return self.score.achievement

    @property
    def rank(self) -> Rank:
        return rank_for(self.score.achievement)


class Rated(Protocol):
    @property
    def rating(self) -> int: ...


class B50Totals:
    """The DX rating of a B50 (the 35 older-version and 15 current-version entries held as
    ``old`` and ``new``): one sum for the engine's B50 and the image's view alike."""

    __slots__ = ()
    old: tuple[Rated, ...]
    new: tuple[Rated, ...]

    @property
    def old_total(self) -> int:
        return sum(e.rating for e in self.old)

    @property
    def new_total(self) -> int:
        return sum(e.rating for e in self.new)

    @property
    def total(self) -> int:
        return self.old_total + self.new_total


@dataclass(frozen=True, slots=True)
class B50(B50Totals):
    old: tuple[B50Entry, ...]  # best 35 of older versions
    new: tuple[B50Entry, ...]  # best 15 of the current version

    def floor(self, is_new: bool) -> int:
        """The rating a chart must beat to enter its section (0 while the section has room)."""
        section, slots = (self.new, NEW_SLOTS) if is_new else (self.old, OLD_SLOTS)
        return section[-1].rating if len(section) >= slots else 0


def b50(scores: Iterable[Score]) -> B50:
    """Best 35 older-version + best 15 current-version charts; Utage never counts, and a
    chart given twice counts once (its higher achievement)."""
    best: dict[str, Score] = {}
    for score in scores:
        chart = score.chart
        if chart.type is ChartType.UTAGE:
            continue
        key = chart.key
        held = best.get(key)
        if held is None or score.achievement > held.achievement:
            best[key] = score
    # Only the winners become entries: an archive holds ~1,500 bests, the board 50.
    rated = [
        (-rating(s.chart.constant, s.achievement), -s.achievement, -s.chart.constant, key, s)
        for key, s in best.items()
    ]
    old = heapq.nsmallest(OLD_SLOTS, (r for r in rated if not r[4].chart.is_new), key=_rank_key)
    new = heapq.nsmallest(NEW_SLOTS, (r for r in rated if r[4].chart.is_new), key=_rank_key)
    return B50(tuple(B50Entry(r[4], -r[0]) for r in old), tuple(B50Entry(r[4], -r[0]) for r in new))


def _rank_key(rated: tuple[Any, ...]) -> tuple[Any, ...]:
    # Higher rating first; ties: higher achievement, then higher constant, then a stable key.
    return rated[:4]


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """How much a chart forgives at a target achievement (分数线).

    Costs are exact fractions of 1/10000 percent; counts say how many of that one mistake
    alone still reach the target.
    """

    target: int
    allowed: int  # 1/10000 % to lose from the 101% maximum
    tap_great_cost: Fraction
    break_perfect_2550_cost: Fraction  # a BREAK "PERFECT" at 2550 (the 50-point drop)
    break_perfect_2500_cost: Fraction  # a BREAK "PERFECT" at 2500 (the 100-point drop)
    break_great_cost: Fraction  # a BREAK GREAT at 2000 (the best GREAT)
    tap_greats: int
    break_2550s: int
    break_2500s: int
    break_greats: int


MAX_ACHIEVEMENT = 1_010_000


def score_line(notes: Notes, target: int) -> ScoreLine | None:
    """The tolerance for ``target`` on a chart with these notes; None if it is unreachable."""
    allowed = MAX_ACHIEVEMENT - target
    if allowed < 0 or notes.total_base == 0:
        return None
    base = notes.total_base
    # Losing P base points costs 100·P/base percent = 10^6·P/base in 1/10000 %.
    tap_great = Fraction(100 * 1_000_000, base)
    # The break bonus (1% shared by the breaks): 2550 keeps 0.75, 2500 keeps 0.5, GREAT 0.4.
    bonus_unit = Fraction(10_000, notes.break_) if notes.break_ else Fraction(0)
    b2550 = bonus_unit * Fraction(1, 4)
    b2500 = bonus_unit * Fraction(1, 2)
    b_great = Fraction(500 * 1_000_000, base) + bonus_unit * Fraction(6, 10)

    def count(cost: Fraction, limit: int) -> int:
        return limit if cost == 0 else min(limit, int(allowed // cost))

    return ScoreLine(
        target=target,
        allowed=allowed,
        tap_great_cost=tap_great,
        break_perfect_2550_cost=b2550,
        break_perfect_2500_cost=b2500,
        break_great_cost=b_great,
        tap_greats=count(tap_great, notes.tap + notes.touch),
        break_2550s=count(b2550, notes.break_),
        break_2500s=count(b2500, notes.break_),
        break_greats=count(b_great, notes.break_),
    )


@dataclass(frozen=True, slots=True)
class RaiseStep:
    """Reaching ``target`` on ``chart`` would raise the B50 total by ``gain``."""

    chart: Chart
    current: int | None  # the player's achievement, None if never played
    target: int
    new_rating: int
    gain: int


def what_raises(
    board: B50, scores: Iterable[Score], candidates: Iterable[Chart] = ()
) -> list[RaiseStep]:
    """For every played chart (and every candidate chart not played), the lowest rank step
    above the current achievement that would raise the B50 total, biggest gain first."""
    current: dict[str, Score] = {}
    for score in scores:
        held = current.get(score.chart.key)
        if held is None or score.achievement > held.achievement:
            current[score.chart.key] = score
    charts = {s.chart.key: s.chart for s in current.values()}
    for chart in candidates:
        charts.setdefault(chart.key, chart)
    in_board = {e.chart.key: e.rating for e in (*board.old, *board.new)}
    steps = []
    for key, chart in charts.items():
        if chart.type is ChartType.UTAGE:
            continue
        held = current.get(key)
        achievement = held.achievement if held else None
        for target in RAISE_STEPS:
            if achievement is not None and target <= achievement:
                continue
            new_rating = chart_rating(chart, target)
            baseline = in_board[key] if key in in_board else board.floor(chart.is_new)
            if new_rating > baseline:
                steps.append(
                    RaiseStep(chart, achievement, target, new_rating, new_rating - baseline)
                )
                break
    steps.sort(key=lambda s: (-s.gain, s.target - (s.current or 0), s.chart.key))
    return steps
