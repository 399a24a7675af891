"""The game's vocabulary, as stable string codes (the 水鱼 / LXNS conventions).

Everything that is stored or exported uses these codes; display names live with the
renderers and the chat layer.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Difficulty(StrEnum):
    BASIC = "basic"
    ADVANCED = "advanced"
    EXPERT = "expert"
    MASTER = "master"
    REMASTER = "remaster"
    UTAGE = "utage"

    @property
    def index(self) -> int:  # type: ignore[override]  # the song data's word; str.index is never used here
        """0–4 as in song data ``ds[]``/``level[]``; Utage charts are their own songs (0)."""
        return 0 if self is Difficulty.UTAGE else _DIFFICULTY_ORDER.index(self)

    @classmethod
    def from_index(cls, index: int) -> Difficulty:
        return _DIFFICULTY_ORDER[index]

    @property
    def label(self) -> str:
        return _DIFFICULTY_LABELS[self]


_DIFFICULTY_ORDER = [
    Difficulty.BASIC,
    Difficulty.ADVANCED,
    Difficulty.EXPERT,
    Difficulty.MASTER,
    Difficulty.REMASTER,
]
_DIFFICULTY_LABELS = {
    Difficulty.BASIC: "BASIC",
    Difficulty.ADVANCED: "ADVANCED",
    Difficulty.EXPERT: "EXPERT",
    Difficulty.MASTER: "MASTER",
    Difficulty.REMASTER: "Re:MASTER",
    Difficulty.UTAGE: "宴",
}


class ChartType(StrEnum):
    SD = "SD"
    DX = "DX"
    UTAGE = "UTAGE"


class FC(StrEnum):
    """Combo lamp; "no lamp" is ``None`` wherever a lamp is stored."""

    FC = "fc"
    FCP = "fcp"
    AP = "ap"
    APP = "app"


class FS(StrEnum):
    """Sync lamp; "no lamp" is ``None``."""

    SYNC = "sync"
    FS = "fs"
    FSP = "fsp"
    FSD = "fsd"
    FSDP = "fsdp"


# Lamps from none to the best; a stored lamp is one of these codes or None.
FC_ORDER: tuple[FC | None, ...] = (None, FC.FC, FC.FCP, FC.AP, FC.APP)
FS_ORDER: tuple[FS | None, ...] = (None, FS.SYNC, FS.FS, FS.FSP, FS.FSD, FS.FSDP)


def better_lamp(
    a: str | None, b: str | None, order: tuple[FC | None, ...] | tuple[FS | None, ...]
) -> str | None:
    """The better of two stored lamps (an unknown code counts as no lamp; a tie keeps ``a``)."""

    def rank(lamp: str | None) -> int:
        return order.index(lamp) if lamp in order else 0

    return a if rank(a) >= rank(b) else b


class Rank(StrEnum):
    D = "d"
    C = "c"
    B = "b"
    BB = "bb"
    BBB = "bbb"
    A = "a"
    AA = "aa"
    AAA = "aaa"
    S = "s"
    SP = "sp"
    SS = "ss"
    SSP = "ssp"
    SSS = "sss"
    SSSP = "sssp"

    @property
    def label(self) -> str:
        return self.value.upper().replace("P", "+")


# Lower bounds in 1/10000 percent, best first (DOMAIN.md §4).
RANK_THRESHOLDS: list[tuple[int, Rank]] = [
    (1_005_000, Rank.SSSP),
    (1_000_000, Rank.SSS),
    (995_000, Rank.SSP),
    (990_000, Rank.SS),
    (980_000, Rank.SP),
    (970_000, Rank.S),
    (940_000, Rank.AAA),
    (900_000, Rank.AA),
    (800_000, Rank.A),
    (750_000, Rank.BBB),
    (700_000, Rank.BB),
    (600_000, Rank.B),
    (500_000, Rank.C),
    (0, Rank.D),
]


def rank_for(achievement: int) -> Rank:
    """The rank an achievement (in 1/10000 percent) earns."""
    for bound, rank in RANK_THRESHOLDS:
        if achievement >= bound:
            return rank
    return Rank.D


def format_achievement(achievement: int) -> str:
    """986484 → "98.6484%"."""
    return f"{achievement // 10000}.{achievement % 10000:04d}%"


def normalize_title(title: str) -> str:
    """Key for *comparing* titles (NFKC + whitespace folding); never store or show it.

    A title made only of whitespace (the U+3000 song) folds to one space, so it still differs
    from an empty title.
    """
    folded = " ".join(unicodedata.normalize("NFKC", title).split())
    return folded if folded or not title else " "


def stars_for(dx_score: int, dx_max: int) -> int:
    """DX stars by share of the max (DOMAIN.md §5), for lists that do not draw them."""
    if dx_max <= 0:
        return 0
    for stars, percent in ((5, 97), (4, 95), (3, 93), (2, 90), (1, 85)):
        if dx_score * 100 >= dx_max * percent:
            return stars
    return 0
