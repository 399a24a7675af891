"""SYNTHETIC: the simulator's small built-in chart list.

Titles, levels, internal levels and note counts follow the public song data (diving-fish
``music_data``) for a handful of charts chosen for their pitfalls: the U+3000 title, the two
songs both shown as ``Link``, two Utage charts, Re:MASTER charts and current-version charts.
Jacket file names are made up (a hash of the title), not the site's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from plugins.maimai_archive.core.game import ChartType, Difficulty

# Genre headers as the CN score lists show them, in page order.
GENRES = (
    "流行&动漫",
    "niconico＆VOCALOID™",
    "东方Project",
    "其他游戏",
    "舞萌",
    "音击&中二节奏",
    "宴会場",
)


@dataclass(frozen=True, slots=True)
class Chart:
    song_id: int  # diving-fish id (DX charts: SD id + 10000, Utage ≥ 100000)
    title: str  # exactly as the pages show it
    type: ChartType
    difficulty: Difficulty
    level: str  # "13+", Utage "14?"
    ds: float  # internal level (not on the pages)
    notes: tuple[int, int, int, int | None, int]  # tap hold slide touch break; touch None on SD
    genre: str
    is_new: bool = False  # current version: counts in the B15
    utage_kind: str | None = None  # the kanji on the Utage badge, e.g. "協"

    @property
    def total_notes(self) -> int:
        return sum(n or 0 for n in self.notes)

    @property
    def dx_score_max(self) -> int:
        return 3 * self.total_notes

    @property
    def jacket(self) -> str:
        """Jacket image file stem: 16 hex digits like the site's (the page adds ".png")."""
        return hashlib.sha1(f"{self.song_id % 10000}".encode()).hexdigest()[:16]

    @property
    def key(self) -> tuple[int, Difficulty]:
        return (self.song_id, self.difficulty)

    @property
    def diff_index(self) -> int:
        """The ``diff`` query value of the score list holding this chart (Utage = 10)."""
        return 10 if self.difficulty is Difficulty.UTAGE else self.difficulty.index


_SD, _DX, _UT = ChartType.SD, ChartType.DX, ChartType.UTAGE
_B, _A, _E, _M, _R = (
    Difficulty.BASIC,
    Difficulty.ADVANCED,
    Difficulty.EXPERT,
    Difficulty.MASTER,
    Difficulty.REMASTER,
)

