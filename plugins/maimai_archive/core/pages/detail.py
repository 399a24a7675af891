"""``record/playlogDetail/?idx=…``: one play with its judgements, fast/late, combo, rating change.

No real copy of this page is public; the selectors follow DOMAIN.md §3 and the tests run on
synthetic fixtures built from that description. The head of the page is the same play block
as on ``record/`` and is read by the record parser.
"""

from __future__ import annotations

import re

from ..errors import PageChanged
from ..parsed import Judgements, ParsedPlayDetail, RatingArea
from .markup import (
    Element,
    el_icon,
    el_text,
    find_all_class,
    find_class,
    has_class,
    make_tree,
    parse_fraction,
    parse_int,
    require,
    text,
    tree_timezone,
)
from .record import parse_play_block, play_blocks

PAGE = "detail"
_ROWS = ("tap", "hold", "slide", "touch", "break")
_DELTA = re.compile(r"\(\s*([+\-±]?)\s*(\d[\d,]*)\s*\)")


def is_detail_page(root: Element) -> bool:
    return (
        find_class(root, "playlog_notes_detail", "table") is not None
        or find_class(root, "playlog_fl_block") is not None
    )


def parse_detail(html: str, idx: str | None = None) -> ParsedPlayDetail:
    """The play detail; ``idx`` is the one the page was requested with (``"<slot>,<unix>"``).

    Without ``idx`` the page's own ``input[name=idx]`` is used; a page with neither raises
    PageChanged, because a play without its key cannot be archived.
    """
    return parse_detail_tree(make_tree(html), idx)


def parse_detail_tree(root: Element, idx: str | None = None) -> ParsedPlayDetail:
    blocks = play_blocks(root)
    if not blocks:
        raise PageChanged(PAGE, "play block (div.playlog_top_container)")
    block = blocks[0]
    if idx is None:
        found = next((i for i in root.iter("input") if i.get("name") == "idx"), None)
        if found is None:
            raise PageChanged(PAGE, "play idx (input[name=idx]); pass idx=")
        idx = str(found.get("value", ""))
    play = parse_play_block(block, tree_timezone(root), PAGE, idx=idx)

    # Every detail page has both; a page without them was cut short or changed, and must not
    # be archived as a play without judgements.
    judgements = _judgements(root)
    if judgements is None:
        raise PageChanged(PAGE, "judgement table (table.playlog_notes_detail)")
    fast, late = _fast_late(root)
    area = _rating_area(root)
    if area is None:
        raise PageChanged(PAGE, "rating block (.playlog_rating_val_block)")
    # The player's total beside deluxrating.png is "the rating after the play"; pages
    # without it fall back to the first value block (every number stays in rating_area).
    rating = area.total if area.total is not None else _first_int(area)
    delta = area.delta
    return ParsedPlayDetail(
        play=play,
        judgements=judgements,
        fast=fast,
        late=late,
        max_combo=_icon_fraction(root, "maxcombo"),
        max_sync=_icon_fraction(root, "maxsync"),
        rating=rating,
        rating_delta=delta,
        matching=_matching(root),
        characters=_characters(root),
        rating_area=area,
    )


def _cell(td: Element) -> int | None:
    digits = "".join(text(td).split())  # U+3000 in an empty cell folds to ""
    if not digits:
        return None
    if not digits.replace(",", "").isdigit():
        raise PageChanged(PAGE, f"judgement count {digits[:10]!r}")
    return int(digits.replace(",", ""))


def _judgements(root: Element) -> Judgements | None:
    table = find_class(root, "playlog_notes_detail", "table")
    if table is None:
        return None
    rows = [list(tr.iterdescendants("td")) for tr in table.iterdescendants("tr")]
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


def _fast_late(root: Element) -> tuple[int | None, int | None]:
    block = find_class(root, "playlog_fl_block")
    if block is None:
        return None, None
    numbers = [d for d in block.iterdescendants("div") if "".join(text(d).split()).isdigit()]
    if len(numbers) != 2:
        raise PageChanged(PAGE, "FAST and LATE counts in .playlog_fl_block")
    return parse_int(text(numbers[0]), PAGE, "fast"), parse_int(text(numbers[1]), PAGE, "late")


def _rating_area(root: Element) -> RatingArea | None:
    """Every number of the rating area, raw: each ``.playlog_rating_val_block`` with its
    row's icon, the total beside ``deluxrating.png``, the ``(+N)`` and the frame image."""
    vals = find_all_class(root, "playlog_rating_val_block")
    total_el = _total(root)
    if not vals and total_el is None:
        return None
    rows = []
    for val in vals:
        row = val.getparent()
        icon = next((el_icon(i) for i in (row if row is not None else val).iter("img")), None)
        rows.append((icon or None, " ".join(text(val).split())))
    area: list[Element] = [p if (p := v.getparent()) is not None else v for v in vals]
    if total_el is not None:
        area.append(total_el)
    delta = None
    for block in area:
        m = _DELTA.search(text(block))
        if m is not None:
            sign, digits = m.groups()
            amount = int(digits.replace(",", ""))
            delta = -amount if sign == "-" else amount
            break
    frame = next(
        (el_icon(i) for b in area for i in b.iter("img") if el_icon(i).startswith("rating_base")),
        None,
    )
    total = None
    if total_el is not None:
        span = next((s for s in total_el.iter("span") if has_class(s, "f_14")), None)
        total = parse_int(
            text(require(span, PAGE, "rating total (span.f_14)")), PAGE, "rating total"
        )
    return RatingArea(rows=tuple(rows), total=total, delta=delta, frame=frame)


def _total(root: Element) -> Element | None:
    """The ``.basic_block.m_t_5`` that holds ``deluxrating.png`` (the player's total)."""
    for block in find_all_class(root, "m_t_5"):
        if has_class(block, "basic_block") and any(
            el_icon(i) == "deluxrating" for i in block.iter("img")
        ):
            return block
    return None


def _first_int(area: RatingArea) -> int | None:
    for _, value in area.rows:
        digits = value.split("(")[0].replace(",", "").strip()
        if digits.isdigit():
            return int(digits)
    return None


def _characters(root: Element) -> tuple[str, ...]:
    # Optional part: whatever the containers say, as text; never a reason to drop a play.
    return tuple(
        " ".join(" ".join(c.itertext()).split())
        for c in find_all_class(root, "playlog_chara_container")
    )


def _icon_fraction(root: Element, icon: str) -> tuple[int, int] | None:
    for img in root.iter("img"):
        if el_icon(img) == icon:
            holder = next((a for a in img.iterancestors("tr", "div")), None)
            return parse_fraction(text(require(holder, PAGE, f"{icon} row")), PAGE, icon)
    return None


def _matching(root: Element) -> tuple[str, ...]:
    box = next((el for el in root.iter() if el.get("id") == "matching"), None)
    if box is None:
        return ()
    # Names are kept as shown (full-width spaces included); an all-blank span is an empty seat.
    names = [el_text(s) for s in box.iterdescendants("span")]
    return tuple(n for n in names if n.strip())
