"""One visit (/today): its span, credits, rating start → end, new bests, the best play,
fast/late, every play in order, then that visit's photos. Long visits continue on more pages."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..game import format_achievement
from ..views.progress_views import VisitPlay, VisitView
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas, pages_of

WIDTH = 1200
SUMMARY_H = 112
ROW_H = 38
ROWS_PER_PAGE = 40
PHOTO_W, PHOTO_H = 220, 165
PHOTOS_PER_ROW = 5


def visits_pages(views: tuple[VisitView, ...]) -> list[Figure]:
    return [fig for view in views for fig in visit_pages(view)]


def visit_pages(view: VisitView) -> list[Figure]:
    chunks = pages_of(view.plays, ROWS_PER_PAGE)
    figures = []
    for page, chunk in enumerate(chunks):
        last = page == len(chunks) - 1
        photo_rows = -(-len(view.photos) // PHOTOS_PER_ROW) if last else 0
        height = HEADER_H + SUMMARY_H + 24 + len(chunk) * ROW_H + 16 + FOOTER_H
        if photo_rows:
            height += 40 + photo_rows * (PHOTO_H + style.GAP)
        canvas = Canvas(WIDTH, int(height))
        span = f"{view.start:%Y/%m/%d %H:%M} — {view.end:%H:%M}"
        pages = f" · 第 {page + 1}/{len(chunks)} 页" if len(chunks) > 1 else ""
        title = "出勤记录" + (f" · {view.heading}" if view.heading else "")
        draw_header(
            canvas,
            view.player,
            title,
            f"{span} · {view.credits} 次投币 · {len(view.plays)} 首{pages}",
        )
        y = HEADER_H + 8
        _summary(canvas, view, y)
        y += SUMMARY_H + 16
        first_number = page * ROWS_PER_PAGE
        for i, play in enumerate(chunk):
            _row(canvas, play, first_number + i + 1, y + i * ROW_H)
        y += len(chunk) * ROW_H + 16
        if photo_rows:
            _photos(canvas, view, y)
        draw_footer(canvas, "maimai archive · 间隔不到一小时的游玩算一次出勤")
        figures.append(canvas.figure)
    return figures


def _summary(canvas: Canvas, view: VisitView, y: float) -> None:
    m = style.MARGIN
    w = canvas.width - 2 * m
    canvas.panel(m, y, w, SUMMARY_H)
    col = w / 4
    if view.rating_start is not None and view.rating_end is not None:
        delta = view.rating_end - view.rating_start
        colour = style.GOOD if delta > 0 else style.BAD if delta < 0 else style.TEXT_MUTED
        rating, sub = f"{view.rating_start} → {view.rating_end}", (f"{delta:+d}", colour)
    else:
        rating, sub = (
            (f"{view.rating_end}" if view.rating_end is not None else "—"),
            ("无详情", style.TEXT_MUTED),
        )
    fl = "—" if view.fast is None else f"{view.fast} / {view.late or 0}"
    cells = (
        ("Rating", rating, sub),
        ("新纪录", str(view.new_bests), ("刷新最佳成绩的游玩", style.TEXT_MUTED)),
        ("FAST / LATE", fl, ("有详情的游玩合计", style.TEXT_MUTED)),
    )
    for i, (label, value, (note, note_colour)) in enumerate(cells):
        x = m + 20 + i * col
        canvas.text(x, y + 30, label, style.SMALL_SIZE, style.TEXT_MUTED)
        canvas.text(x, y + 64, value, 17, bold=True, max_width=col - 24)
        canvas.text(x, y + 92, note, style.SMALL_SIZE, note_colour, max_width=col - 24)
    best = view.best_play
    x = m + 20 + 3 * col
    canvas.text(x, y + 30, "最佳一首", style.SMALL_SIZE, style.TEXT_MUTED)
    if best is not None:
        canvas.text(x, y + 62, best.chart.title, style.BODY_SIZE, max_width=col - 30)
        rating = f" · Rating {best.rating}" if best.rating is not None else ""
        canvas.text(
            x,
            y + 90,
            f"{format_achievement(best.achievement)}{rating}",
            style.BODY_SIZE,
            style.ACCENT,
        )


def _row(canvas: Canvas, play: VisitPlay, number: int, y: float) -> None:
    m = style.MARGIN
    w = canvas.width - 2 * m
    if number % 2:
        canvas.rect(m, y, w, ROW_H, "#eceef7", zorder=1)
    base = y + ROW_H / 2 + 5
    canvas.text(m + 10, base, f"{number}", style.SMALL_SIZE, style.TEXT_MUTED)
    canvas.text(
        m + 44, base, f"{play.played_at:%H:%M} · {play.track}", style.SMALL_SIZE, style.TEXT_MUTED
    )
    badge = canvas.difficulty_badge(play.chart, m + 130, y + 9)
    canvas.text(m + 140 + badge, base, play.chart.title, style.BODY_SIZE, max_width=560 - badge)
    ach_x = m + 720
    canvas.text(ach_x, base, format_achievement(play.achievement), style.BODY_SIZE, bold=True)
    canvas.rank(ach_x + 92, base, play.rank, bold=True)
    cursor: float = ach_x + 150
    for label, colour in (
        (style.fc_label(play.fc), style.fc_colour(play.fc)),
        (style.fs_label(play.fs), style.fs_colour(play.fs)),
    ):
        if label:
            cursor += canvas.badge(cursor, y + 9, label, colour) + 4
    if play.new_record:
        canvas.badge(cursor, y + 9, "NEW", style.NEW_RECORD)
    right = m + w - 10
    after = "—" if play.rating_after is None else str(play.rating_after)
    canvas.text(right, base, after, style.BODY_SIZE, style.ACCENT, ha="right")


def _photos(canvas: Canvas, view: VisitView, y: float) -> None:
    m = style.MARGIN
    canvas.text(m, y + 22, f"当天的照片（{len(view.photos)}）", style.HEADING_SIZE)
    y += 40
    for i, path in enumerate(view.photos):
        x = m + (i % PHOTOS_PER_ROW) * (PHOTO_W + style.GAP)
        top = y + (i // PHOTOS_PER_ROW) * (PHOTO_H + style.GAP)
        if not canvas.image(path, x, top, PHOTO_W, PHOTO_H):
            canvas.rect(x, top, PHOTO_W, PHOTO_H, style.PLACEHOLDER, zorder=3)
            canvas.note(x + PHOTO_W / 2, top + PHOTO_H / 2, "照片缺失", style.SMALL_SIZE)
