"""Score lists on real pages: chart counts, lamps, the U+3000 title, Re:MASTER, Link."""

from __future__ import annotations

from collections import Counter

import pytest

from plugins.maimai_archive.core.errors import PageChanged
from plugins.maimai_archive.core.game import FC, FS, ChartType, Difficulty, Rank
from plugins.maimai_archive.core.pages import normalize_title, parse_scores
from tests.core.test_pages_support import real_files, real_page

SCORES = "minty99__maimai-bot__crates__maimai-parsers__examples__maimai__scores__"
LEVELS = "minty99__maimai-bot__crates__maimai-parsers__examples__maimai__internal_level_pages__"
CN_SCORES = "TrueRou__maimai.py__tests__sample_data__scores"


@pytest.mark.parametrize(
    ("page", "diff", "charts", "played"),
    [
        ("diff0_basic", Difficulty.BASIC, 1357, 1),
        ("diff1_advanced", Difficulty.ADVANCED, 1357, 127),
        ("diff2_expert", Difficulty.EXPERT, 1357, 581),
        ("diff3_master", Difficulty.MASTER, 1357, 245),
        ("diff4_remaster", Difficulty.REMASTER, 134, 12),
    ],
)
def test_genre_lists_count_every_chart(
    page: str, diff: Difficulty, charts: int, played: int
) -> None:
    scores = parse_scores(real_page(SCORES + page))
    assert len(scores) == charts
    assert {s.difficulty for s in scores} == {diff}
    assert sum(s.achievement is not None for s in scores) == played
    for s in scores:
        if s.achievement is None:
            assert s.rank is None and s.dx_score is None and s.fc is None and s.fs is None
        else:
            assert isinstance(s.rank, Rank)
            assert s.dx_score_max and s.dx_score is not None
            assert 0 <= s.dx_score <= s.dx_score_max
            assert 0 <= s.achievement <= 1010000
        assert s.genre and s.level and s.music_idx


def test_basic_list_types_genres_and_the_u3000_title() -> None:
    scores = parse_scores(real_page(SCORES + "diff0_basic"))
    assert Counter(s.type for s in scores) == {ChartType.DX: 813, ChartType.SD: 544}
    genres = list(dict.fromkeys(s.genre for s in scores))
    assert len(genres) == 6 and genres[0] == "POPS＆ANIME" and genres[-1] == "オンゲキ＆CHUNITHM"
    assert "\u3000" in {s.title for s in scores}
    assert normalize_title("\u3000") == " " != normalize_title("")
    # Two different songs are titled Link; both are listed, told apart by chart data later.
    assert sum(s.title == "Link" for s in scores) == 2


def test_expert_list_counts_ranks_and_lamps() -> None:
    scores = parse_scores(real_page(SCORES + "diff2_expert"))
    ranks = Counter(s.rank for s in scores)
    assert (ranks[Rank.SSSP], ranks[Rank.SSS], ranks[Rank.AAA], ranks[Rank.D]) == (34, 56, 123, 1)
    assert Counter(s.fc for s in scores) == {None: 1284, FC.FC: 49, FC.FCP: 24}
    assert Counter(s.fs for s in scores) == {None: 995, FS.SYNC: 342, FS.FSP: 15, FS.FSD: 5}


def test_remaster_list_types_and_levels() -> None:
    scores = parse_scores(real_page(SCORES + "diff4_remaster"))
    assert Counter(s.type for s in scores) == {ChartType.DX: 46, ChartType.SD: 88}
    assert "15" in {s.level for s in scores}


@pytest.mark.parametrize(
    ("page", "count"), [("version0_maimai_diff0", 43), ("version17_universe_diff0", 65)]
)
def test_version_lists(page: str, count: int) -> None:
    scores = parse_scores(real_page(SCORES + page))
    assert len(scores) == count
    assert all(s.achievement is None for s in scores)
    if "universe" in page:
        (tech,) = [s for s in scores if s.title == "Technicians High"]
        assert tech.type is ChartType.SD


def test_level_pages_mix_difficulties() -> None:
    scores = parse_scores(real_page(LEVELS + "level13."))
    assert len(scores) == 205
    assert sum(s.achievement is not None for s in scores) == 102
    assert {s.level for s in scores} == {"10"}
    assert {s.difficulty for s in scores} == {Difficulty.EXPERT, Difficulty.ADVANCED}
    top = parse_scores(real_page(LEVELS + "level23."))
    assert len(top) == 3 and {s.level for s in top} == {"15"}


def test_every_level_page_parses() -> None:
    files = real_files("internal_level_pages")
    if not files:
        pytest.skip(reason="real pages folder is absent")
    for path in files:
        assert parse_scores(path.read_text(encoding="utf-8")), path.name


def test_cn_trimmed_list_matches_maimai_py_expectations() -> None:
    by_title = {s.title: s for s in parse_scores(real_page(CN_SCORES))}
    assert len(by_title) == 8
    flower = by_title["花となれ"]
    assert (flower.achievement, flower.fc, flower.fs, flower.rank) == (
        1010000,
        FC.APP,
        FS.SYNC,
        Rank.SSSP,
    )
    assert (flower.level, flower.type, flower.dx_score) == ("8+", ChartType.DX, 752)
    blank = by_title["\u3000"]
    assert (blank.achievement, blank.fc, blank.fs, blank.rank) == (
        1008750,
        FC.AP,
        FS.SYNC,
        Rank.SSSP,
    )
    six = by_title["シックスプラン"]
    assert (six.achievement, six.fc, six.fs, six.rank) == (999338, FC.FCP, FS.FS, Rank.SSP)
    assert by_title["Cyaegha"].achievement == 970887 and by_title["Cyaegha"].rank is Rank.S
    theme = by_title["maimaiちゃんのテーマ"]
    assert (theme.achievement, theme.fc, theme.fs, theme.rank) == (981502, FC.FC, FS.FSP, Rank.SP)
    assert (theme.type, theme.dx_score, theme.level) == (ChartType.SD, 557, "9")
    start = by_title["STARTLINER"]
    assert (start.achievement, start.fc, start.fs, start.rank) == (
        1001990,
        FC.FCP,
        FS.FSD,
        Rank.SSS,
    )
    assert (by_title["Limits"].achievement, by_title["Limits"].fs, by_title["Limits"].rank) == (
        993390,
        FS.SYNC,
        Rank.SS,
    )
    lost = by_title["ロストワンの号哭"]
    assert (lost.achievement, lost.fs, lost.rank) == (904090, FS.SYNC, Rank.AA)
    assert by_title["\u3000"].genre == "流行&动漫"  # the first genre header of the page


def test_rating_target_list() -> None:
    scores = parse_scores(
        real_page("minty99__maimai-bot__crates__maimai-parsers__examples__maimai__rating_target")
    )
    assert len(scores) == 90
    sections = Counter(s.genre for s in scores)
    assert sections["Songs for Rating(New)"] == 15
    assert sections["Songs for Rating(Others)"] == 35


def test_non_list_page_raises_page_changed() -> None:
    with pytest.raises(PageChanged) as err:
        parse_scores("<html><body><div class='w_450'>no charts</div></body></html>")
    assert err.value.page == "scores"
