"""Checks shared by the render tests: size bounds and "not blank". Holds no tests itself."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from plugins.maimai_archive.core.pages import parse_record
from plugins.maimai_archive.core.parsed import ParsedPlay
from plugins.maimai_archive.core.render.engine import MAX_PNG_BYTES, MAX_SIDE_PX
from plugins.maimai_archive.core.views.play_views import (
    AlbumPhoto,
    AlbumView,
    B50Tile,
    B50View,
    ChartHistoryView,
    ChartPoint,
    ChartRef,
    DiffEntry,
    DiffView,
    PlayCard,
    PlayDetailView,
    PlayerHeader,
    RecentView,
    RecordsView,
)
from plugins.maimai_archive.core.views.progress_views import CurvePoint, RatingCurveView

# matplotlib attributes the warning to the caller of savefig, so a module filter on
# "matplotlib.*" misses it: match the message instead. Every render test module uses this.
RENDER_MARKS = [
    pytest.mark.render,
    pytest.mark.filterwarnings("error:Glyph .* missing from font:UserWarning"),
]


PHOTOGRAPHIC = {"album", "photo"}  # pages of photos are JPEG (render/engine.photographic)


def check_png(data: bytes, *, min_side: int = 100, jpeg: bool = False) -> Image.Image:
    """A PNG (a JPEG where ``jpeg``) within the limits, not blank."""
    assert data[:3] == b"\xff\xd8\xff" if jpeg else data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) <= MAX_PNG_BYTES
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    assert min_side <= width <= MAX_SIDE_PX
    assert min_side <= height <= MAX_SIDE_PX
    pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 8, "image looks blank"
    return image


# --- the fixture archive: real record pages (../shared/real_html) + synthetic extras ----------

REPO = Path(__file__).resolve().parents[2]
REAL_HTML = REPO.parent / "shared" / "real_html"
REAL_RECORD_PAGES = (
    "TrueRou__maimai.py__tests__sample_data__record.html",
    "Uc207Pr4f57t9-251__mainetcn__captures__rec__response_body.html",
)


def real_plays() -> list[ParsedPlay]:
    """Every play on the real CN record pages, newest first; skips when they are absent."""
    paths = [REAL_HTML / name for name in REAL_RECORD_PAGES]
    if not all(p.is_file() for p in paths):
        pytest.skip(reason=f"real record pages not available under {REAL_HTML}")
    plays = [play for p in paths for play in parse_record(p.read_text(encoding="utf-8"))]
    return sorted(plays, key=lambda play: play.played_unix, reverse=True)


def card_of(play: ParsedPlay, number: int, constant: int | None = None) -> PlayCard:
    rating = None if constant is None else constant * min(play.achievement, 1_005_000) // 10_000_00
    return PlayCard(
        number=number,
        chart=ChartRef(play.title, play.type.value, play.difficulty.value, play.level, constant),
        played_at=play.played_at,
        track=play.track,
        achievement=play.achievement,
        rank=play.rank.value,
        fc=play.fc.value if play.fc else None,
        fs=play.fs.value if play.fs else None,
        dx_score=play.dx_score,
        dx_score_max=play.dx_score_max,
        dx_stars=play.dx_stars,
        new_record=play.new_record,
        new_dx_record=play.new_dx_record,
        rating=rating,
        place=play.place,
    )


def level_constant(level: str | None) -> int | None:
    """SYNTHETIC constant for a level ("13+" → 137), when the catalogue is not at hand."""
    if not level or not level.rstrip("+?").isdigit():
        return None
    return int(level.rstrip("+?")) * 10 + (7 if level.endswith("+") else 0)


PLAYER = PlayerHeader("ＭＡＩＭＡＩ☆でらっくす", 14523, "123456789")


def fixture_cards(count: int | None = None) -> tuple[PlayCard, ...]:
    plays = real_plays()
    cards = tuple(
        card_of(p, i + 1, level_constant(p.level) or _guess_constant(p))
        for i, p in enumerate(plays)
    )
    return cards if count is None else cards[:count]


def _guess_constant(play: ParsedPlay) -> int | None:
    """SYNTHETIC: the CN record pages show no level; give non-Utage charts a plausible one."""
    if play.difficulty.value == "utage":
        return None
    return {"basic": 50, "advanced": 85, "expert": 115, "master": 132, "remaster": 140}[
        play.difficulty.value
    ]


def b50_entries(cards: tuple[PlayCard, ...]) -> list[B50Tile]:
    """Best per chart, rated, best first (SYNTHETIC constants)."""
    best: dict[tuple[str, str, str], PlayCard] = {}
    for card in cards:
        key = (card.chart.title, card.chart.type, card.chart.difficulty)
        if card.rating is not None and (
            key not in best or card.achievement > best[key].achievement
        ):
            best[key] = card
    entries = [
        B50Tile(
            c.chart, c.achievement, c.rank, c.fc, c.fs, c.rating or 0, c.dx_score, c.dx_score_max
        )
        for c in best.values()
    ]
    return sorted(entries, key=lambda e: e.rating, reverse=True)


JUDGEMENTS: dict[str, tuple[int | None, ...]] = {  # SYNTHETIC
    "tap": (412, 30, 4, 1, 2),
    "hold": (58, 3, 0, 0, 0),
    "slide": (97, 2, 1, 0, 0),
    "touch": (None, None, None, None, None),
    "break": (31, 6, 2, 0, 0),
}


def fixture_views() -> dict[str, tuple]:
    """Every image of the archive as (renderer, view, returns pages?), from the real pages."""
    cards = fixture_cards()
    entries = b50_entries(cards)
    start = cards[-1].played_at
    rating_points = tuple(
        CurvePoint(start + timedelta(days=3 * i), 13800 + 40 * i + (i % 3) * 7, i % 5 != 0)
        for i in range(30)
    )
    lionheart = [c for c in reversed(cards) if c.chart.title == "[協]疾走あんさんぶる"]
    best_so_far = 0
    chart_points = []
    for c in lionheart:
        chart_points.append(
            ChartPoint(c.played_at, c.achievement, c.dx_score, c.achievement > best_so_far)
        )
        best_so_far = max(best_so_far, c.achievement)
    diff_entries = tuple(
        DiffEntry(
            e.chart,
            e.achievement - 5123 if i % 4 else None,
            e.achievement,
            e.rating - 3 if i % 4 else None,
            e.rating,
            old_fc=None,
            new_fc=e.fc,
            old_fs=None if i % 2 else e.fs,
            new_fs=e.fs,
            entered_b50=i % 3 == 0,
        )
        for i, e in enumerate(entries[:40])
    )
    album = tuple(
        AlbumPhoto(i + 1, None, c.chart.title, c.chart.difficulty, c.played_at, "舞萌DX 上海某店")
        for i, c in enumerate(cards[:10])
    )
    from plugins.maimai_archive.core.render import album as album_r
    from plugins.maimai_archive.core.render import b50, curve, diff, history, records_table
    from plugins.maimai_archive.core.render import cards as cards_r

    return {
        "recent": (cards_r.recent_pages, RecentView(PLAYER, cards[:50]), True),
        "recent_short": (cards_r.recent_pages, RecentView(PLAYER, cards[:3]), True),
        "play": (
            cards_r.play_detail_figure,
            PlayDetailView(
                PLAYER,
                cards[12],
                JUDGEMENTS,
                21,
                48,
                (611, 640),
                (1200, 1280),
                14530,
                7,
                tuple(lionheart[:-1]),
            ),
            False,
        ),
        "diff": (
            diff.diff_pages,
            DiffView(
                PLAYER,
                "上次同步 2025/11/22 21:55",
                14480,
                14523,
                diff_entries,
                tuple(e.chart for e in entries[40:44]),
                50,
            ),
            True,
        ),
        "rating_history": (
            curve.rating_curve_figure,
            RatingCurveView(PLAYER, rating_points),
            False,
        ),
        "chart_history": (
            history.chart_history_figure,
            ChartHistoryView(PLAYER, lionheart[0].chart, tuple(chart_points)),
            False,
        ),
        "b50": (b50.b50_figure, B50View(PLAYER, tuple(entries[15:50]), tuple(entries[:15])), False),
        "records": (
            records_table.records_figure,
            RecordsView(
                PLAYER,
                cards[: records_table.PAGE_SIZE],
                1,
                -(-len(cards) // records_table.PAGE_SIZE),
                len(cards),
            ),
            False,
        ),
        "album": (album_r.album_pages, AlbumView(PLAYER, album), True),
        "photo": (album_r.photo_figure, PLAYER, album[0]),
    }
