"""Score lists: ``musicGenre``/``musicSort``/``musicLevel``/``musicVersion`` searches and the
rating-target list — one block per chart, genre header rows between them.

These are the biggest pages (up to 1.6 MB, ~1400 charts), so they are read from a plain lxml
tree, and each chart block is walked once, collecting every part on the way, instead of one
search per part (bench/parse.py measures it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import PageChanged
from ..game import ChartType, Difficulty, stars_for
from ..parsed import ParsedScore
from .markup import (
    DIFFICULTY_ICONS,
    FC_ICONS,
    FS_ICONS,
    RANK_ICONS,
    Element,
    clean_text,
    el_icon,
    el_text,
    find_class,
    icon_name,
    make_tree,
    parse_achievement,
    parse_fraction,
    text,
)

PAGE = "scores"
_KIND = {"music_dx": ChartType.DX, "music_standard": ChartType.SD, "music_utage": ChartType.UTAGE}
_CLASS_DIFFS = {f"music_{d.value}_score_back": d for d in Difficulty}


def parse_scores(html: str) -> list[ParsedScore]:
    """Every chart of the list in page order; unplayed charts have ``achievement`` None."""
    return parse_scores_tree(make_tree(html))


def chart_rows(root: Element) -> list[tuple[Element, _Parts | None]]:
    """Genre headers ``div.screw_block`` (parts None) and chart blocks
    ``div.music_<diff>_score_back`` (with their parts), in page order."""
    rows: list[tuple[Element, _Parts | None]] = []
    for row in root.iter("div"):  # faster than an XPath over the whole page
        cls = row.get("class")
        if not cls:
            continue
        if "screw_block" in cls and "screw_block" in cls.split():
            rows.append((row, None))
        elif "_score_back" in cls:
            rows.append((row, _collect(row)))
    return rows


def has_chart_blocks(root: Element) -> bool:
    """Whether the page holds at least one chart block with a title (cheap: stops at the first)."""
    return any(
        "_score_back" in (row.get("class") or "")
        and find_class(row, "music_name_block") is not None
        for row in root.iter("div")
    )


def parse_scores_tree(root: Element) -> list[ParsedScore]:
    rows = chart_rows(root)
    if not any(parts is not None and parts.name is not None for _, parts in rows):
        if _is_empty_list(root):
            return []
        raise PageChanged(PAGE, "chart blocks (div.music_*_score_back with .music_name_block)")
    scores: list[ParsedScore] = []
    genre: str | None = None
    for row, parts in rows:
        if parts is None:
            genre = el_text(row) or None
        elif parts.name is not None:
            scores.append(_score(row, parts, genre))
    return scores


def _is_empty_list(root: Element) -> bool:
    # A musicSort search of a difficulty never played is a real page with no chart in it.
    title = find_class(root, "title", "img")
    return title is not None and el_icon(title) == "title_music"


@dataclass(slots=True)
class _Parts:
    """What one walk over a chart block found (first of each part, every score cell/icon)."""

    diff_icon: Element | None = None
    kind_icon: Element | None = None
    level: Element | None = None
    name: Element | None = None
    idx: Element | None = None
    score_cells: list[str] = field(default_factory=list)
    icons: list[str] = field(default_factory=list)


def _collect(block: Element) -> _Parts:
    parts = _Parts()
    for el in block.iterdescendants():
        tag = el.tag
        if tag == "img":
            parts.icons.append(icon_name(el.get("src")))
            cls = el.get("class")
            if cls:
                tokens = cls.split()
                if parts.diff_icon is None and "h_20" in tokens:
                    parts.diff_icon = el
                if parts.kind_icon is None and "music_kind_icon" in tokens:
                    parts.kind_icon = el
            continue
        if tag == "input":
            if parts.idx is None and el.get("name") == "idx":
                parts.idx = el
            continue
        cls = el.get("class")
        if not cls or "music_" not in cls:
            continue
        tokens = cls.split()
        if "music_score_block" in tokens:
            parts.score_cells.append(text(el))
        if parts.name is None and "music_name_block" in tokens:
            parts.name = el
        if parts.level is None and "music_lv_block" in tokens:
            parts.level = el
    return parts


def _difficulty(block: Element, parts: _Parts) -> Difficulty:
    for cls in (block.get("class") or "").split():
        if cls in _CLASS_DIFFS:
            return _CLASS_DIFFS[cls]
    diff = DIFFICULTY_ICONS.get(el_icon(parts.diff_icon))
    if diff is None:
        raise PageChanged(PAGE, "difficulty of a chart block")
    return diff


def _beside_kind_icon(block: Element) -> Element | None:
    """The kind icon next to the block (genre lists put it beside, not inside)."""
    parent = block.getparent()
    if parent is None:
        return None
    for child in parent:
        if child.tag == "img" and "music_kind_icon" in (child.get("class") or "").split():
            return child
    return None


def _score(block: Element, parts: _Parts, genre: str | None) -> ParsedScore:
    difficulty = _difficulty(block, parts)
    kind_tag = parts.kind_icon if parts.kind_icon is not None else _beside_kind_icon(block)
    kind = _KIND.get(el_icon(kind_tag))
    if difficulty is Difficulty.UTAGE:
        kind = ChartType.UTAGE
    if kind is None:
        raise PageChanged(PAGE, "chart kind icon (music_dx/music_standard)")

    level = el_text(parts.level) or None if parts.level is not None else None
    title = el_text(parts.name) if parts.name is not None else ""

    achievement = dx_score = dx_max = None
    for cell in parts.score_cells:
        if "%" in cell:
            achievement = parse_achievement(cell, PAGE)
        elif "/" in cell:
            dx_score, dx_max = parse_fraction(cell, PAGE, "DX score")

    rank = fc = fs = None
    stars: int | None = None
    for name in parts.icons:
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

    return ParsedScore(
        title=clean_text(title),
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
        music_idx=str(parts.idx.get("value")) if parts.idx is not None else None,
    )
