"""View objects of ``/raise`` (推分): the steps that would raise the rating most."""

from __future__ import annotations

from dataclasses import dataclass

from .play_views import ChartRef, PlayerHeader


@dataclass(frozen=True, slots=True)
class RaiseRow:
    """Reaching ``target`` on ``chart`` (now ``current``) makes it worth ``new_rating``,
    raising the B50 total by ``gain``."""

    chart: ChartRef
    current: int | None
    target: int
    rating: int | None  # the chart's rating now (None when it is outside the B50 and unrated)
    new_rating: int
    gain: int
    in_b50: bool  # False: the chart would enter the B50, pushing its lowest entry out


@dataclass(frozen=True, slots=True)
class RaiseView:
    player: PlayerHeader
    total: int  # the B50 total now
    old_floor: int  # the rating a chart must beat to enter the 35 older-version slots
    new_floor: int  # … the 15 current-version slots
    rows: tuple[RaiseRow, ...]
