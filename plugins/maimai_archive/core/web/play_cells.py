"""A play's cells on the pages: achievement, difficulty, level, rank, lamps, the chart with
its cached jacket. Every value is escaped here; the result is HTML."""

from __future__ import annotations

from pathlib import Path

from ..game import Difficulty
from ..render.style import DIFFICULTY_SHORT, fc_label, fs_label, rank_label
from ..views.play_views import ChartRef
from .layout import Here, e


def achievement(value: int | None) -> str:
    return "—" if value is None else f"{value / 10000:.4f}%"


def diff_badge(code: str) -> str:
    try:
        label = DIFFICULTY_SHORT[Difficulty(code)]
    except ValueError:
        label = code
    return f'<span class="diff d-{e(code)}">{e(label)}</span>'


def level_text(level: str | None, constant: int | None) -> str:
    if constant is not None:
        return f"{e(level or '')} <small>{constant // 10}.{constant % 10}</small>"
    return e(level or "?")


def rank_text(code: str) -> str:
    try:
        return e(rank_label(code))
    except ValueError:
        return e(code)


def lamps(fc: str | None, fs: str | None) -> str:
    parts = []
    for code, label in ((fc, _label(fc_label, fc)), (fs, _label(fs_label, fs))):
        if code and label:
            parts.append(f'<span class="lamp l-{e(code)}">{e(label)}</span>')
    return " ".join(parts)


def _label(fn: object, code: str | None) -> str | None:
    try:
        return fn(code) if callable(fn) else None
    except ValueError:
        return code


def jacket(here: Here, path: Path | None) -> str:
    """The cached cover as a small image (the bot's own cache; nothing from elsewhere)."""
    if path is None:
        return '<span class="jk none"></span>'
    return f'<img class=jk alt="" loading=lazy src="{here.url("jacket/" + path.name)}">'


def chart_cell(here: Here, ref: ChartRef, key: str | None = None) -> str:
    title = e(ref.title)
    if key:
        title = f'<a href="{here.url("chart", {"key": key})}">{title}</a>'
    return f"{jacket(here, ref.jacket)}<span class=t>{title} <small>{e(ref.type)}</small></span>"
