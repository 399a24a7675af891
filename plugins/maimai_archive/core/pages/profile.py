"""The player block shared by ``home/``, ``playerData/``, ``friend/userFriendCode/`` and the
rating-target page, plus playerData's play counts and per-difficulty tallies."""

from __future__ import annotations

import re

from lxml import etree

from ..errors import PageChanged
from ..game import Difficulty
from ..parsed import ParsedProfile
from .markup import (
    FC_ICONS,
    FS_ICONS,
    RANK_ICONS,
    Element,
    ancestor_with_class,
    el_icon,
    el_text,
    find_all_class,
    find_class,
    find_first,
    first_tag,
    make_tree,
    parse_int,
    text,
)

PAGE = "profile"
_DIGITS = re.compile(r"\d[\d,]*")
_DIFF_BUTTONS = {"99": "all", **{str(d.index): d.value for d in Difficulty if d.value != "utage"}}


def parse_profile(html: str) -> ParsedProfile:
    return parse_profile_tree(make_tree(html))


def parse_profile_tree(root: Element) -> ParsedProfile:
    name_tag = find_class(root, "name_block")
    if name_tag is None:
        raise PageChanged(PAGE, "player name (.name_block)")
    block = ancestor_with_class(name_tag, "see_through_block", "div")
    if block is None:
        block = root

    rating_tag = find_class(block, "rating_block")
    trophy_tag = find_class(block, "trophy_inner_block")
    comment_tag = find_first(
        block,
        f"descendant::*[{_has_class('comment_block')} or {_has_class('friend_comment_block')}]",
    )
    icon_tag = find_first(block, 'descendant::img[contains(@src, "/Icon/")]')
    course_tag = find_first(block, 'descendant::img[contains(@src, "/course/")]')
    class_tag = find_first(block, 'descendant::img[contains(@src, "/class/")]')
    star_img = find_first(block, 'descendant::img[contains(@src, "icon_star")]')

    stars = None
    if star_img is not None and (star_parent := star_img.getparent()) is not None:
        stars = parse_int(text(star_parent), PAGE, "stars")

    return ParsedProfile(
        name=el_text(name_tag),
        rating=parse_int(text(rating_tag), PAGE, "rating") if rating_tag is not None else None,
        friend_code=_friend_code(root),
        trophy=el_text(trophy_tag) or None if trophy_tag is not None else None,
        stars=stars,
        course_rank=el_icon(course_tag) or None,
        class_rank=el_icon(class_tag) or None,
        play_count=_play_count(block),
        icon=el_icon(icon_tag) or None,
        comment=el_text(comment_tag) or None if comment_tag is not None else None,
        tallies=_tallies(root),
    )


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_PLAY_COUNT_DIVS = etree.XPath(f"descendant::div[{_has_class('t_r')} and {_has_class('f_12')}]")


def _friend_code(root: Element) -> str | None:
    icon = find_class(root, "friend_code_icon", "img")
    parent = icon.getparent() if icon is not None else None
    if parent is None:
        return None
    box = find_class(parent, "see_through_block")
    if box is None:
        raise PageChanged(PAGE, "friend code box next to img.friend_code_icon")
    code = "".join(el_text(box).split())
    if not code.isdigit():
        raise PageChanged(PAGE, "friend code digits")
    return code


def _play_count(block: Element) -> int | None:
    """The last number of the play-count lines (total play count; CN and INTL label it alike)."""
    for div in _PLAY_COUNT_DIVS(block):
        lines = [
            line for line in "\n".join(div.itertext()).split("\n") if "：" in line or ":" in line
        ]
        numbers = [_DIGITS.search(line.rsplit("：", 1)[-1].rsplit(":", 1)[-1]) for line in lines]
        found = [int(m.group(0).replace(",", "")) for m in numbers if m]
        if found:
            return found[-1]
    return None


def _tally_key(icon: str) -> str | None:
    name = icon.removeprefix("music_icon_")
    if name == "clear" or name.startswith("dxstar_"):
        return name
    full = f"music_icon_{name}"
    for table in (RANK_ICONS, FC_ICONS, FS_ICONS):
        code = table.get(full)
        if code is not None:
            return code.value
    return None


def _tallies(root: Element) -> dict[str, dict[str, int]]:
    blocks = find_all_class(root, "musiccount_block")
    if not blocks:
        return {}
    selected = find_class(root, "diffbtn_selected", "img")
    button = next(selected.iterancestors("button"), None) if selected is not None else None
    diff = _DIFF_BUTTONS.get(str(button.get("value")) if button is not None else "99", "all")
    counts: dict[str, int] = {}
    for b in blocks:
        key = _tally_key(el_icon(first_tag(b, "img")))
        counter = find_class(b, "musiccount_counter_block")
        if key is None or counter is None:
            raise PageChanged(PAGE, "tally icon/counter in .musiccount_block")
        count = [int(x.replace(",", "")) for x in _DIGITS.findall(text(counter))]
        if len(count) != 2:
            raise PageChanged(PAGE, f"tally 'n/total' for {key}")
        counts[key] = count[0]
        counts["total"] = count[1]
    return {diff: counts}
