"""home / playerData / userFriendCode, error pages, challenge and maintenance, and parse_page."""

from __future__ import annotations

import json

import pytest

from plugins.maimai_archive.core.errors import (
    ChallengePage,
    LoginFailed,
    Maintenance,
    PageChanged,
    SessionExpired,
    SiteError,
    UnsupportedPage,
)
from plugins.maimai_archive.core.pages import (
    check_status,
    page_to_json,
    parse_page,
    parse_profile,
)
from plugins.maimai_archive.core.parsed import PageKind
from tests.core.test_pages_support import real_files, real_page, synthetic

HOME = "Uc207Pr4f57t9-251__mainetcn__data__debug_response"
FRIEND_CODE = "TrueRou__maimai.py__tests__sample_data__user_friend_code"
PLAYER = "minty99__maimai-bot__crates__maimai-parsers__examples__maimai__player_data"
EXPIRED = "bakapiano__maimai-score-hub__worker__src__tests__fixtures__cookie-expire"


def test_cn_home() -> None:
    page = parse_page(real_page(HOME))
    assert page.kind is PageKind.HOME
    p = page.player
    assert p is not None
    assert (p.name, p.rating, p.trophy, p.stars) == (
        "ＳＣＨＷＩ",
        14374,
        "シフォン（ふぇすてぃばる）の相棒",
        85,
    )
    assert p.friend_code is None and p.icon == "43a2e0b59fcfb0b0"


def test_cn_friend_code_page() -> None:
    page = parse_page(real_page(FRIEND_CODE))
    assert page.kind is PageKind.FRIEND_CODE
    assert page.player is not None
    assert (page.player.friend_code, page.player.rating, page.player.stars) == (
        "386587586148257",
        9459,
        5,
    )


def test_intl_player_data_with_tallies() -> None:
    page = parse_page(real_page(PLAYER))
    assert page.kind is PageKind.PLAYER
    p = page.player
    assert p is not None
    assert (p.name, p.rating, p.trophy, p.play_count, p.stars) == (
        "ＭＩＮＴＹ",
        13394,
        "でびゅー",
        602,
        221,
    )
    all_diffs = p.tallies["all"]
    assert (all_diffs["sssp"], all_diffs["total"], all_diffs["clear"], all_diffs["fsd"]) == (
        48,
        5562,
        959,
        11,
    )


def test_player_data_fragment_reads_thousands() -> None:
    p = parse_profile(
        real_page(
            "leomotors__chuumai-tools__apps__maimai-scraper__src__parser____fixtures____playerData__amakami"
        )
    )
    assert (p.name, p.stars, p.play_count) == ("AmakamiSamaLover", 69420, 6967)


def test_expired_error_page() -> None:
    html = real_page(EXPIRED)
    page = parse_page(html)
    assert page.kind is PageKind.ERROR
    assert page.error is not None and page.error.code == "200002"
    assert page.error.message.startswith("连接时间已过期")
    with pytest.raises(SessionExpired):
        check_status(html)


def test_error_codes_map_to_typed_errors() -> None:
    html = real_page(EXPIRED)
    with pytest.raises(LoginFailed):
        check_status(html.replace("200002", "100001"))
    with pytest.raises(SiteError) as err:
        check_status(html.replace("200002", "300123"))
    assert err.value.code == "300123"


def test_challenge_and_maintenance() -> None:
    assert parse_page(synthetic("waf_challenge.html")).kind is PageKind.CHALLENGE
    with pytest.raises(ChallengePage):
        check_status(synthetic("waf_challenge.html"))
    page = parse_page(synthetic("maintenance.html"))
    assert page.kind is PageKind.ERROR and page.error is not None and page.error.code is None
    with pytest.raises(Maintenance):
        check_status(synthetic("maintenance.html"))


def test_normal_pages_pass_check_status() -> None:
    # check_status raises for a page without data and returns nothing otherwise
    check_status(real_page(HOME))
    check_status(real_page("TrueRou__maimai.py__tests__sample_data__record"))


@pytest.mark.parametrize("name", ["friend.", "friend-vs", "music_detail__example1"])
def test_pages_we_do_not_read_raise_unsupported(name: str) -> None:
    with pytest.raises(UnsupportedPage):
        parse_page(real_page(f"*{name}"))


def test_unknown_markup_raises_page_changed() -> None:
    with pytest.raises(PageChanged):
        parse_page("<html><body><p>hello</p></body></html>")


def test_every_real_page_gives_contract_json() -> None:
    files = real_files("")
    if not files:
        pytest.skip(reason="real pages folder is absent")
    kinds = set()
    for path in files:
        try:
            page = parse_page(path.read_text(encoding="utf-8"))
        except UnsupportedPage:
            continue
        data = json.loads(json.dumps(page_to_json(page), ensure_ascii=False))
        assert set(data) == {"page", "player", "items", "error"}
        kinds.add(data["page"])
    assert kinds == {"record", "scores", "home", "player", "friend_code", "error"}
