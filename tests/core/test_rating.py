"""Rating engine: every row of the factor table at its boundary, B50 on real charts, the
score line and "what would raise my rating"."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

import pytest

from plugins.maimai_archive.core.game import ChartType, Difficulty, Rank
from plugins.maimai_archive.core.rating import (
    B50,
    FACTORS,
    Score,
    b50,
    chart_rating,
    dx_stars,
    factor_for,
    rank_for,
    rating,
    score_line,
    what_raises,
)
from plugins.maimai_archive.core.songs.data import Notes
from tests.core.test_pages_support import real_page
from tests.core.test_songs_support import known, real_catalogue, small_catalogue

# DOMAIN.md §5, written out again as text so the test does not read the code's table.
TABLE = [
    ("100.5", "22.4"), ("100.4999", "22.2"), ("100.0", "21.6"), ("99.9999", "21.4"),
    ("99.5", "21.1"), ("99.0", "20.8"), ("98.9999", "20.6"), ("98.0", "20.3"),
    ("97.0", "20.0"), ("96.9999", "17.6"), ("94.0", "16.8"), ("90.0", "15.2"),
    ("80.0", "13.6"), ("79.9999", "12.8"), ("75.0", "12.0"), ("70.0", "11.2"),
    ("60.0", "9.6"), ("50.0", "8.0"), ("40", "6.4"), ("30", "4.8"), ("20", "3.2"),
    ("10", "1.6"), ("0", "0"),
]  # fmt: skip


def e4(percent: str) -> int:
    return int(Decimal(percent) * 10000)


def decimal_rating(ds: str, percent: str, factor: str) -> int:
    """The DOMAIN formula in decimal arithmetic, an independent path to the same number."""
    capped = min(Decimal(percent), Decimal("100.5"))
    value = Decimal(ds) * capped / 100 * Decimal(factor)
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def test_code_table_is_the_domain_table() -> None:
    assert [(b, f) for b, f in FACTORS] == [(e4(p), int(Decimal(f) * 10)) for p, f in TABLE]


@pytest.mark.parametrize(("i", "row"), list(enumerate(TABLE)))
@pytest.mark.parametrize("ds", ["13.0", "14.7", "15.0", "1.0"])
def test_every_row_at_its_bound_and_one_step_below(i: int, row: tuple[str, str], ds: str) -> None:
    percent, factor = row
    constant = int(Decimal(ds) * 10)
    assert factor_for(e4(percent)) == int(Decimal(factor) * 10)
    assert rating(constant, e4(percent)) == decimal_rating(ds, percent, factor)
    if i + 1 < len(TABLE):
        below = str(Decimal(percent) - Decimal("0.0001"))
        below_factor = TABLE[i + 1][1]
        assert factor_for(e4(below)) == int(Decimal(below_factor) * 10)
        assert rating(constant, e4(below)) == decimal_rating(ds, below, below_factor)


@pytest.mark.parametrize(
    ("constant", "achievement", "expected"),
    [
        (150, 1_005_000, 337),  # 15.0 × 1.005 × 22.4 = 337.68
        (150, 1_010_000, 337),  # above 100.5 earns nothing more
        (130, 1_004_999, 290),  # 13.0 × 1.004999 × 22.2 = 290.04
        (130, 1_000_000, 280),  # 13.0 × 1.0 × 21.6 = 280.8
        (130, 999_999, 278),  # 13.0 × 0.999999 × 21.4 = 278.20
        (130, 995_000, 272),  # 13.0 × 0.995 × 21.1 = 272.92
        (130, 989_999, 265),  # 13.0 × 0.989999 × 20.6 = 265.12
        (130, 969_999, 221),  # 13.0 × 0.969999 × 17.6 = 221.94
        (130, 799_999, 133),  # 13.0 × 0.799999 × 12.8 = 133.12
        (137, 1_005_000, 308),  # 13.7 × 1.005 × 22.4 = 308.41
        (140, 0, 0),
    ],
)
def test_hand_computed_ratings(constant: int, achievement: int, expected: int) -> None:
    assert rating(constant, achievement) == expected


def test_ranks_and_stars_use_greater_or_equal() -> None:
    assert rank_for(1_005_000) is Rank.SSSP and rank_for(1_004_999) is Rank.SSS
    assert rank_for(999_999) is Rank.SSP and rank_for(969_999) is Rank.AAA
    assert dx_stars(97, 100) == 5 and dx_stars(96, 100) == 4
    assert dx_stars(85, 100) == 1 and dx_stars(84, 100) == 0
    assert dx_stars(0, 0) == 0


def test_utage_gives_no_rating_and_stays_out_of_b50() -> None:
    catalogue = small_catalogue()
    utage = known(catalogue.song(100500)).charts[0]
    assert utage.type is ChartType.UTAGE and chart_rating(utage, 1_005_000) == 0
    board = b50([Score(utage, 1_005_000)])
    assert board.old == () and board.new == () and board.total == 0


def test_b50_splits_old_and_new_and_keeps_a_charts_best_once() -> None:
    catalogue = small_catalogue()
    alpha = known(catalogue.song(10001)).chart(Difficulty.REMASTER)  # 14.1, old
    beta = known(catalogue.song(11500)).chart(Difficulty.MASTER)  # 13.7, new
    assert alpha is not None and beta is not None
    board = b50([Score(alpha, 990_000), Score(alpha, 1_000_000), Score(beta, 1_005_000)])
    assert [e.achievement for e in board.old] == [1_000_000]
    assert board.old[0].rating == 304  # 14.1 × 1.0 × 21.6 = 304.56
    assert board.new[0].rating == 308  # 13.7 × 1.005 × 22.4 = 308.41
    assert board.total == 612


def test_b50_on_a_real_record_page_hand_checked() -> None:
    from plugins.maimai_archive.core.pages import parse_record

    catalogue = real_catalogue()
    plays = parse_record(real_page("TrueRou__maimai.py__tests__sample_data__record"))
    scores = [
        Score(
            known(catalogue.resolve(p.title, p.type, p.difficulty, p.dx_score_max)), p.achievement
        )
        for p in plays
    ]
    board = b50(scores)
    # This page (2025-10) predates PRiSM PLUS: every chart is of an older version.
    assert board.new == () and len(board.old) == 35
    top = [(e.chart.title, e.chart.constant, e.achievement, e.rating) for e in board.old[:3]]
    assert top == [
        ("VSpook!", 143, 1_006_821, 321),  # 14.3 × 1.005 (capped) × 22.4 = 321.92
        ("Cthugha", 142, 1_006_035, 319),  # 14.2 × 1.005 × 22.4 = 319.68
        (
            "ouroboros -twin stroke of the end-",
            145,
            1_000_900,
            313,
        ),  # 14.5 × 1.0009 × 21.6 = 313.48
    ]
    # Total by the decimal formula over the best 35 distinct charts, computed independently.
    best: dict[str, tuple[str, str]] = {}
    for s in scores:
        key = s.chart.key
        pct = f"{s.achievement // 10000}.{s.achievement % 10000:04d}"
        if key not in best or Decimal(pct) > Decimal(best[key][1]):
            best[key] = (s.chart.constant_text, pct)
    expected = sorted(
        (decimal_rating(ds, pct, _factor_text(pct)) for ds, pct in best.values()), reverse=True
    )[:35]
    assert board.total == sum(expected) == 10394


def _factor_text(percent: str) -> str:
    for bound, factor in TABLE:
        if Decimal(percent) >= Decimal(bound):
            return factor
    return "0"


def test_score_line_counts_tap_greats_and_break_losses() -> None:
    # 400 taps, 40 holds, 30 slides, 20 touches, 30 breaks:
    # base = 200000 + 40000 + 45000 + 10000 + 75000 = 370000
    notes = Notes(400, 40, 30, 20, 30)
    line = score_line(notes, 1_005_000)
    assert line is not None
    assert line.allowed == 5_000  # 101% − 100.5% = 0.5%
    assert line.tap_great_cost == Fraction(100_000_000, 370_000)  # 270.27 (×1e-4 %)
    assert line.tap_greats == 18  # 5000 / 270.27 = 18.5
    assert line.break_perfect_2550_cost == Fraction(2500, 30)  # 0.25 × 1% / 30 breaks
    assert line.break_2550s == 30  # 60 would fit, capped at the 30 breaks
    assert line.break_perfect_2500_cost == Fraction(5000, 30)
    assert line.break_2500s == 30
    # GREAT: 500 base points (1351.35) + 0.6 of a break's bonus (200)
    assert line.break_great_cost == Fraction(500_000_000, 370_000) + 200
    assert line.break_greats == 3
    sss = score_line(notes, 1_000_000)
    assert sss is not None and sss.tap_greats == 37  # 10000 / 270.27 = 37.0
    assert score_line(notes, 1_010_001) is None


def test_what_raises_names_the_next_step_that_enters_or_raises() -> None:
    catalogue = small_catalogue()
    alpha_re = known(catalogue.song(10001)).chart(Difficulty.REMASTER)  # 14.1
    assert alpha_re is not None
    alpha_mas = known(catalogue.song(10001)).chart(Difficulty.MASTER)  # 13.2
    assert alpha_mas is not None
    gamma = known(catalogue.song(11501)).chart(Difficulty.MASTER)  # 13.9, new
    assert gamma is not None
    scores = [Score(alpha_re, 995_000), Score(alpha_mas, 1_005_000)]
    board = b50(scores)
    steps = {s.chart.key: s for s in what_raises(board, scores, candidates=[gamma])}
    # 14.1 at 99.5 = 296; the next step 100.0 gives 304 (+8)
    assert (steps[alpha_re.key].target, steps[alpha_re.key].gain) == (1_000_000, 8)
    # already at the cap: nothing to gain
    assert alpha_mas.key not in steps
    # an unplayed new chart enters the (empty) new section at the first step: 13.9 × 0.97 × 20.0 = 269.66
    assert (steps[gamma.key].current, steps[gamma.key].target, steps[gamma.key].gain) == (
        None,
        970_000,
        269,
    )


def test_what_raises_against_a_full_section_counts_only_the_excess() -> None:
    catalogue = real_catalogue()
    old_charts = [c for c in catalogue.charts() if not c.is_new and c.type is not ChartType.UTAGE]
    fourteens = [c for c in old_charts if c.constant == 140][:35]
    assert len(fourteens) == 35
    scores = [Score(c, 1_000_000) for c in fourteens]  # each 14.0 × 21.6 = 302
    board = b50(scores)
    assert isinstance(board, B50) and board.floor(False) == 302
    candidate = next(c for c in old_charts if c.constant == 145)
    steps = {s.chart.key: s for s in what_raises(board, scores, candidates=[candidate])}
    # 14.5 at 99.5 = 14.5 × 0.995 × 21.1 = 304.42 → 304 (+2); at 99.0: 300, would not enter
    assert (steps[candidate.key].target, steps[candidate.key].gain) == (995_000, 2)
    # a chart already at 100.0 steps to 100.5: 14.0 × 1.005 × 22.4 = 315 (+13)
    assert steps[fourteens[0].key].gain == 13
