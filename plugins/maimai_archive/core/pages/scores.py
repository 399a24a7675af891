"""Score lists: ``musicGenre``/``musicSort``/``musicLevel``/``musicVersion`` searches and the
rating-target list — one block per chart, genre header rows between them."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from ..errors import PageChanged
from ..game import ChartType, Difficulty
from ..records import ParsedScore
from .common import (
    DIFFICULTY_ICONS,
    FC_ICONS,
    FS_ICONS,
    RANK_ICONS,
    img_icon,
    make_soup,
    parse_achievement,
    parse_fraction,
    require,
    stars_for,
    tag_text,
)

PAGE = "scores"
CHART_SELECTOR = 'div[class*="_score_back"]'
_KIND = {"music_dx": ChartType.DX, "music_standard": ChartType.SD, "music_utage": ChartType.UTAGE}
_CLASS_DIFFS = {f"music_{d.value}_score_back": d for d in Difficulty}


def parse_scores(html: str) -> list[ParsedScore]:
    """Every chart of the list in page order; unplayed charts have ``achievement`` None."""
    return parse_scores_soup(make_soup(html))


def parse_scores_soup(soup: BeautifulSoup) -> list[ParsedScore]:
    rows = soup.select(f"div.screw_block, {CHART_SELECTOR}")
    if not any(row.select_one(".music_name_block") for row in rows):
        if _is_empty_list(soup):
            return []
        raise PageChanged(PAGE, "chart blocks (div.music_*_score_back with .music_name_block)")
    scores: list[ParsedScore] = []
    genre: str | None = None
    for row in rows:
        if "screw_block" in row.get("class", ()):
            genre = tag_text(row) or None
        elif row.select_one(".music_name_block") is not None:
            scores.append(parse_chart_block(row, genre))
    return scores


def _is_empty_list(soup: BeautifulSoup) -> bool:
    # A musicSort search of a difficulty never played is a real page with no chart in it.
    title = soup.select_one("img.title")
    return title is not None and img_icon(title) == "title_music"


def _difficulty(block: Tag) -> Difficulty:
    for cls in block.get("class", ()):
        if cls in _CLASS_DIFFS:
            return _CLASS_DIFFS[cls]
    diff = DIFFICULTY_ICONS.get(img_icon(block.select_one("img.h_20")))
    if diff is None:
        raise PageChanged(PAGE, "difficulty of a chart block")
    return diff


def parse_chart_block(block: Tag, genre: str | None) -> ParsedScore:
    difficulty = _difficulty(block)
    # The kind icon sits inside the block on level/version lists, beside it on genre lists.
    kind_tag = block.select_one("img.music_kind_icon")
    if kind_tag is None and block.parent is not None:
        kind_tag = block.parent.select_one(":scope > img.music_kind_icon")
    kind = _KIND.get(img_icon(kind_tag))
    if difficulty is Difficulty.UTAGE:
        kind = ChartType.UTAGE
    if kind is None:
        raise PageChanged(PAGE, "chart kind icon (music_dx/music_standard)")

    level_tag = block.select_one(".music_lv_block")
    level = tag_text(level_tag) or None if level_tag is not None else None
    title = tag_text(require(block.select_one(".music_name_block"), PAGE, "music_name_block"))

    achievement = dx_score = dx_max = None
    for cell in block.select(".music_score_block"):
        text = cell.get_text()
        if "%" in text:
            achievement = parse_achievement(text, PAGE)
        elif "/" in text:
            dx_score, dx_max = parse_fraction(text, PAGE, "DX score")

    rank = fc = fs = None
    stars: int | None = None
    for img in block.find_all("img"):
        name = img_icon(img)
        if name in RANK_ICONS:
            rank = RANK_ICONS[name]
        elif name in FC_ICONS:
            fc = FC_ICONS[name]
        elif name in FS_ICONS:
            fs = FS_ICONS[name]
        elif name.startswith("dxstar_") and name[7:].isdigit():
            stars = int(name[7:])
    if achievement is not None and rank is None:
        raise PageChanged(PAGE, f"rank icon of played chart {title!r}")
    if stars is None:
        stars = stars_for(dx_score, dx_max) if dx_score is not None and dx_max else 0

    idx_input = block.select_one("input[name=idx]")
    return ParsedScore(
        title=title,
        type=kind,
        difficulty=difficulty,
        level=level,
        achievement=achievement,
        dx_score=dx_score,
        dx_score_max=dx_max,
        dx_stars=stars,
        rank=rank,
        fc=fc,
        fs=fs,
        genre=genre,
        music_idx=str(idx_input.get("value")) if idx_input is not None else None,
    )
