"""Archived photos (``/album``): a contact sheet, or one photo large (``/album <n>``)."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..views.play_views import AlbumPhoto, AlbumView, PlayerHeader
from . import style
from .cards import FOOTER_H, HEADER_H, Grid, draw_footer, draw_header, tile_pages
from .draw import Canvas
from .engine import photographic

COLUMNS = 4
THUMB_W = 270
THUMB_H = 200
CAPTION_H = 54
PER_PAGE = 24  # 6 rows


def album_pages(view: AlbumView) -> list[Figure]:
    grid = Grid(COLUMNS, PER_PAGE, THUMB_W, THUMB_H + CAPTION_H)
    heading = ("相册", f"共 {len(view.photos)} 张")
    texts = ("还没有存档的照片", "maimai archive · /album <序号> 查看大图")
    pages = tile_pages(view.player, heading, view.photos, grid, _thumb, texts)
    return [photographic(figure) for figure in pages]


def _thumb(canvas: Canvas, photo: AlbumPhoto, x: float, y: float) -> None:
    canvas.panel(x, y, THUMB_W, THUMB_H + CAPTION_H)
    pad = 8
    if not canvas.image(photo.path, x + pad, y + pad, THUMB_W - 2 * pad, THUMB_H - pad):
        canvas.rect(x + pad, y + pad, THUMB_W - 2 * pad, THUMB_H - pad, style.PLACEHOLDER, zorder=3)
        canvas.note(x + THUMB_W / 2, y + THUMB_H / 2, "照片未下载", va="center_baseline")
    canvas.badge(x + pad + 4, y + pad + 4, f"#{photo.number}", "#4a4e69")
    _caption(canvas, photo, x + pad, y + THUMB_H + 22, THUMB_W - 2 * pad)


def _caption(
    canvas: Canvas, photo: AlbumPhoto, x: float, y: float, w: float, size: float = style.BODY_SIZE
) -> None:
    colour = style.difficulty_colour(photo.difficulty) if photo.difficulty else style.TEXT_MUTED
    canvas.rect(x, y - 14, 4, 18, colour, zorder=3)
    canvas.text(x + 10, y, photo.title or "（无标题）", size, max_width=w - 10)
    when = f"{photo.taken_at:%Y/%m/%d %H:%M}" if photo.taken_at else ""
    info = " · ".join(filter(None, (when, photo.place)))
    canvas.text(x + 10, y + 22, info, style.SMALL_SIZE, style.TEXT_MUTED, max_width=w - 10)


def photo_figure(player: PlayerHeader, photo: AlbumPhoto) -> Figure:
    m = style.MARGIN
    width, photo_h = 1000, 700
    height = HEADER_H + photo_h + 70 + FOOTER_H
    canvas = Canvas(width, height)
    draw_header(canvas, player, "相册", f"#{photo.number}")
    canvas.panel(m, HEADER_H, width - 2 * m, photo_h + 70)
    box_w = width - 2 * m - 24
    if not canvas.image(photo.path, m + 12, HEADER_H + 12, box_w, photo_h - 12):
        canvas.rect(m + 12, HEADER_H + 12, box_w, photo_h - 12, style.PLACEHOLDER, zorder=3)
        canvas.note(width / 2, HEADER_H + photo_h / 2, "照片未下载", style.HEADING_SIZE)
    _caption(canvas, photo, m + 12, HEADER_H + photo_h + 28, box_w, size=style.HEADING_SIZE)
    draw_footer(canvas, "maimai archive")
    return photographic(canvas.figure)
