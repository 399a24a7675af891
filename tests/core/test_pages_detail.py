"""playlogDetail and the photo album on SYNTHETIC fixtures, and the JSON contract."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from plugins.maimai_archive.core.errors import PageChanged
from plugins.maimai_archive.core.game import FC, FS, ChartType, Difficulty
from plugins.maimai_archive.core.pages import (
    page_to_json,
    parse_detail,
    parse_page,
    parse_photos,
)
from plugins.maimai_archive.core.parsed import PageKind
from tests.core.test_pages_support import real_page, synthetic


def test_detail_of_a_dx_play() -> None:
    d = parse_detail(synthetic("playlog_detail_dx.html"), idx="33,1763905200")
    assert d.play.title == "Link" and d.play.idx == "33,1763905200"
    assert (d.play.fc, d.play.fs, d.play.place, d.play.achievement) == (FC.FCP, FS.FSP, 2, 1005123)
    assert d.judgements is not None
    assert d.judgements.tap == (402, 35, 2, 0, 0)
    assert d.judgements.touch == (88, 3, 0, 0, 0)
    assert d.judgements.break_ == (40, 2, 1, 0, 0)
    assert (d.fast, d.late) == (12, 31)
    assert (d.max_combo, d.max_sync) == ((676, 676), (1290, 1352))
    assert (d.rating, d.rating_delta) == (14390, 16)
    assert d.matching == ("ＰＬＡＹＥＲ２", "ＭＡＩ　ＭＡＩ")
    assert len(d.characters) == 2 and "Lv.120" in d.characters[0]


def test_detail_of_a_utage_buddy_play_with_empty_touch_row() -> None:
    d = parse_detail(synthetic("playlog_detail_sd_utage.html"))
    assert d.play.idx == "14,1763814961"  # from the page's own hidden input
    assert (d.play.type, d.play.difficulty, d.play.buddy) == (
        ChartType.UTAGE,
        Difficulty.UTAGE,
        True,
    )
    assert d.play.achievement == 1977592
    assert d.judgements is not None and d.judgements.touch == (None,) * 5
    assert (d.fast, d.late, d.rating, d.rating_delta) == (7, 0, 9998, -2)
    assert d.max_combo is None and d.matching == ()


def test_detail_without_idx_anywhere_raises_page_changed() -> None:
    with pytest.raises(PageChanged) as err:
        parse_detail(synthetic("playlog_detail_dx.html"))
    assert err.value.page == "detail" and "idx" in err.value.missing


def test_detail_with_a_broken_judgement_table_raises_page_changed() -> None:
    html = synthetic("playlog_detail_dx.html").replace("<td>120</td>", "")
    with pytest.raises(PageChanged):
        parse_detail(html, idx="1,1763905200")


@pytest.mark.parametrize(
    ("cut", "missing"),
    [
        ("playlog_notes_detail", "judgement table"),
        ("playlog_rating_val_block", "rating block"),
    ],
)
def test_detail_without_judgements_or_rating_is_not_read_as_complete(
    cut: str, missing: str
) -> None:
    # The head of the page (the play block) is intact; only the lower part is renamed away.
    html = synthetic("playlog_detail_dx.html").replace(cut, "renamed_block")
    with pytest.raises(PageChanged) as err:
        parse_detail(html, idx="1,1763905200")
    assert err.value.page == "detail" and err.value.missing.startswith(missing)


def test_detail_cut_after_its_play_block_raises_page_changed() -> None:
    html = synthetic("playlog_detail_dx.html")
    head = html[: html.index("playlog_notes_detail")]
    with pytest.raises(PageChanged):
        parse_detail(head, idx="1,1763905200")


def test_detail_json_has_play_keys_and_detail_keys() -> None:
    page = parse_page(synthetic("playlog_detail_sd_utage.html"))
    assert page.kind is PageKind.DETAIL
    (item,) = page_to_json(page)["items"]
    assert item["achievement"] == 197.7592 and item["type"] == "UTAGE"
    assert item["judgements"]["touch"] == [None] * 5 and item["rating_delta"] == -2


def test_photo_album() -> None:
    photos = parse_photos(synthetic("photos_album.html"))
    assert len(photos) == 2
    first, second = photos
    assert first.url.endswith("/photo/0a1b2c3d4e5f.jpg")
    assert (first.title, first.difficulty, first.place) == ("Link", Difficulty.MASTER, "某某电玩城")
    assert first.taken_at == datetime.fromisoformat("2025-11-23T21:40:00+08:00")
    assert (second.title, second.difficulty) == ("\u3000", None)
    assert parse_page(synthetic("photos_album.html")).kind is PageKind.PHOTOS


def test_record_json_contract_exact_keys_and_formats() -> None:
    data = json.loads(
        json.dumps(
            page_to_json(parse_page(real_page("TrueRou__maimai.py__tests__sample_data__record"))),
            ensure_ascii=False,
        )
    )
    assert data["page"] == "record" and data["player"] is None and data["error"] is None
    first = data["items"][0]
    assert set(first) == {
        "title", "type", "difficulty", "level", "achievement", "dx_score", "dx_score_max",
        "dx_stars", "rank", "fc", "fs", "played_at", "track", "idx", "new_record",
        "new_dx_record", "place",
    }  # fmt: skip
    assert first["achievement"] == 98.6484
    assert first["played_at"] == "2025-10-03T13:06:00+08:00"
    assert (first["rank"], first["fc"], first["fs"], first["type"]) == ("sp", None, "sync", "DX")
    assert (first["difficulty"], first["place"], first["idx"]) == ("master", 2, "33,1759467960")


def test_utage_record_page_json() -> None:
    data = page_to_json(
        parse_page(real_page("Uc207Pr4f57t9-251__mainetcn__captures__rec__response_body"))
    )
    utage = [i for i in data["items"] if i["difficulty"] == "utage"]
    assert len(utage) == 6 and {i["type"] for i in utage} == {"UTAGE"}
    for item in data["items"]:
        assert datetime.fromisoformat(item["played_at"]).utcoffset() is not None
        assert item["rank"] in {
            "d",
            "c",
            "b",
            "bb",
            "bbb",
            "a",
            "aa",
            "aaa",
            "s",
            "sp",
            "ss",
            "ssp",
            "sss",
            "sssp",
        }
        assert item["fc"] in {None, "fc", "fcp", "ap", "app"}
        assert item["fs"] in {None, "sync", "fs", "fsp", "fsd", "fsdp"}
        assert round(item["achievement"], 4) == item["achievement"]


def test_score_json_keys() -> None:
    data = page_to_json(parse_page(real_page("TrueRou__maimai.py__tests__sample_data__scores")))
    flower = next(i for i in data["items"] if i["title"] == "花となれ")
    assert flower == {
        "title": "花となれ", "type": "DX", "difficulty": "expert", "level": "8+",
        "achievement": 101.0, "dx_score": 752, "dx_score_max": 831, "dx_stars": 2,
        "rank": "sssp", "fc": "app", "fs": "sync",
    }  # fmt: skip


def test_detail_rating_area_is_kept_raw_and_the_total_is_the_rating_after_the_play() -> None:
    # SYNTHETIC: the first value block holds a per-chart number with the (+N) beside it; the
    # player's total sits beside deluxrating.png. Both are kept; the total is the rating.
    d = parse_detail(synthetic("playlog_detail_rating_area.html"), idx="33,1763905200")
    assert d.rating_area is not None
    assert d.rating_area.rows == (("rating", "312"),)
    assert (d.rating_area.total, d.rating_area.delta, d.rating_area.frame) == (
        14390,
        16,
        "rating_base_rainbow",
    )
    assert (d.rating, d.rating_delta) == (14390, 16)
    assert d.judgements is not None and d.judgements.tap == (
        402,
        35,
        2,
        0,
        0,
    )  # strict part unchanged


def test_detail_without_a_total_falls_back_to_the_first_value_block() -> None:
    d = parse_detail(synthetic("playlog_detail_sd_utage.html"))
    assert d.rating_area is not None and d.rating_area.total is None
    assert d.rating_area.rows[0][1] == "9,998" and d.rating == 9998


def test_detail_optional_parts_may_change_without_losing_the_play() -> None:
    # characters, matching and the VS block renamed or emptied: the play and its table stay
    html = (
        synthetic("playlog_detail_rating_area.html")
        .replace("playlog_chara_container", "chara_box")
        .replace('id="matching"', 'id="matching_x"')
        .replace('id="vsUser"', 'id="vs_other"')
    )
    d = parse_detail(html, idx="33,1763905200")
    assert d.characters == () and d.matching == () and d.rating == 14390
    assert d.judgements is not None and d.judgements.break_ == (40, 2, 1, 0, 0)
