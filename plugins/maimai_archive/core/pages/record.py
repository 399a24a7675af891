"""``record/``: the latest 50 plays (also the head block of ``record/playlogDetail/``)."""

from __future__ import annotations

import re
from datetime import timezone

from lxml import etree

from ..errors import PageChanged
from ..game import ChartType, Difficulty
from ..parsed import ParsedPlay
from .markup import (
    DIFFICULTY_ICONS,
    FC_ICONS,
    FS_ICONS,
    MATCHING_ICONS,
    RANK_ICONS,
    ClassIndex,
    Element,
    el_icon,
    el_own_text,
    el_text,
    find_all_class,
    find_class,
    make_tree,
    parse_achievement,
    parse_fraction,
    parse_int,
    parse_played_at,
    require,
    text,
    tree_timezone,
)

PAGE = "record"
_IDX = re.compile(r"\d{1,2},\d{9,11}")
_KIND = {"music_dx": ChartType.DX, "music_standard": ChartType.SD}
# What is left of plays when their container was renamed: playlog_* parts, the detail form,
# idx inputs, jackets. An honest empty record page has none of them.
_PLAY_TRACES = etree.XPath(
    "(//*[contains(@class, 'playlog_')]"
    " | //form[contains(@action, 'playlogDetail')]"
    " | //input[@name='idx']"
    " | //img[contains(concat(' ', normalize-space(@class), ' '), ' music_img ')])[1]"
)


def play_blocks(root: Element) -> list[Element]:
    """One block per play: the parent of each ``div.playlog_top_container``."""
    blocks = []
    for top in find_all_class(root, "playlog_top_container", "div"):
        parent = top.getparent()
        if parent is not None:
            blocks.append(parent)
    return blocks


def is_record_page(root: Element) -> bool:
    return bool(play_blocks(root)) or el_icon(find_class(root, "title", "img")) == "title_playlog"


def parse_record(html: str) -> list[ParsedPlay]:
    """Every play on the page, newest first as shown.

    A record page without plays gives [] only when nothing on it looks like a play; play parts
    without their play blocks (a renamed container) raise PageChanged.
    """
    return parse_record_tree(make_tree(html))


def parse_record_tree(root: Element) -> list[ParsedPlay]:
    blocks = play_blocks(root)
    if not blocks:
        if not is_record_page(root):
            raise PageChanged(PAGE, "play blocks (div.playlog_top_container)")
        if _PLAY_TRACES(root):
            # A renamed play container must not read as "no new plays".
            raise PageChanged(
                PAGE, "play blocks (div.playlog_top_container) around the plays shown"
            )
        return []  # a new player's record page: honestly empty
    tz = tree_timezone(root)
    return [parse_play_block(block, tz, PAGE) for block in blocks]


def _idx_input(block: Element) -> Element | None:
    """The first ``form input[name=idx]`` of the block (the form of the detail button)."""
    for el in block.iterdescendants("input"):
        if el.get("name") == "idx" and any(a.tag == "form" for a in el.iterancestors()):
            return el
    return None


def parse_play_block(block: Element, tz: timezone, page: str, idx: str | None = None) -> ParsedPlay:
    """One play block; ``idx`` is passed in by the detail page, whose block has no form."""
    parts = ClassIndex(block)
    top = require(parts.first("playlog_top_container", "div"), page, "playlog_top_container")
    top_parts = ClassIndex(top)
    diff_icon = el_icon(require(top_parts.first("playlog_diff", "img"), page, "img.playlog_diff"))
    difficulty = DIFFICULTY_ICONS.get(diff_icon)
    if difficulty is None:
        raise PageChanged(page, f"known difficulty icon (got {diff_icon!r})")

    sub_title = require(top_parts.first("sub_title", "div"), page, "div.sub_title")
    spans = list(sub_title.iterdescendants("span"))
    if len(spans) < 2:
        raise PageChanged(page, "track and time spans in div.sub_title")
    track = parse_int(text(spans[0]), page, "track")
    played_at = parse_played_at(text(spans[1]), tz, page)

    title_block = require(parts.first("basic_block", "div"), page, "title block")
    level_tag = find_class(title_block, "playlog_level_icon")
    level = el_text(level_tag) or None if level_tag is not None else None

    buddy = False
    if difficulty is Difficulty.UTAGE:
        chart_type = ChartType.UTAGE
        buddy = any(el_icon(i) == "music_utage_buddy" for i in top.iterdescendants("img"))
    else:
        kind_icon = el_icon(parts.first("playlog_music_kind_icon", "img"))
        if kind_icon not in _KIND:
            raise PageChanged(page, f"chart kind icon (got {kind_icon!r})")
        chart_type = _KIND[kind_icon]

    achievement = parse_achievement(
        text(require(parts.first("playlog_achievement_txt"), page, "achievement")), page
    )
    rank_icon = el_icon(parts.first("playlog_scorerank", "img"))
    if rank_icon not in RANK_ICONS:
        raise PageChanged(page, f"rank icon (got {rank_icon!r})")

    score_block = require(parts.first("playlog_score_block"), page, "playlog_score_block")
    score_parts = ClassIndex(score_block)
    dx_score, dx_max = parse_fraction(
        text(require(score_parts.first("white", "div"), page, "DX score")), page, "DX score"
    )
    star_icon = el_icon(score_parts.first("playlog_deluxscore_star", "img"))
    star_digits = star_icon.removeprefix("dxstar_")
    if star_icon and not (star_icon.startswith("dxstar_") and star_digits.isdigit()):
        raise PageChanged(page, f"DX star icon (got {star_icon!r})")
    dx_stars = int(star_digits) if star_icon else 0

    fc_found = fs_found = False
    fc = fs = None
    inner = require(parts.first("playlog_result_innerblock"), page, "result block")
    for img in inner.iterchildren("img"):
        name = el_icon(img)
        if name in FC_ICONS:
            fc, fc_found = FC_ICONS[name], True
        elif name in FS_ICONS:
            fs, fs_found = FS_ICONS[name], True
    if not (fc_found and fs_found):
        raise PageChanged(page, "FC and sync icons")

    place = MATCHING_ICONS.get(el_icon(parts.first("playlog_matching_icon", "img")))

    if idx is None:
        idx = str(require(_idx_input(block), page, "play idx input").get("value", ""))
    if not _IDX.fullmatch(idx):
        raise PageChanged(page, f"play idx '<slot>,<unix>' (got {idx[:30]!r})")

    jacket = parts.first("music_img", "img")
    return ParsedPlay(
        idx=idx,
        track=track,
        played_at=played_at,
        title=el_own_text(title_block),
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
        new_record="playlog_achievement_newrecord" in parts,
        new_dx_record="playlog_deluxscore_newrecord" in score_parts,
        place=place,
        buddy=buddy,
        jacket=el_icon(jacket) or None if jacket is not None else None,
    )
