"""``/chart`` (one song, every difficulty) and ``/charts <level>`` (定数表 / 完成表) images.

Views here hold catalogue objects (``Song``/``Chart``, immutable) plus the asker's bests;
the renderers are plain functions returning figures, run by ``RenderPool.png``/``.pages``.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from matplotlib.figure import Figure

from ..game import Difficulty, format_achievement, rank_for
from ..rating import chart_rating, score_line
from ..songs.data import Chart
from ..views.chart_views import ChartBest, ChartInfoView, ChartListView
from ..views.play_views import ChartRef, PlayerHeader
from . import style
from .cards import FOOTER_H, HEADER_H, draw_footer, draw_header
from .draw import Canvas

WIDTH = 1200
SSS, SSSP = 1_000_000, 1_005_000


def _ref(chart: Chart) -> ChartRef:
    return ChartRef(
        chart.title, chart.type.value, chart.difficulty.value, chart.level, chart.constant
    )


def _header(canvas: Canvas, player: PlayerHeader | None, title: str, subtitle: str) -> None:
    draw_header(canvas, player or PlayerHeader(""), title, subtitle)


def _line_text(chart: Chart, target: int, label: str) -> str:
    line = score_line(chart.notes, target)
    if line is None:
        return f"{label} —"
    return (
        f"{label} 容错 {line.allowed / 10000:.4f}%: TAP GREAT ×{line.tap_greats}"
        f" · 绝赞 50落 ×{line.break_2550s} · 100落 ×{line.break_2500s}"
    )


# --- /chart ---------------------------------------------------------------------------------

ROW_H = 96
SECTION_HEAD = 44


def chart_info_figure(view: ChartInfoView) -> Figure:
    rows = sum(len(s.charts) for s in view.songs)
    height = HEADER_H + 70 + len(view.songs) * SECTION_HEAD + rows * ROW_H + FOOTER_H + 20
    canvas = Canvas(WIDTH, height)
    first = view.songs[0]
    ids = " / ".join(f"id{s.id}" for s in view.songs)
    _header(
        canvas, view.player, first.title if first.title.strip() else "（空白标题）", first.artist
    )
    m = style.MARGIN
    info = f"{ids} · {first.genre} · {first.version} · BPM {first.bpm:g}"
    canvas.text(m, HEADER_H + 22, info, style.BODY_SIZE, style.TEXT_MUTED, max_width=WIDTH - 2 * m)
    if view.aliases:
        canvas.text(
            m,
            HEADER_H + 46,
            "别名: " + "、".join(view.aliases[:12]),
            style.SMALL_SIZE,
            style.TEXT_MUTED,
            max_width=WIDTH - 2 * m,
        )
    y = HEADER_H + 62
    for song in view.songs:
        kind = {"SD": "标准", "DX": "DX", "UTAGE": "宴"}[song.type.value]
        canvas.badge(m, y + 10, kind, "#4a4e69", size=style.BODY_SIZE, height=24)
        if song.is_new:
            canvas.badge(m + 70, y + 10, "当前版本", style.ACCENT, size=style.BODY_SIZE, height=24)
        y += SECTION_HEAD
        for chart in song.charts:
            _chart_row(canvas, chart, view.bests.get(chart.key), y)
            y += ROW_H
    draw_footer(canvas, "定数来自水鱼曲库 · 容错按仅此一种失误计算")
    return canvas.figure


def _chart_row(canvas: Canvas, chart: Chart, best: ChartBest | None, y: float) -> None:
    m = style.MARGIN
    canvas.panel(m, y, WIDTH - 2 * m, ROW_H - 8)
    canvas.rect(m, y + 6, 6, ROW_H - 20, style.difficulty_colour(chart.difficulty), zorder=3)
    canvas.difficulty_badge(_ref(chart), m + 16, y + 10, style.BODY_SIZE)
    n = chart.notes
    touch = n.touch if chart.type.value != "SD" else "—"
    notes = f"TAP {n.tap}  HOLD {n.hold}  SLIDE {n.slide}  TOUCH {touch}  BREAK {n.break_}  共 {n.total}"
    canvas.text(m + 16, y + 50, notes, style.BODY_SIZE)
    canvas.text(
        m + 16, y + 74, f"谱师 {chart.charter}", style.SMALL_SIZE, style.TEXT_MUTED, max_width=300
    )
    canvas.text(m + 330, y + 74, _line_text(chart, SSS, "SSS"), style.SMALL_SIZE, style.TEXT_MUTED)
    canvas.text(
        m + 330, y + 30, _line_text(chart, SSSP, "SSS+"), style.SMALL_SIZE, style.TEXT_MUTED
    )
    right = WIDTH - m - 16
    if best is None:
        canvas.text(right, y + 50, "未游玩", style.BODY_SIZE, style.TEXT_MUTED, ha="right")
        return
    rank = rank_for(best.achievement)
    canvas.text(
        right,
        y + 36,
        format_achievement(best.achievement),
        style.HEADING_SIZE,
        ha="right",
        bold=True,
    )
    lamp = " ".join(x for x in (style.fc_label(best.fc), style.fs_label(best.fs)) if x)
    detail = f"{rank.label}  {lamp}  Rating {chart_rating(chart, best.achievement)}".replace(
        "  ", " "
    )
    canvas.text(right, y + 62, detail, style.SMALL_SIZE, style.rank_colour(rank), ha="right")
    if len(best.history) >= 2:
        _sparkline(canvas, best.history, right - 330, y + 12, 140, ROW_H - 32)


def _sparkline(
    canvas: Canvas,
    history: tuple[tuple[datetime, int], ...],
    x: float,
    y: float,
    w: float,
    h: float,
) -> None:
    """Achievement over time, drawn in the row's pixel space (no extra axes)."""
    times = [t.timestamp() for t, _ in history]
    values = [a for _, a in history]
    t0, t1 = min(times), max(times)
    lo, hi = min(values), max(values)
    span_t, span_v = (t1 - t0) or 1, (hi - lo) or 1
    xs = [x + (t - t0) / span_t * w for t in times]
    ys = [y + h - (v - lo) / span_v * h for v in values]
    canvas.ax.plot(xs, ys, color=style.ACCENT, linewidth=1.5, zorder=4)
    canvas.ax.plot(xs[-1:], ys[-1:], "o", color=style.ACCENT, markersize=3, zorder=4)


