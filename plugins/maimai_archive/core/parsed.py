"""What the parsers read off the official pages: plain, immutable records.

Layer names: ``Parsed*`` (from a page) → archive rows (``db.models``) → view objects
(renderers). Achievements are integers in 1/10000 percent (98.6484% → 986484), so no
float ever rounds a score. Titles are kept exactly as the page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .game import FC, FS, ChartType, Difficulty, Rank


class PageKind(StrEnum):
    RECORD = "record"
    DETAIL = "detail"
    SCORES = "scores"
    HOME = "home"
    PLAYER = "player"
    FRIEND_CODE = "friend_code"
    PHOTOS = "photos"
    ERROR = "error"
    CHALLENGE = "challenge"


@dataclass(frozen=True, slots=True)
class ParsedPlay:
    """One play on ``record/`` (or the head of its ``playlogDetail``)."""

    idx: str  # "<slot 0-49>,<unix seconds>", as in the page's form
    track: int
    played_at: datetime  # aware, the site's local time (+08:00 on CN)
    title: str
    type: ChartType
    difficulty: Difficulty
    level: str | None
    achievement: int  # 1/10000 percent
    dx_score: int
    dx_score_max: int | None
    dx_stars: int
    rank: Rank
    fc: FC | None
    fs: FS | None
    new_record: bool = False
    new_dx_record: bool = False
    place: int | None = None  # 1–4 in multi-player, else None
    buddy: bool = False  # Utage BUDDY chart
    jacket: str | None = None  # image file name of the jacket, when shown

    @property
    def played_unix(self) -> int:
        """The play's own time to the second: the natural key of a play for an account."""
        return int(self.idx.split(",")[1])

    @property
    def slot(self) -> int:
        return int(self.idx.split(",")[0])


@dataclass(frozen=True, slots=True)
class Judgements:
    """Judgement table; rows TAP HOLD SLIDE TOUCH BREAK × CP P GREAT GOOD MISS.

    ``None`` where the page shows an empty cell (TOUCH on SD charts).
    """

    tap: tuple[int | None, ...]
    hold: tuple[int | None, ...]
    slide: tuple[int | None, ...]
    touch: tuple[int | None, ...]
    break_: tuple[int | None, ...]


@dataclass(frozen=True, slots=True)
class RatingArea:
    """Every number of a detail page's rating area, raw, as the page shows it.

    Independent parsers read this area differently (the first ``.playlog_rating_val_block``
    with its ``(+N)``, or the total beside ``deluxrating.png``), so all of it is kept.
    """

    rows: tuple[tuple[str | None, str], ...] = ()  # (the row's icon, the value's text)
    total: int | None = None  # ``.basic_block.m_t_5 span.f_14`` beside deluxrating.png
    delta: int | None = None  # the ``(+N)``
    frame: str | None = None  # the rating frame image (rating_base_*.png)


@dataclass(frozen=True, slots=True)
class ParsedPlayDetail:
    """One ``record/playlogDetail/`` page."""

    play: ParsedPlay
    judgements: Judgements | None
    fast: int | None
    late: int | None
    max_combo: tuple[int, int] | None  # (reached, possible)
    max_sync: tuple[int, int] | None
    rating: int | None  # DX rating after the play
    rating_delta: int | None
    matching: tuple[str, ...] = ()  # other players in a multi-player session
    characters: tuple[str, ...] = ()  # partner/team characters, as described on the page
    rating_area: RatingArea | None = None


@dataclass(frozen=True, slots=True)
class ParsedScore:
    """One chart on a score list (``musicGenre``/``musicSort``/…); unplayed: achievement None."""

    title: str
    type: ChartType
    difficulty: Difficulty
    level: str | None
    achievement: int | None
    dx_score: int | None
    dx_score_max: int | None
    dx_stars: int
    rank: Rank | None
    fc: FC | None
    fs: FS | None
    genre: str | None = None
    music_idx: str | None = None  # the form idx for record/musicDetail/


@dataclass(frozen=True, slots=True)
class ParsedProfile:
    """The player block of home / playerData / userFriendCode (fields the page lacks are None)."""

    name: str
    rating: int | None = None
    friend_code: str | None = None
    trophy: str | None = None
    stars: int | None = None
    course_rank: str | None = None
    class_rank: str | None = None
    play_count: int | None = None
    icon: str | None = None
    comment: str | None = None
    # per difficulty code → {"clear": n, "sssp": n, "fc": n, ...} as the page tallies them
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ParsedPhoto:
    """One photo in the album (``playerData/photo/``)."""

    url: str
    title: str | None
    difficulty: Difficulty | None
    taken_at: datetime | None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedError:
    code: str | None
    message: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Any page, as ``mai-archive parse`` prints it."""

    kind: PageKind
    player: ParsedProfile | None = None
    items: tuple[object, ...] = ()
    error: ParsedError | None = None