CHARTS: tuple[Chart, ...] = (
    Chart(11720, "Re:Unknown X", _DX, _M, "14+", 14.7, (983, 76, 50, 59, 21), "东方Project"),
    Chart(11720, "Re:Unknown X", _DX, _E, "12", 12.5, (505, 30, 36, 29, 49), "东方Project"),
    Chart(11686, "Λzure Vixen", _DX, _M, "14+", 14.6, (1039, 58, 87, 39, 66), "音击&中二节奏"),
    Chart(
        299,
        "ロストワンの号哭",
        _SD,
        _E,
        "10+",
        10.8,
        (419, 78, 38, None, 10),
        "niconico＆VOCALOID™",
    ),
    Chart(
        299,
        "ロストワンの号哭",
        _SD,
        _M,
        "13+",
        13.6,
        (828, 26, 68, None, 24),
        "niconico＆VOCALOID™",
    ),
    Chart(
        299,
        "ロストワンの号哭",
        _SD,
        _R,
        "14",
        14.2,
        (723, 50, 162, None, 11),
        "niconico＆VOCALOID™",
    ),
    Chart(834, "PANDORA PARADOXXX", _SD, _M, "14+", 14.9, (1017, 98, 117, None, 77), "舞萌"),
    Chart(834, "PANDORA PARADOXXX", _SD, _R, "15", 15.0, (1165, 72, 90, None, 15), "舞萌"),
    Chart(11422, "\u3000", _DX, _E, "10", 10.5, (185, 44, 59, 59, 10), "流行&动漫"),
    Chart(11422, "\u3000", _DX, _M, "12+", 12.8, (382, 38, 135, 44, 6), "流行&动漫"),
    # Two different songs, both titled "Link" on the pages (the older one is Link(CoF)).
    Chart(131, "Link", _SD, _M, "12", 12.5, (208, 14, 73, None, 13), "舞萌"),
    Chart(383, "Link", _SD, _M, "12", 12.5, (485, 57, 60, None, 11), "niconico＆VOCALOID™"),
    Chart(11592, "花となれ", _DX, _E, "8+", 8.8, (209, 32, 25, 2, 9), "niconico＆VOCALOID™"),
    Chart(11622, "シックスプラン", _DX, _M, "13", 13.2, (447, 28, 92, 29, 36), "舞萌"),
    Chart(11208, "Cyaegha", _DX, _M, "13+", 13.8, (706, 39, 119, 30, 52), "其他游戏"),
    Chart(159, "maimaiちゃんのテーマ", _SD, _B, "5", 5.0, (105, 15, 6, None, 3), "舞萌"),
    Chart(159, "maimaiちゃんのテーマ", _SD, _A, "7", 7.1, (141, 31, 3, None, 9), "舞萌"),
    Chart(11806, "Fraq", _DX, _M, "13+", 13.7, (521, 83, 110, 26, 66), "舞萌", is_new=True),
    Chart(10030, "ネコ日和。", _DX, _M, "13+", 13.7, (417, 8, 91, 41, 74), "舞萌", is_new=True),
    Chart(10367, "Dragoon", _DX, _E, "11", 11.0, (340, 43, 54, 36, 29), "舞萌", is_new=True),
    Chart(
        100700,
        "[協]疾走あんさんぶる",
        _UT,
        Difficulty.UTAGE,
        "14?",
        14.0,
        (1092, 220, 2, 0, 51),
        "宴会場",
        utage_kind="協",
    ),
    Chart(
        100456,
        "[蔵]Glorious Crown",
        _UT,
        Difficulty.UTAGE,
        "14+?",
        14.7,
        (1192, 15, 56, 0, 19),
        "宴会場",
        utage_kind="蔵",
    ),
)

# Songs the site has and the song data lags on, like the real world: new songs reach the
# cabinets days before 水鱼's song data, some never do, international players have songs
# China never gets. SYNTHETIC titles; the world plays them like any other chart.
LONG_TITLE = (
    "【SYNTHETIC】とても長い曲名～Ｆｕｌｌ－ｗｉｄｔｈ　Ｓｙｍｂｏｌｓ！？～"
    "（Extended Mix ver. 2026）feat. 初音ミク & 重音テト & 可不 & 星界 & 裏命 -Remastered Edition-"
)
LAGGING: tuple[Chart, ...] = (
    Chart(11901, LONG_TITLE, _DX, _M, "14", 14.2, (900, 60, 80, 40, 50), "舞萌", is_new=True),
    Chart(
        11902,
        "Retribution ～ Cycle of Redemption ～",
        _DX,
        _E,
        "12+",
        12.7,
        (500, 40, 60, 30, 25),
        "其他游戏",
        is_new=True,
    ),
    Chart(
        11903,
        "INTL-only ＃Worldwide Song!! (SYNTHETIC)",
        _DX,
        _M,
        "13",
        13.0,
        (600, 30, 70, 20, 30),
        "流行&动漫",
    ),
    # Removed from the song data later (it keeps the key its plays already have).
    Chart(11904, "Deleted Song (SYNTHETIC)", _DX, _M, "12", 12.3, (420, 20, 50, 20, 15), "舞萌"),
    # Renamed in the song data later (title below is the site's).
    Chart(11905, "Renamed Song (SYNTHETIC)", _DX, _E, "11+", 11.7, (380, 20, 40, 20, 15), "舞萌"),
)
# Which of them the song data lacks until it catches up (``World.songdb_missing``).
LAGGING_IDS = frozenset({11901, 11902, 11903})
CHARTS = CHARTS + LAGGING


def charts_of_diff(diff: int) -> list[Chart]:
    """The charts a ``musicGenre/search/?diff=N`` list shows, in genre order."""
    order = {g: i for i, g in enumerate(GENRES)}
    found = [c for c in CHARTS if c.diff_index == diff]
    return sorted(found, key=lambda c: (order.get(c.genre, 99), c.song_id))