# --- /charts --------------------------------------------------------------------------------

COLS = 6
CELL_W = (WIDTH - 2 * style.MARGIN - 70) // COLS
CELL_H = 46
GROUP_GAP = 14
MAX_PAGE_H = 3600


def rank_counts(view: ChartListView) -> dict[str, int]:
    """How many charts of the list the asker has at S / SS / SSS / SSS+ or better."""
    achieved = [view.bests[c.key].achievement for c in view.charts if c.key in view.bests]
    return {
        label: sum(a >= bound for a in achieved)
        for label, bound in (
            ("S", 970_000),
            ("SS", 990_000),
            ("SSS", 1_000_000),
            ("SSS+", 1_005_000),
        )
    }


def _groups(charts: tuple[Chart, ...]) -> list[tuple[int, list[Chart]]]:
    ordered = sorted(charts, key=lambda c: (-c.constant, c.title, c.type.value, c.difficulty.index))
    return [
        (constant, list(group)) for constant, group in groupby(ordered, key=lambda c: c.constant)
    ]


def chart_list_figures(view: ChartListView) -> list[Figure]:
    """One or more pages (tall levels split) of every chart, grouped by constant."""
    blocks = [
        (constant, charts[i : i + COLS])
        for constant, charts in _groups(view.charts)
        for i in range(0, len(charts), COLS)
    ]
    pages: list[list[tuple[int, list[Chart]]]] = [[]]
    height = HEADER_H + 60
    for block in blocks:
        if height + CELL_H + GROUP_GAP > MAX_PAGE_H - FOOTER_H and pages[-1]:
            pages.append([])
            height = HEADER_H + 60
        pages[-1].append(block)
        height += CELL_H + 6 + GROUP_GAP
    counts = rank_counts(view)
    played = sum(c.key in view.bests for c in view.charts)
    summary = f"{len(view.charts)} 谱面 · 已玩 {played} · " + " · ".join(
        f"{k} {v}" for k, v in counts.items()
    )
    figures = []
    for number, page in enumerate(pages, 1):
        title = f"{view.level} 定数表" + (f" · {view.filters}" if view.filters else "")
        if len(pages) > 1:
            title += f" ({number}/{len(pages)})"
        figures.append(_list_page(view, page, title, summary))
    return figures


def _list_page(
    view: ChartListView, blocks: list[tuple[int, list[Chart]]], title: str, summary: str
) -> Figure:
    rows = len(blocks)
    starts = sum(1 for i, b in enumerate(blocks) if i == 0 or blocks[i - 1][0] != b[0])
    height = HEADER_H + 40 + rows * (CELL_H + 6) + starts * GROUP_GAP + FOOTER_H + 10
    canvas = Canvas(WIDTH, height)
    _header(canvas, view.player, title, summary)
    m = style.MARGIN
    y = HEADER_H + 20
    previous = None
    for constant, charts in blocks:
        if constant != previous:
            y += GROUP_GAP
            canvas.text(
                m,
                y + CELL_H / 2 + 6,
                f"{constant // 10}.{constant % 10}",
                style.HEADING_SIZE,
                bold=True,
            )
            previous = constant
        for i, chart in enumerate(charts):
            _cell(canvas, chart, view.bests.get(chart.key), m + 70 + i * CELL_W, y)
        y += CELL_H + 6
    draw_footer(canvas, "按定数分组 · 右上为你的评级与 FC/FS")
    return canvas.figure


def _cell(canvas: Canvas, chart: Chart, best: ChartBest | None, x: float, y: float) -> None:
    w = CELL_W - 8
    done = best is not None
    canvas.panel(x, y, w, CELL_H, colour=style.PANEL if done else "#eceef6", radius=6)
    canvas.rect(x, y + 4, 5, CELL_H - 8, style.difficulty_colour(chart.difficulty), zorder=3)
    kind = "DX" if chart.type.value == "DX" else "SD"
    canvas.text(
        x + 12,
        y + 19,
        chart.title if chart.title.strip() else "（空白）",
        style.SMALL_SIZE,
        max_width=w - 60,
    )
    sub = kind + (
        ""
        if chart.difficulty is Difficulty.MASTER
        else f" {style.DIFFICULTY_SHORT[chart.difficulty]}"
    )
    canvas.text(x + 12, y + 38, sub, style.SMALL_SIZE - 1, style.TEXT_MUTED)
    if best is None:
        return
    rank = rank_for(best.achievement)
    canvas.text(
        x + w - 6,
        y + 19,
        rank.label,
        style.SMALL_SIZE,
        style.rank_colour(rank),
        ha="right",
        bold=best.achievement >= SSS,
    )
    lamp = style.fc_label(best.fc) or ""
    if lamp:
        canvas.text(
            x + w - 6, y + 38, lamp, style.SMALL_SIZE - 1, style.fc_colour(best.fc), ha="right"
        )
