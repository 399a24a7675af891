"""Score cards of recent plays (``/recent``) and one play in full (``/play``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

from matplotlib.figure import Figure

from ..game import format_achievement
from ..views.play_views import PlayCard, PlayDetailView, PlayerHeader, RecentView
from . import style
from .draw import Canvas, fit, format_dx, pages_of, stars

CARD_W = 560
CARD_H = 156
COLUMNS = 2
CARDS_PER_PAGE = 20  # 10 rows: well under the 4000 px limit
HEADER_H = 96
FOOTER_H = 36
T = TypeVar("T")


def draw_header(canvas: Canvas, player: PlayerHeader, title: str, subtitle: str = "") -> None:
    """The strip every image starts with: what it is, whose archive, their rating."""
    m = style.MARGIN
    canvas.rect(0, 0, canvas.width, 6, style.ACCENT)
    canvas.text(m, 48, title, style.TITLE_SIZE, bold=True, max_width=canvas.width * 0.55)
    if subtitle:
        canvas.text(
            m, 76, subtitle, style.BODY_SIZE, style.TEXT_MUTED, max_width=canvas.width * 0.6
        )
    name = fit(player.name or "—", style.HEADING_SIZE, canvas.width * 0.3)
    canvas.text(canvas.width - m, 46, name, style.HEADING_SIZE, ha="right")
    if player.rating is not None:
        canvas.badge(
            canvas.width - m,
            58,
            f"Rating {player.rating}",
            style.rating_colour(player.rating),
            style.rating_text_colour(player.rating),
            size=style.BODY_SIZE,
            height=24,
            align="right",
        )


def draw_footer(canvas: Canvas, text: str) -> None:
    canvas.text(
        canvas.width / 2, canvas.height - 14, text, style.SMALL_SIZE, style.TEXT_MUTED, ha="center"
    )


def draw_card(canvas: Canvas, card: PlayCard, x: float, y: float, w: float = CARD_W) -> None:
    """One play: jacket, chart, achievement, rank, lamps, DX score, rating, time and track."""
    chart = card.chart
    canvas.panel(x, y, w, CARD_H)
    canvas.rect(x, y + 10, 5, CARD_H - 20, style.difficulty_colour(chart.difficulty), zorder=3)
    jacket = 112
    canvas.jacket(chart, x + 20, y + 22, jacket)
    left = x + 20 + jacket + 18
    right = x + w - 16
    inner = right - left

    badge_w = canvas.difficulty_badge(chart, left, y + 14)
    canvas.text(right, y + 29, f"#{card.number}", style.BODY_SIZE, style.TEXT_MUTED, ha="right")
    if card.place:
        canvas.badge(left + badge_w + 6, y + 14, f"{card.place}P", "#4a4e69")
    canvas.text(left, y + 58, chart.title, 14, max_width=inner)

    ach = canvas.text(left, y + 96, format_achievement(card.achievement), 22, bold=True)
    rank_x = left + ach + 10
    canvas.rank(rank_x, y + 96, card.rank, 18, bold=True)
    # The record marks sit above the rating, right to left: the DX row has no room for a
    # label after five stars once both lamps are lit.
    edge = right
    for mark, lit in (("NEW RECORD", card.new_record), ("DX NEW", card.new_dx_record)):
        if lit:
            edge -= canvas.badge(edge, y + 78, mark, style.NEW_RECORD, align="right") + 6

    bottom = y + 110
    cursor = left
    for label, colour in (
        (style.fc_label(card.fc), style.fc_colour(card.fc)),
        (style.fs_label(card.fs), style.fs_colour(card.fs)),
    ):
        if label:
            cursor += canvas.badge(cursor, bottom, label, colour) + 6
    dx = f"DX {format_dx(card.dx_score, card.dx_score_max)}"
    cursor += canvas.text(cursor + 2, bottom + 15, dx, style.SMALL_SIZE, style.TEXT_MUTED) + 8
    if card.dx_stars:
        canvas.text(cursor, bottom + 15, stars(card.dx_stars), style.SMALL_SIZE, "#e0a100")
    rating = "Rating —" if card.rating is None else f"Rating {card.rating}"
    canvas.text(right, bottom + 15, rating, style.BODY_SIZE, style.ACCENT, ha="right")
    when = f"曲目 {card.track} · {card.played_at:%Y/%m/%d %H:%M}"
    canvas.text(left, y + CARD_H - 6, when, style.SMALL_SIZE, style.TEXT_MUTED, va="bottom")


def recent_pages(view: RecentView) -> list[Figure]:
    """One figure per page of at most ``CARDS_PER_PAGE`` cards."""
    grid = Grid(COLUMNS, CARDS_PER_PAGE, CARD_W, CARD_H)
    heading = ("最近游玩", f"最近 {len(view.cards)} 次游玩")
    texts = ("还没有游玩记录", "maimai archive · /play <序号> 查看详情")
    return tile_pages(view.player, heading, view.cards, grid, draw_card, texts)


class Grid(NamedTuple):
    columns: int
    per_page: int
    tile_w: int
    tile_h: int


def tile_pages(
    player: PlayerHeader,
    heading: tuple[str, str],
    items: Sequence[T],
    grid: Grid,
    draw: Callable[[Canvas, T, float, float], None],
    texts: tuple[str, str],
) -> list[Figure]:
    """Tiles in a grid, a page at a time: ``heading`` is (title, what the count says),
    ``texts`` (what an empty page says, the footer)."""
    (title, count), (empty, footer) = heading, texts
    chunks = pages_of(items, grid.per_page)
    m, gap = style.MARGIN, style.GAP
    width = 2 * m + grid.columns * grid.tile_w + (grid.columns - 1) * gap
    figures = []
    for page, chunk in enumerate(chunks, 1):
        rows = max(1, -(-len(chunk) // grid.columns))
        canvas = Canvas(width, HEADER_H + rows * (grid.tile_h + gap) + FOOTER_H)
        pages = f" · 第 {page}/{len(chunks)} 页" if len(chunks) > 1 else ""
        draw_header(canvas, player, title, count + pages)
        if not chunk:
            canvas.note(width / 2, HEADER_H + 80, empty, style.HEADING_SIZE)
        for i, item in enumerate(chunk):
            col, row = i % grid.columns, i // grid.columns
            x, y = m + col * (grid.tile_w + gap), HEADER_H + row * (grid.tile_h + gap)
            draw(canvas, item, x, y)
        draw_footer(canvas, footer)
        figures.append(canvas.figure)
    return figures


JUDGE_ROWS = ("tap", "hold", "slide", "touch", "break")
JUDGE_COLS = ("CRITICAL", "PERFECT", "GREAT", "GOOD", "MISS")
JUDGE_COLOURS = ("#f5a300", "#f0b429", "#ff7b9c", "#3fae49", "#8d93a8")
PREV_ROW_H = 34
MAX_PREVIOUS = 12


def play_detail_figure(view: PlayDetailView) -> Figure:
    """The card, the judgement table, fast/late, combo/sync, rating change, earlier plays."""
    m, gap = style.MARGIN, style.GAP
    width = 2 * m + 2 * CARD_W + gap
    previous = view.previous[:MAX_PREVIOUS]
    table_h = 40 + 32 * 6
    prev_h = 56 + max(1, len(previous)) * PREV_ROW_H
    height = HEADER_H + CARD_H + gap + table_h + gap + prev_h + FOOTER_H
    canvas = Canvas(width, height)
    draw_header(canvas, view.player, "游玩详情", f"#{view.card.number} · {view.card.chart.title}")
    draw_card(canvas, view.card, m, HEADER_H, width - 2 * m)

    top = HEADER_H + CARD_H + gap
    table_w = CARD_W + 140
    _judgement_table(canvas, view, m, top, table_w, table_h)
    _detail_stats(canvas, view, m + table_w + gap, top, width - 2 * m - table_w - gap, table_h)
    _previous_plays(canvas, previous, m, top + table_h + gap, width - 2 * m, prev_h)
    draw_footer(canvas, "maimai archive")
    return canvas.figure


def _judgement_table(
    canvas: Canvas, view: PlayDetailView, x: float, y: float, w: float, h: float
) -> None:
    canvas.panel(x, y, w, h)
    first = 110
    col_w = (w - first - 20) / len(JUDGE_COLS)
    head_y = y + 32
    canvas.text(x + 18, head_y, "判定", style.BODY_SIZE, style.TEXT_MUTED)
    for i, (name, colour) in enumerate(zip(JUDGE_COLS, JUDGE_COLOURS, strict=True)):
        canvas.text(
            x + first + col_w * (i + 0.5),
            head_y,
            name,
            style.SMALL_SIZE,
            colour,
            ha="center",
            bold=True,
        )
    if not view.judgements:
        canvas.note(x + w / 2, y + h / 2 + 10, "这次游玩没有判定明细")
        return
    for r, row in enumerate(JUDGE_ROWS):
        ry = head_y + 32 * (r + 1)
        canvas.line(x + 14, ry - 22, x + w - 14, ry - 22)
        canvas.text(x + 18, ry, row.upper(), style.BODY_SIZE)
        cells = view.judgements.get(row) or ()
        for i in range(len(JUDGE_COLS)):
            value = cells[i] if i < len(cells) else None
            shown = "—" if value is None else str(value)
            colour = style.TEXT_MUTED if not value else style.TEXT
            canvas.text(
                x + first + col_w * (i + 0.5), ry, shown, style.BODY_SIZE, colour, ha="center"
            )


def _detail_stats(
    canvas: Canvas, view: PlayDetailView, x: float, y: float, w: float, h: float
) -> None:
    canvas.panel(x, y, w, h)
    rows: list[tuple[str, str, str]] = []
    rows.append(("FAST", _num(view.fast), "#2b8fd6"))
    rows.append(("LATE", _num(view.late), "#d64545"))
    rows.append(("最大连击", _ratio(view.max_combo), style.TEXT))
    rows.append(("最大同步", _ratio(view.max_sync), style.TEXT))
    if view.rating_after is not None:
        rows.append(
            ("游玩后 Rating", str(view.rating_after), style.rating_colour(view.rating_after))
        )
    if view.rating_delta is not None:
        colour = (
            style.GOOD
            if view.rating_delta > 0
            else (style.BAD if view.rating_delta < 0 else style.TEXT_MUTED)
        )
        rows.append(("Rating 变化", f"{view.rating_delta:+d}", colour))
    for i, (label, value, colour) in enumerate(rows):
        ry = y + 36 + i * 36
        canvas.text(x + 18, ry, label, style.BODY_SIZE, style.TEXT_MUTED)
        canvas.text(x + w - 18, ry, value, 14, colour, ha="right", bold=True)


def _previous_plays(
    canvas: Canvas, previous: tuple[PlayCard, ...], x: float, y: float, w: float, h: float
) -> None:
    canvas.panel(x, y, w, h)
    canvas.text(x + 18, y + 34, "同一谱面的历史游玩", style.HEADING_SIZE, bold=True)
    if not previous:
        canvas.text(
            x + 18,
            y + 34 + PREV_ROW_H,
            "这是该谱面第一次被存档的游玩",
            style.BODY_SIZE,
            style.TEXT_MUTED,
        )
        return
    for i, play in enumerate(previous):
        ry = y + 34 + PREV_ROW_H * (i + 1)
        canvas.line(x + 14, ry - 22, x + w - 14, ry - 22)
        canvas.text(
            x + 18, ry, f"{play.played_at:%Y/%m/%d %H:%M}", style.BODY_SIZE, style.TEXT_MUTED
        )
        canvas.text(x + 220, ry, format_achievement(play.achievement), style.BODY_SIZE, bold=True)
        canvas.rank(x + 340, ry, play.rank)
        lamps = " ".join(filter(None, (style.fc_label(play.fc), style.fs_label(play.fs))))
        canvas.text(x + 420, ry, lamps, style.BODY_SIZE, style.TEXT_MUTED)
        canvas.text(
            x + 560,
            ry,
            f"DX {format_dx(play.dx_score, play.dx_score_max)}",
            style.BODY_SIZE,
            style.TEXT_MUTED,
        )
        if play.new_record:
            canvas.text(
                x + w - 18, ry, "NEW RECORD", style.SMALL_SIZE, style.NEW_RECORD, ha="right"
            )


def _num(value: int | None) -> str:
    return "—" if value is None else str(value)


def _ratio(pair: tuple[int, int] | None) -> str:
    return "—" if pair is None else f"{pair[0]:,} / {pair[1]:,}"
