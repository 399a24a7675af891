"""The player block shared by ``home/``, ``playerData/``, ``friend/userFriendCode/`` and the
rating-target page, plus playerData's play counts and per-difficulty tallies."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from ..errors import PageChanged
from ..game import Difficulty
from ..records import ParsedProfile
from .common import FC_ICONS, FS_ICONS, RANK_ICONS, img_icon, make_soup, parse_int, tag_text

PAGE = "profile"
_DIGITS = re.compile(r"\d[\d,]*")
_DIFF_BUTTONS = {"99": "all", **{str(d.index): d.value for d in Difficulty if d.value != "utage"}}


def parse_profile(html: str) -> ParsedProfile:
    return parse_profile_soup(make_soup(html))


def parse_profile_soup(soup: BeautifulSoup) -> ParsedProfile:
    name_tag = soup.select_one(".name_block")
    if name_tag is None:
        raise PageChanged(PAGE, "player name (.name_block)")
    block = name_tag.find_parent("div", class_="see_through_block") or soup

    rating_tag = block.select_one(".rating_block")
    trophy_tag = block.select_one(".trophy_inner_block")
    comment_tag = block.select_one(".comment_block, .friend_comment_block")
    icon_tag = block.select_one('img[src*="/Icon/"]')
    course_tag = block.select_one('img[src*="/course/"]')
    class_tag = block.select_one('img[src*="/class/"]')
    star_img = block.select_one('img[src*="icon_star"]')

    stars = None
    if star_img is not None and star_img.parent is not None:
        stars = parse_int(star_img.parent.get_text(), PAGE, "stars")

    return ParsedProfile(
        name=tag_text(name_tag),
        rating=parse_int(rating_tag.get_text(), PAGE, "rating") if rating_tag else None,
        friend_code=_friend_code(soup),
        trophy=tag_text(trophy_tag) or None if trophy_tag else None,
        stars=stars,
        course_rank=img_icon(course_tag) or None,
        class_rank=img_icon(class_tag) or None,
        play_count=_play_count(block),
        icon=img_icon(icon_tag) or None,
        comment=tag_text(comment_tag) or None if comment_tag else None,
        tallies=_tallies(soup),
    )


def _friend_code(soup: BeautifulSoup) -> str | None:
    icon = soup.select_one("img.friend_code_icon")
    if icon is None or icon.parent is None:
        return None
    box = icon.parent.select_one(".see_through_block")
    if box is None:
        raise PageChanged(PAGE, "friend code box next to img.friend_code_icon")
    code = "".join(tag_text(box).split())
    if not code.isdigit():
        raise PageChanged(PAGE, "friend code digits")
    return code


def _play_count(block: Tag | BeautifulSoup) -> int | None:
    """The last number of the play-count lines (total play count; CN and INTL label it alike)."""
    for div in block.select("div.t_r.f_12"):
        lines = [line for line in div.get_text("\n").split("\n") if "：" in line or ":" in line]
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


def _tallies(soup: BeautifulSoup) -> dict[str, dict[str, int]]:
    blocks = soup.select(".musiccount_block")
    if not blocks:
        return {}
    selected = soup.select_one("img.diffbtn_selected")
    button = selected.find_parent("button") if selected is not None else None
    diff = _DIFF_BUTTONS.get(str(button.get("value")) if button is not None else "99", "all")
    counts: dict[str, int] = {}
    for b in blocks:
        key = _tally_key(img_icon(b.select_one("img")))
        counter = b.select_one(".musiccount_counter_block")
        if key is None or counter is None:
            raise PageChanged(PAGE, "tally icon/counter in .musiccount_block")
        count = [int(x.replace(",", "")) for x in _DIGITS.findall(counter.get_text())]
        if len(count) != 2:
            raise PageChanged(PAGE, f"tally 'n/total' for {key}")
        counts[key] = count[0]
        counts["total"] = count[1]
    return {diff: counts}
