"""The catalogue: reading 水鱼 music_data, ids and constants, and page title → chart."""

from __future__ import annotations

from collections import Counter

import pytest

from plugins.maimai_archive.core.errors import PageChanged
from plugins.maimai_archive.core.game import ChartType, Difficulty
from plugins.maimai_archive.core.pages import parse_record
from plugins.maimai_archive.core.songs.catalogue import Catalogue
from plugins.maimai_archive.core.songs.data import (
    chart_key,
    constant_tenths,
    normalise_song_id,
    song_from_record,
)
from tests.core.test_pages_support import real_page
from tests.core.test_songs_support import known, real_catalogue, real_music_data, small_catalogue


def test_constants_are_exact_tenths() -> None:
    assert constant_tenths(13.7) == 137
    assert constant_tenths(14.1) == 141  # 14.1 * 10 = 141.00000000000003 in floats
    assert constant_tenths(12) == 120
    assert constant_tenths("9.9") == 99


def test_dx_ids_from_a_source_that_shares_ids_are_normalised() -> None:
    assert normalise_song_id(834, "SD") == 834
    assert normalise_song_id(834, "DX") == 10834
    assert normalise_song_id("10834", "DX") == 10834
    assert normalise_song_id(100700, "DX") == 100700


def test_real_catalogue_counts_and_types() -> None:
    catalogue = real_catalogue()
    assert len(catalogue) == len(real_music_data()) == 1379
    types = Counter(s.type for s in catalogue.songs())
    assert types == {ChartType.DX: 778, ChartType.SD: 541, ChartType.UTAGE: 60}
    assert sum(s.is_new for s in catalogue.songs()) == 57


def test_a_real_song_in_detail() -> None:
    song = real_catalogue().song(8)
    assert song is not None
    assert (song.title, song.type, song.artist, song.genre, song.bpm, song.version) == (
        "True Love Song",
        ChartType.SD,
        "Kai/クラシック「G線上のアリア」",
        "舞萌",
        150,
        "maimai",
    )
    master = song.chart(Difficulty.MASTER)
    assert master is not None and song.chart(Difficulty.REMASTER) is None
    assert (master.level, master.constant, master.charter) == ("12", 124, "ニャイン")
    n = master.notes
    assert (n.tap, n.hold, n.slide, n.touch, n.break_) == (263, 14, 19, 0, 6)
    assert n.dx_score_max == 3 * 302
    assert chart_key(master) == master.key == "8:master"


def test_buddy_utage_is_one_chart_with_both_sides() -> None:
    song = small_catalogue().song(100500)
    assert song is not None and song.buddy and song.type is ChartType.UTAGE
    (chart,) = song.charts
    assert chart.difficulty is Difficulty.UTAGE and chart.level == "13?"
    assert chart.notes.tap == 200 + 210 and chart.notes.total == 235 + 248


def test_broken_record_raises_page_changed() -> None:
    with pytest.raises(PageChanged):
        song_from_record(
            {
                "id": "1",
                "title": "x",
                "type": "SD",
                "ds": [1.0],
                "level": [],
                "charts": [],
                "basic_info": {},
            }
        )
    with pytest.raises(PageChanged):
        Catalogue.from_music_data("not a list")


def test_chart_lookup_by_key() -> None:
    catalogue = small_catalogue()
    assert known(catalogue.chart("10001:remaster")).constant == 141
    assert catalogue.chart("1:remaster") is None  # SD set has no Re:MASTER
    assert catalogue.chart("?SD:master:Unknown") is None
    assert catalogue.chart("1:nonsense") is None


@pytest.mark.parametrize("catalogue_of", [small_catalogue, real_catalogue])
def test_the_two_link_songs_are_told_apart_by_dx_max_or_level(catalogue_of) -> None:
    catalogue = catalogue_of()
    newer = catalogue.song(131).chart(Difficulty.MASTER)
    cof = catalogue.song(383).chart(Difficulty.MASTER)
    assert newer.notes.dx_score_max != cof.notes.dx_score_max
    for chart in (newer, cof):
        assert (
            catalogue.resolve(
                "Link", ChartType.SD, Difficulty.MASTER, dx_score_max=chart.notes.dx_score_max
            )
            == chart
        )
    # without a way to tell, no guess
    assert catalogue.resolve("Link", ChartType.SD, Difficulty.MASTER) is None
    # by level where the levels differ (Expert: 12+ vs 10+)
    assert catalogue.resolve("Link", "SD", "expert", level="10+").song_id == 383
    # Re:MASTER exists only on the newer one: nothing to tell apart
    assert catalogue.resolve("Link", "SD", "remaster").song_id == 131


