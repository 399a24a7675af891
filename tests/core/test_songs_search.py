"""Search: ids, titles, aliases, folding, and the one / choose / none decision."""

from __future__ import annotations

from plugins.maimai_archive.core.songs.search import How, Verdict, decide, fold
from tests.core.test_songs_support import real_catalogue, small_catalogue


def test_fold_ignores_width_case_spacing_punctuation_and_kana_kind() -> None:
    assert fold("Ｇａｍｍａ  RUSH") == fold("gamma rush") == "gammarush"
    assert fold("ベータ・ステップ！") == fold("べーた すてっぷ")
    assert fold("ﾋﾊﾞﾅ") == fold("ひばな")
    assert fold("\u3000") == " "  # a title of only a space still has a key


def test_id_queries() -> None:
    catalogue = small_catalogue()
    assert [(m.song.id, m.how) for m in catalogue.search("id10001")] == [(10001, How.ID)]
    assert [m.song.id for m in catalogue.search("ID 1")] == [1]
    assert catalogue.search("id99999") == []
    top = catalogue.search("11501")[0]
    assert (top.song.id, top.how, top.score) == (11501, How.ID, 100.0)


def test_exact_title_finds_both_chart_sets_and_decides_one_group() -> None:
    catalogue = small_catalogue()
    matches = catalogue.search("alpha song")
    assert {m.song.id for m in matches[:2]} == {1, 10001}
    assert all(m.how is How.TITLE for m in matches[:2])
    decision = decide(matches)
    assert decision.verdict is Verdict.ONE
    assert [s.id for s in decision.groups[0].songs] == [1, 10001]


def test_alias_match_ranks_just_below_a_title() -> None:
    catalogue = small_catalogue()
    top = catalogue.search("贝塔")[0]
    assert (top.song.id, top.how, top.score) == (11500, How.ALIAS, 99.0)


def test_utage_does_not_tie_with_the_song_it_covers() -> None:
    catalogue = small_catalogue()
    decision = decide(catalogue.search("ベータ"))
    assert decision.verdict is Verdict.ONE and decision.groups[0].songs[0].id == 11500
    # but naming the Utage finds it
    assert catalogue.search("[協]ベータ・ステップ！")[0].song.id == 100500


def test_a_number_is_an_id_or_a_numeric_title() -> None:
    catalogue = real_catalogue()
    assert decide(catalogue.search("70")).groups[0].title == "ジングルベル"  # id 70
    top = decide(catalogue.search("39"))  # no song 39; the song titled "39" (146)
    assert top.verdict is Verdict.ONE and [s.id for s in top.groups[0].songs] == [146, 10146]


def test_several_close_titles_ask_which() -> None:
    decision = decide(real_catalogue().search("world"))
    assert decision.verdict is Verdict.CHOOSE
    assert {"Color My World", "Endless World", "Tell Your World"} <= {
        g.title for g in decision.groups
    }


def test_utage_covers_do_not_make_a_real_song_ambiguous() -> None:
    decision = decide(real_catalogue().search("garakuta"))
    assert decision.verdict is Verdict.ONE and decision.groups[0].title == "Garakuta Doll Play"


def test_nothing_close_suggests_the_nearest() -> None:
    decision = decide(small_catalogue().search("gama rash"))
    assert decision.verdict in (Verdict.ONE, Verdict.CHOOSE)
    assert decision.groups[0].title == "Gamma Ｒｕｓｈ"
    assert decide(small_catalogue().search("qqqqqqqq")).verdict is Verdict.NONE
    assert decide([]).groups == ()


def test_empty_query_finds_nothing() -> None:
    assert small_catalogue().search("   ") == []
