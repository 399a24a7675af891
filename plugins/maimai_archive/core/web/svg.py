"""Charts drawn as inline SVG on the server: the rating curve and the calendar of days
played. Presentation attributes and classes only (the CSP allows no inline style)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from .layout import e

W, H, PAD = 800, 260, 44
MAX_POINTS = 1500  # more points than pixels draw nothing more


def rating_curve(points: Sequence[tuple[datetime, int]]) -> str:
    """``points`` oldest first: a line from the first to the last, axes labelled at the ends."""
    if not points:
        return "<p class=muted>这段时间没有 Rating 记录。</p>"
    if len(points) > MAX_POINTS:
        step = len(points) / MAX_POINTS
        points = [points[int(i * step)] for i in range(MAX_POINTS)] + [points[-1]]
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    r0 = min(r for _, r in points)
    r1 = max(r for _, r in points)
    span_t = max(t1 - t0, 1.0)
    span_r = max(r1 - r0, 1)

    def x(at: datetime) -> float:
        return PAD + (at.timestamp() - t0) / span_t * (W - 2 * PAD)

    def y(rating: int) -> float:
        return H - PAD - (rating - r0) / span_r * (H - 2 * PAD)

    line = " ".join(f"{x(at):.1f},{y(r):.1f}" for at, r in points)
    last_at, last_r = points[-1]
    return (
        f'<svg class=curve viewBox="0 0 {W} {H}" role=img aria-label="Rating 曲线">'
        f'<line class=axis x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}"/>'
        f'<line class=axis x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{H - PAD}"/>'
        f'<polyline class=line fill="none" points="{line}"/>'
        f'<circle class=dot cx="{x(last_at):.1f}" cy="{y(last_r):.1f}" r="4"/>'
        f'<text x="{PAD - 4}" y="{y(r1) + 4:.1f}" text-anchor="end">{r1}</text>'
        f'<text x="{PAD - 4}" y="{y(r0) + 4:.1f}" text-anchor="end">{r0}</text>'
        f'<text x="{PAD}" y="{H - PAD + 20}">{e(f"{points[0][0]:%Y-%m-%d}")}</text>'
        f'<text x="{W - PAD}" y="{H - PAD + 20}" text-anchor="end">'
        f"{e(f'{last_at:%Y-%m-%d}')}</text></svg>"
    )


def level_of(count: int) -> int:
    return 0 if count == 0 else 1 if count < 5 else 2 if count < 10 else 3 if count < 20 else 4


CELL = 13


def calendar(first: date, last: date, counts: dict[date, int], link: dict[date, str]) -> str:
    """Weeks as columns (Monday on top), one square per day, shaded by plays that day; a day
    with plays links to them (``link``: day → its already escaped URL)."""
    start = first - timedelta(days=first.weekday())
    weeks = (last - start).days // 7 + 1
    cells = []
    day = start
    while day <= last:
        if day >= first:
            col, row = (day - start).days // 7, day.weekday()
            n = counts.get(day, 0)
            rect = (
                f'<rect class="c{level_of(n)}" x="{col * CELL + 24}" y="{row * CELL + 16}"'
                f' width="{CELL - 2}" height="{CELL - 2}" rx="2">'
                f"<title>{e(f'{day:%Y-%m-%d}')}：{n} 次游玩</title></rect>"
            )
            cells.append(f'<a href="{link[day]}">{rect}</a>' if day in link else rect)
            if day.day == 1:
                cells.append(f'<text x="{col * CELL + 24}" y="11">{day.month}月</text>')
        day += timedelta(days=1)
    width = weeks * CELL + 30
    labels = "".join(
        f'<text x="0" y="{r * CELL + 26}">{t}</text>' for r, t in ((0, "一"), (2, "三"), (4, "五"))
    )
    return (
        f'<div class=scroll><svg class=calendar width="{width}" height="{7 * CELL + 20}"'
        f' viewBox="0 0 {width} {7 * CELL + 20}" role=img aria-label="出勤日历">'
        f"{labels}{''.join(cells)}</svg></div>"
    )
