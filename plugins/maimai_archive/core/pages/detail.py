"""``record/playlogDetail/?idx=…``: one play with its judgements, fast/late, combo, rating change.

No real copy of this page is public; the selectors follow DOMAIN.md §3 and the tests run on
synthetic fixtures built from that description. The head of the page is the same play block
as on ``record/`` and is read by the record parser.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from ..errors import PageChanged
from ..records import Judgements, ParsedPlayDetail
from .common import img_icon, make_soup, parse_fraction, parse_int, require, tag_text
from .record import parse_play_block, play_blocks, site_timezone

PAGE = "detail"
_ROWS = ("tap", "hold", "slide", "touch", "break")
_DELTA = re.compile(r"\(\s*([+\-±]?)\s*(\d[\d,]*)\s*\)")


def is_detail_page(soup: BeautifulSoup) -> bool:
    return soup.select_one("table.playlog_notes_detail, .playlog_fl_block") is not None


def parse_detail(html: str, idx: str | None = None) -> ParsedPlayDetail:
    """The play detail; ``idx`` is the one the page was requested with (``"<slot>,<unix>"``).

    Without ``idx`` the page's own ``input[name=idx]`` is used; a page with neither raises
    PageChanged, because a play without its key cannot be archived.
    """
    return parse_detail_soup(make_soup(html), idx)


def parse_detail_soup(soup: BeautifulSoup, idx: str | None = None) -> ParsedPlayDetail:
    blocks = play_blocks(soup)
    if not blocks:
        raise PageChanged(PAGE, "play block (div.playlog_top_container)")
    block = blocks[0]
    if idx is None:
        found = soup.select_one("input[name=idx]")
        if found is None:
            raise PageChanged(PAGE, "play idx (input[name=idx]); pass idx=")
        idx = str(found.get("value", ""))
    play = parse_play_block(block, site_timezone(soup), PAGE, idx=idx)

    fast, late = _fast_late(soup)
    rating, delta = _rating(soup)
    return ParsedPlayDetail(
        play=play,
        judgements=_judgements(soup),
        fast=fast,
        late=late,
        max_combo=_icon_fraction(soup, "maxcombo"),
        max_sync=_icon_fraction(soup, "maxsync"),
        rating=rating,
        rating_delta=delta,
        matching=_matching(soup),
        characters=tuple(
            " ".join(c.get_text(" ").split()) for c in soup.select(".playlog_chara_container")
        ),
    )


def _cell(td: Tag) -> int | None:
    text = "".join(td.get_text().split())  # U+3000 in an empty cell folds to ""
    if not text:
        return None
    if not text.replace(",", "").isdigit():
        raise PageChanged(PAGE, f"judgement count {text[:10]!r}")
    return int(text.replace(",", ""))


def _judgements(soup: BeautifulSoup) -> Judgements | None:
    table = soup.select_one("table.playlog_notes_detail")
    if table is None:
        return None
    rows = [tr.find_all("td") for tr in table.find_all("tr")]
    rows = [r for r in rows if r]  # the header row has <th> cells only
    if len(rows) != len(_ROWS) or any(len(r) != 5 for r in rows):
        raise PageChanged(PAGE, "judgement table of 5 rows × 5 columns")
    values = {name: tuple(_cell(td) for td in row) for name, row in zip(_ROWS, rows, strict=True)}
    return Judgements(
        tap=values["tap"],
        hold=values["hold"],
        slide=values["slide"],
        touch=values["touch"],
        break_=values["break"],
    )


def _fast_late(soup: BeautifulSoup) -> tuple[int | None, int | None]:
    block = soup.select_one(".playlog_fl_block")
    if block is None:
        return None, None
    numbers = [d for d in block.find_all("div") if "".join(d.get_text().split()).isdigit()]
    if len(numbers) != 2:
        raise PageChanged(PAGE, "FAST and LATE counts in .playlog_fl_block")
    return parse_int(numbers[0].get_text(), PAGE, "fast"), parse_int(
        numbers[1].get_text(), PAGE, "late"
    )


def _rating(soup: BeautifulSoup) -> tuple[int | None, int | None]:
    val = soup.select_one(".playlog_rating_val_block")
    if val is None:
        return None, None
    rating = parse_int(val.get_text(), PAGE, "rating")
    row = val.parent if val.parent is not None else val
    m = _DELTA.search(row.get_text())
    if m is None:
        return rating, None
    sign, digits = m.groups()
    amount = int(digits.replace(",", ""))
    return rating, -amount if sign == "-" else amount


def _icon_fraction(soup: BeautifulSoup, icon: str) -> tuple[int, int] | None:
    for img in soup.find_all("img"):
        if img_icon(img) == icon:
            holder = require(img.find_parent(["tr", "div"]), PAGE, f"{icon} row")
            return parse_fraction(holder.get_text(), PAGE, icon)
    return None


def _matching(soup: BeautifulSoup) -> tuple[str, ...]:
    box = soup.select_one("#matching")
    if box is None:
        return ()
    # Names are kept as shown (full-width spaces included); an all-blank span is an empty seat.
    names = [tag_text(s) for s in box.select("span")]
    return tuple(n for n in names if n.strip())
