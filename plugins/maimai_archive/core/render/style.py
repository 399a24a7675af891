"""One look for every image: colours of difficulties, ranks, lamps and rating bands, sizes.

Colours are hex strings matplotlib takes as they are. Display labels for codes live here too,
so every image names things the same way.
"""

from __future__ import annotations

from ..game import FC, FS, Difficulty, Rank

# Page
BACKGROUND = "#f4f5fb"
PANEL = "#ffffff"
PANEL_EDGE = "#dfe2ee"
TEXT = "#2b2d42"
TEXT_MUTED = "#6c7086"
TEXT_ON_COLOUR = "#ffffff"
ACCENT = "#7b5cff"
GOOD = "#2fa84f"  # improvements, rating gained
BAD = "#d64545"  # losses
NEW_RECORD = "#ff8a00"
PLACEHOLDER = "#d9dcea"

# Difficulties: the game's own colours (basic green … Re:MASTER white/lilac, utage pink).
DIFFICULTY_COLOURS: dict[Difficulty, str] = {
    Difficulty.BASIC: "#45c124",
    Difficulty.ADVANCED: "#ffba01",
    Difficulty.EXPERT: "#ff7b7b",
    Difficulty.MASTER: "#9f51dc",
    Difficulty.REMASTER: "#dbaaff",
    Difficulty.UTAGE: "#ff6ffd",
}
# Text on a difficulty colour: Re:MASTER's light lilac needs dark text.
DIFFICULTY_TEXT: dict[Difficulty, str] = {
    d: ("#5a2a82" if d is Difficulty.REMASTER else TEXT_ON_COLOUR) for d in Difficulty
}
DIFFICULTY_SHORT: dict[Difficulty, str] = {
    Difficulty.BASIC: "BAS",
    Difficulty.ADVANCED: "ADV",
    Difficulty.EXPERT: "EXP",
    Difficulty.MASTER: "MAS",
    Difficulty.REMASTER: "Re:M",
    Difficulty.UTAGE: "宴",
}


def difficulty_colour(code: str | Difficulty) -> str:
    try:
        return DIFFICULTY_COLOURS[Difficulty(code)]
    except ValueError:
        return TEXT_MUTED


def difficulty_text_colour(code: str | Difficulty) -> str:
    try:
        return DIFFICULTY_TEXT[Difficulty(code)]
    except ValueError:
        return TEXT_ON_COLOUR


# Ranks: gold for the S family, silver-ish for A, muted below.
def rank_colour(code: str | Rank) -> str:
    rank = Rank(code)
    if rank in (Rank.SSSP, Rank.SSS):
        return "#f5a300"
    if rank in (Rank.SSP, Rank.SS):
        return "#f0b429"
    if rank in (Rank.SP, Rank.S):
        return "#e8a33d"
    if rank in (Rank.AAA, Rank.AA, Rank.A):
        return "#d0573f"
    return "#5b7fbf"


def rank_label(code: str | Rank) -> str:
    return Rank(code).label


# Lamps
FC_LABELS: dict[FC, str] = {FC.FC: "FC", FC.FCP: "FC+", FC.AP: "AP", FC.APP: "AP+"}
FC_COLOURS: dict[FC, str] = {
    FC.FC: "#2fa84f",
    FC.FCP: "#1f8f6a",
    FC.AP: "#e0a100",
    FC.APP: "#ff8a00",
}
FS_LABELS: dict[FS, str] = {
    FS.SYNC: "SYNC",
    FS.FS: "FS",
    FS.FSP: "FS+",
    FS.FSD: "FDX",
    FS.FSDP: "FDX+",
}
FS_COLOURS: dict[FS, str] = {
    FS.SYNC: "#5b7fbf",
    FS.FS: "#2b8fd6",
    FS.FSP: "#1c6fd1",
    FS.FSD: "#e0a100",
    FS.FSDP: "#ff8a00",
}


def fc_label(code: str | None) -> str | None:
    return FC_LABELS[FC(code)] if code else None


def fs_label(code: str | None) -> str | None:
    return FS_LABELS[FS(code)] if code else None


def fc_colour(code: str | None) -> str:
    return FC_COLOURS[FC(code)] if code else TEXT_MUTED


def fs_colour(code: str | None) -> str:
    return FS_COLOURS[FS(code)] if code else TEXT_MUTED


# Rating bands (DOMAIN.md §5), lower bound → colour, best first.
RATING_BANDS: list[tuple[int, str, str]] = [
    (15000, "#ff5fa2", "彩"),  # rainbow; drawn as a gradient where it matters
    (14500, "#8fd3e8", "白金"),
    (14000, "#e6b422", "金"),
    (13000, "#a7adba", "银"),
    (12000, "#b5733a", "铜"),
    (10000, "#9f51dc", "紫"),
    (7000, "#e04848", "红"),
    (4000, "#e3b505", "黄"),
    (2000, "#3fae49", "绿"),
    (1000, "#3a7bd5", "蓝"),
    (0, "#c9cbd6", "白"),
]
RAINBOW = ["#ff5f5f", "#ffb347", "#f9f871", "#6ee7a8", "#5ec8ff", "#a98bff"]


def rating_colour(rating: int | None) -> str:
    if rating is None:
        return TEXT_MUTED
    for bound, colour, _ in RATING_BANDS:
        if rating >= bound:
            return colour
    return RATING_BANDS[-1][1]


def rating_text_colour(rating: int | None) -> str:
    """Readable text on the band colour: dark on the light bands."""
    light = {"#c9cbd6", "#8fd3e8", "#a7adba", "#e6b422", "#e3b505"}
    return TEXT if rating_colour(rating) in light else TEXT_ON_COLOUR


# Sizes. Images are drawn at DPI; layouts are in pixels so they stay predictable.
DPI = 100
WIDTH = 1200  # default page width in px
MARGIN = 28
GAP = 12
CARD_HEIGHT = 150
CORNER = 10  # rounded panel corner radius in px
TITLE_SIZE = 20  # points
HEADING_SIZE = 15
BODY_SIZE = 11
SMALL_SIZE = 9