@pytest.mark.parametrize("catalogue_of", [small_catalogue, real_catalogue])
def test_u3000_title_resolves_and_differs_from_empty(catalogue_of) -> None:
    catalogue = catalogue_of()
    chart = catalogue.resolve("\u3000", ChartType.DX, Difficulty.MASTER)
    assert chart is not None and chart.song_id == 11422
    assert catalogue.resolve(" ", "DX", "master") == chart  # the page may show an ASCII space
    assert catalogue.resolve("", "DX", "master") is None


def test_titles_compare_after_nfkc_and_whitespace_folding() -> None:
    catalogue = small_catalogue()
    assert (
        known(catalogue.resolve("Gamma  Rush", "DX", "master")).song_id == 11501
    )  # "Gamma Ｒｕｓｈ" (full width) in the data
    assert known(catalogue.resolve("ベータ・ステップ!", "DX", "expert")).song_id == 11500
    assert known(catalogue.resolve("Alpha Song", "SD", "master")).song_id == 1
    assert known(catalogue.resolve("Alpha Song", "DX", "master")).song_id == 10001
    assert catalogue.resolve("Alpha Song", "SD", "remaster") is None
    assert catalogue.resolve("Not A Song", "DX", "master") is None


def test_utage_titles_resolve_to_the_utage_song() -> None:
    catalogue = small_catalogue()
    chart = catalogue.resolve("[協]ベータ・ステップ！", ChartType.UTAGE, Difficulty.UTAGE)
    assert chart is not None and chart.song_id == 100500
    # the plain title is not an Utage chart
    assert catalogue.resolve("ベータ・ステップ！", ChartType.UTAGE, Difficulty.UTAGE) is None


@pytest.mark.parametrize(
    "page",
    [
        "TrueRou__maimai.py__tests__sample_data__record",
        "Uc207Pr4f57t9-251__mainetcn__captures__rec__response_body",
    ],
)
def test_every_play_on_real_cn_record_pages_resolves_with_matching_dx_max(page: str) -> None:
    catalogue = real_catalogue()
    plays = parse_record(real_page(page))
    for play in plays:
        chart = catalogue.resolve(
            play.title, play.type, play.difficulty, play.dx_score_max, play.level
        )
        assert chart is not None, play.title
        assert chart.notes.dx_score_max == play.dx_score_max, play.title
        assert chart.type is play.type


def test_utage_plays_on_the_real_page_resolve() -> None:
    catalogue = real_catalogue()
    plays = parse_record(real_page("Uc207Pr4f57t9-251__mainetcn__captures__rec__response_body"))
    utage = {
        known(catalogue.resolve(p.title, p.type, p.difficulty)).song_id
        for p in plays
        if p.difficulty is Difficulty.UTAGE
    }
    assert utage == {100700, 100456}  # [協]疾走あんさんぶる, [蔵]Glorious Crown


def test_siblings_and_levels() -> None:
    catalogue = small_catalogue()
    assert [s.id for s in catalogue.siblings(known(catalogue.song(10001)))] == [1, 10001]
    assert [s.id for s in catalogue.siblings(known(catalogue.song(100500)))] == [100500]
    assert {c.key for c in catalogue.charts_at_level("13+")} == {"11500:master", "11501:master"}
    assert catalogue.charts_at_level("12+", ChartType.SD, Difficulty.MASTER)[0].key == "1:master"


def test_a_song_listed_under_its_page_title_too_resolves_once() -> None:
    """Song 383 is indexed under its own title and under the page title "Link"; when the
    song data already calls it "Link", the two entries must not make it ambiguous."""
    from plugins.maimai_archive.core.songs import Catalogue

    def record(song_id: int, notes: list[int]) -> dict:
        return {
            "id": str(song_id),
            "title": "Link",
            "type": "SD",
            "ds": [3.0, 5.0, 8.0, 12.0],
            "level": ["3", "5", "8", "12"],
            "cids": [1, 2, 3, 4],
            "charts": [{"notes": [1, 1, 1, 1], "charter": "-"}] * 3
            + [{"notes": notes, "charter": "x"}],
            "basic_info": {
                "title": "Link",
                "artist": "a",
                "genre": "g",
                "bpm": 150,
                "release_date": "",
                "from": "maimai",
                "is_new": False,
            },
        }

    cat = Catalogue.from_music_data([record(131, [200, 50, 50, 8]), record(383, [500, 50, 50, 13])])
    chart = cat.resolve("Link", "SD", "master", dx_score_max=3 * 613)
    assert chart is not None and chart.song_id == 383
    assert cat.resolve("Link", "SD", "master") is None  # truly ambiguous without the max
