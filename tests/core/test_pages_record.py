"""record/ on real CN pages and INTL/JP fragments (expected values from real_html/INDEX.md)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import lxml.html
import pytest

from plugins.maimai_archive.core.errors import PageChanged
from plugins.maimai_archive.core.game import FC, FS, ChartType, Difficulty, Rank
from plugins.maimai_archive.core.pages import parse_page, parse_record
from plugins.maimai_archive.core.parsed import PageKind
from tests.core.test_pages_support import real_page

CN_RECORD_1 = "TrueRou__maimai.py__tests__sample_data__record"
CN_RECORD_UTAGE = "Uc207Pr4f57t9-251__mainetcn__captures__rec__response_body"
FRAG = "leomotors__chuumai-tools__apps__maimai-scraper__src__parser____fixtures____history__"
CN = timedelta(hours=8)
JST = timedelta(hours=9)


@pytest.mark.parametrize("name", [CN_RECORD_1, CN_RECORD_UTAGE])
def test_full_record_page_has_fifty_unique_plays_with_codes_in_their_sets(name: str) -> None:
    plays = parse_record(real_page(name))
    assert len(plays) == 50
    assert len({p.idx for p in plays}) == 50
    assert len({p.played_unix for p in plays}) == 50
    assert sorted(p.slot for p in plays) == sorted(set(p.slot for p in plays))
    for p in plays:
        assert p.played_at.utcoffset() == CN
        # the idx's unix seconds fall inside the minute the page shows
        assert 0 <= p.played_unix - int(p.played_at.timestamp()) < 60
        assert 1 <= p.track <= 4
        assert isinstance(p.rank, Rank) and isinstance(p.type, ChartType)
        assert p.fc is None or isinstance(p.fc, FC)
        assert p.fs is None or isinstance(p.fs, FS)
        assert 0 <= p.dx_stars <= 5
        assert p.dx_score_max is not None and 0 <= p.dx_score <= p.dx_score_max
        assert p.level is None  # CN 1.50 markup shows no level in the title block


def test_first_cn_play_matches_maimai_py_expectations() -> None:
    plays = parse_record(real_page(CN_RECORD_1))
    first = plays[0]
    assert first.title == "Re:Unknown X"
    assert first.achievement == 986484
    assert first.fc is None and first.fs is FS.SYNC
    assert first.idx == "33,1759467960"
    assert first.played_at == datetime.fromisoformat("2025-10-03T13:06:00+08:00")
    assert first.track == 4 and first.place == 2
    assert (first.dx_score, first.dx_score_max, first.dx_stars) == (3066, 3567, 1)
    assert first.new_dx_record and not first.new_record
    assert first.rank is Rank.SP


def test_cn_record_counts_by_difficulty_and_type() -> None:
    plays = parse_record(real_page(CN_RECORD_1))
    assert Counter(p.difficulty for p in plays) == {Difficulty.MASTER: 48, Difficulty.REMASTER: 2}
    assert Counter(p.type for p in plays) == {ChartType.DX: 35, ChartType.SD: 15}
    titles = {p.title for p in plays}
    assert {
        "Λzure Vixen",
        "渦状銀河のシンフォニエッタ",
        "GIGANTØMAKHIA",
        "Got more raves？",
    } <= titles


def test_utage_page_keeps_utage_plays_and_quit_remaster_plays() -> None:
    plays = parse_record(real_page(CN_RECORD_UTAGE))
    utage = [p for p in plays if p.difficulty is Difficulty.UTAGE]
    assert len(utage) == 6
    assert all(p.type is ChartType.UTAGE for p in utage)
    assert {"[協]疾走あんさんぶる", "[蔵]Glorious Crown"} <= {p.title for p in utage}
    remaster = [p for p in plays if p.difficulty is Difficulty.REMASTER]
    assert len(remaster) == 6
    pandora = sorted(p.achievement for p in remaster if p.title == "PANDORA PARADOXXX")
    assert {302, 4836} <= set(pandora)  # quit plays: 0.0302 % and 0.4836 %
    others = [p for p in plays if p.type is not ChartType.UTAGE]
    assert Counter(p.type for p in others) == {ChartType.DX: 32, ChartType.SD: 12}
    assert any(p.rank is Rank.D for p in plays)
    assert any(p.fs is FS.FSP for p in plays)


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        ("scopix", ("Xaleid◆scopiX", ChartType.DX, Difficulty.EXPERT, 999262, 3447, 4071, FC.FC, FS.SYNC, 3, "2026-01-09T09:21")),
        ("zitronectar", ("Zitronectar", ChartType.DX, Difficulty.MASTER, 994183, 1924, 2226, None, None, 3, "2025-12-27T06:39")),
        ("scopix-re", ("Xaleid◆scopiX", ChartType.DX, Difficulty.REMASTER, 905223, 4461, 6666, None, FS.SYNC, 2, "2025-12-14T09:03")),
        ("utage", ("[回]ハム太郎とっとこうた", ChartType.UTAGE, Difficulty.UTAGE, 973126, 1637, 2022, None, None, 2, "2025-05-18T12:20")),
        ("utage-buddy", ("[騒]ありきたりな恋の歌", ChartType.UTAGE, Difficulty.UTAGE, 1977592, 4263, 4776, None, FS.SYNC, 3, "2026-01-17T04:57")),
    ],
)  # fmt: skip
def test_intl_and_jp_fragments_match_chuumai_expectations(suffix: str, expected: tuple) -> None:
    (play,) = parse_record(_fragment(suffix))
    title, kind, diff, ach, dx, dx_max, fc, fs, track, utc = expected
    assert (play.title, play.type, play.difficulty, play.achievement) == (title, kind, diff, ach)
    assert (play.dx_score, play.dx_score_max, play.fc, play.fs, play.track) == (
        dx,
        dx_max,
        fc,
        fs,
        track,
    )
    assert play.played_at.utcoffset() == JST  # INTL and JP show JST
    assert play.played_at == datetime.fromisoformat(utc + ":00+00:00")
    assert play.buddy is (suffix == "utage-buddy")


def _fragment(suffix: str) -> str:
    return real_page(f"{FRAG}{suffix}.")


def test_intl_fragments_show_level_in_title_block() -> None:
    assert parse_record(_fragment("scopix"))[0].level == "13+"
    assert parse_record(_fragment("utage"))[0].level == "13?"


def test_page_without_play_blocks_raises_page_changed() -> None:
    with pytest.raises(PageChanged) as err:
        parse_record("<html><body><div class='wrapper'>nothing</div></body></html>")
    assert err.value.page == "record"


def _without_play_blocks(html: str) -> str:
    """The real page with every play block taken out: what a new player's record page shows."""
    root = lxml.html.document_fromstring(html)
    for top in root.find_class("playlog_top_container"):
        block = top.getparent()
        parent = None if block is None else block.getparent()
        assert block is not None and parent is not None
        parent.remove(block)
    return lxml.html.tostring(root, encoding="unicode")


def test_record_page_with_a_renamed_play_container_is_not_no_plays() -> None:
    html = real_page(CN_RECORD_1).replace("playlog_top_container", "playlog_head_container")
    with pytest.raises(PageChanged) as err:
        parse_record(html)
    assert err.value.page == "record" and "playlog_top_container" in err.value.missing
    with pytest.raises(PageChanged):
        parse_page(html)


def test_record_page_with_no_plays_at_all_is_honestly_empty() -> None:
    html = _without_play_blocks(real_page(CN_RECORD_1))
    assert "title_playlog" in html and "playlog_" not in html.replace("title_playlog", "")
    assert parse_record(html) == []
    assert parse_page(html).kind is PageKind.RECORD and parse_page(html).items == ()
