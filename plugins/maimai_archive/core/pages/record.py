"""``record/``: the latest 50 plays (also the head block of ``record/playlogDetail/``)."""

from __future__ import annotations

import re
from datetime import timezone

from bs4 import BeautifulSoup, Tag

from ..errors import PageChanged
from ..game import ChartType, Difficulty
from ..records import ParsedPlay
from .common import (
    DIFFICULTY_ICONS,
    FC_ICONS,
    FS_ICONS,
    MATCHING_ICONS,
    RANK_ICONS,
    img_icon,
    make_soup,
    own_text,
    parse_achievement,
    parse_fraction,
    parse_int,
    parse_played_at,
    require,
    site_timezone,
    tag_text,
)

PAGE = "record"
_IDX = re.compile(r"\d{1,2},\d{9,11}")
_KIND = {"music_dx": ChartType.DX, "music_standard": ChartType.SD}


def play_blocks(soup: BeautifulSoup) -> list[Tag]:
    """One block per play: the parent of each ``playlog_top_container``."""
    return [top.parent for top in soup.select("div.playlog_top_container") if top.parent]


def is_record_page(soup: BeautifulSoup) -> bool:
    title = soup.select_one("img.title")
    return bool(play_blocks(soup)) or (title is not None and img_icon(title) == "title_playlog")


def parse_record(html: str) -> list[ParsedPlay]:
    """Every play on the page, newest first as shown. An empty record page gives []."""
    return parse_record_soup(make_soup(html))


def parse_record_soup(soup: BeautifulSoup) -> list[ParsedPlay]:
    blocks = play_blocks(soup)
    if not blocks and not is_record_page(soup):
        raise PageChanged(PAGE, "play blocks (div.playlog_top_container)")
    tz = site_timezone(soup)
    return [parse_play_block(block, tz, PAGE) for block in blocks]


def parse_play_block(block: Tag, tz: timezone, page: str, idx: str | None = None) -> ParsedPlay:
    """One play block; ``idx`` is passed in by the detail page, whose block has no form."""
    top = require(block.select_one("div.playlog_top_container"), page, "playlog_top_container")
    diff_icon = img_icon(require(top.select_one("img.playlog_diff"), page, "img.playlog_diff"))
    difficulty = DIFFICULTY_ICONS.get(diff_icon)
    if difficulty is None:
        raise PageChanged(page, f"known difficulty icon (got {diff_icon!r})")

    spans = require(top.select_one("div.sub_title"), page, "div.sub_title").find_all("span")
    if len(spans) < 2:
        raise PageChanged(page, "track and time spans in div.sub_title")
    track = parse_int(spans[0].get_text(), page, "track")
    played_at = parse_played_at(spans[1].get_text(), tz, page)

    title_block = require(block.select_one("div.basic_block"), page, "title block")
    level_tag = title_block.select_one(".playlog_level_icon")
    level = tag_text(level_tag) or None if level_tag is not None else None

    buddy = False
    if difficulty is Difficulty.UTAGE:
        chart_type = ChartType.UTAGE
        buddy = any(img_icon(i) == "music_utage_buddy" for i in top.find_all("img"))
    else:
        kind_icon = img_icon(block.select_one("img.playlog_music_kind_icon"))
        if kind_icon not in _KIND:
            raise PageChanged(page, f"chart kind icon (got {kind_icon!r})")
        chart_type = _KIND[kind_icon]

    achievement = parse_achievement(
        require(block.select_one(".playlog_achievement_txt"), page, "achievement").get_text(),
        page,
    )
    rank_icon = img_icon(block.select_one("img.playlog_scorerank"))
    if rank_icon not in RANK_ICONS:
        raise PageChanged(page, f"rank icon (got {rank_icon!r})")

    score_block = require(block.select_one(".playlog_score_block"), page, "playlog_score_block")
    dx_score, dx_max = parse_fraction(
        require(score_block.select_one("div.white"), page, "DX score").get_text(), page, "DX score"
    )
    star_icon = img_icon(score_block.select_one("img.playlog_deluxscore_star"))
    star_digits = star_icon.removeprefix("dxstar_")
    if star_icon and not (star_icon.startswith("dxstar_") and star_digits.isdigit()):
        raise PageChanged(page, f"DX star icon (got {star_icon!r})")
    dx_stars = int(star_digits) if star_icon else 0

    fc_found = fs_found = False
    fc = fs = None
    inner = require(block.select_one(".playlog_result_innerblock"), page, "result block")
    for img in inner.find_all("img", recursive=False):
        name = img_icon(img)
        if name in FC_ICONS:
            fc, fc_found = FC_ICONS[name], True
        elif name in FS_ICONS:
            fs, fs_found = FS_ICONS[name], True
    if not (fc_found and fs_found):
        raise PageChanged(page, "FC and sync icons")

    place = MATCHING_ICONS.get(img_icon(block.select_one("img.playlog_matching_icon")))

    if idx is None:
        idx_input = require(block.select_one("form input[name=idx]"), page, "play idx input")
        idx = str(idx_input.get("value", ""))
    if not _IDX.fullmatch(idx):
        raise PageChanged(page, f"play idx '<slot>,<unix>' (got {idx[:30]!r})")

    jacket = block.select_one("img.music_img")
    return ParsedPlay(
        idx=idx,
        track=track,
        played_at=played_at,
        title=own_text(title_block),
        type=chart_type,
        difficulty=difficulty,
        level=level,
        achievement=achievement,
        dx_score=dx_score,
        dx_score_max=dx_max,
        dx_stars=dx_stars,
        rank=RANK_ICONS[rank_icon],
        fc=fc,
        fs=fs,
        new_record=block.select_one(".playlog_achievement_newrecord") is not None,
        new_dx_record=score_block.select_one(".playlog_deluxscore_newrecord") is not None,
        place=place,
        buddy=buddy,
        jacket=img_icon(jacket) or None if jacket is not None else None,
    )
