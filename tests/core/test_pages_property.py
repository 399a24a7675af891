"""Mangled and truncated real pages: only PageChanged (or a clean result) ever comes out."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.maimai_archive.core.errors import MaimaiError, PageChanged
from plugins.maimai_archive.core.pages import (
    check_status,
    page_to_json,
    parse_detail,
    parse_page,
    parse_profile,
    parse_record,
    parse_scores,
)
from plugins.maimai_archive.core.parsed import ParsedPage
from tests.core.test_pages_support import REAL_HTML, synthetic

SMALL_PAGES = [
    "TrueRou__maimai.py__tests__sample_data__scores.html",
    "TrueRou__maimai.py__tests__sample_data__user_friend_code.html",
    "leomotors__chuumai-tools__apps__maimai-scraper__src__parser____fixtures____history__utage-buddy.html",
    "leomotors__chuumai-tools__apps__maimai-scraper__src__parser____fixtures____history__scopix.html",
    "leomotors__chuumai-tools__apps__maimai-scraper__src__parser____fixtures____playerData__amakami.html",
    "bakapiano__maimai-score-hub__worker__src__tests__fixtures__cookie-expire-2025-12-31T14-39-42-498Z.html",
]
PARSERS = [parse_page, parse_record, parse_scores, parse_profile, check_status]


def _pages() -> list[str]:
    if not REAL_HTML.is_dir():
        pytest.skip(reason=f"real pages folder {REAL_HTML} is absent")
    pages = [(REAL_HTML / name).read_text(encoding="utf-8") for name in SMALL_PAGES]
    return [*pages, synthetic("playlog_detail_sd_utage.html"), synthetic("photos_album.html")]


def _run_all(html: str) -> None:
    for parse in PARSERS:
        try:
            result = parse(html)
        except PageChanged:
            continue
        except MaimaiError:
            # check_status/parse_page may legitimately raise the typed status errors
            if parse not in (check_status,):
                raise
            continue
        if parse is parse_page:
            assert isinstance(result, ParsedPage)
            page_to_json(result)
    try:
        parse_detail(html, idx="1,1700000000")
    except PageChanged:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_truncated_pages_raise_only_page_changed(data: st.DataObject) -> None:
    pages = _pages()
    html = data.draw(st.sampled_from(pages))
    cut = data.draw(st.integers(min_value=0, max_value=len(html)))
    _run_all(html[:cut])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mangled_pages_raise_only_page_changed(data: st.DataObject) -> None:
    pages = _pages()
    html = data.draw(st.sampled_from(pages))
    edits = data.draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=len(html)),
                st.integers(min_value=0, max_value=200),
                st.sampled_from(
                    [
                        "",
                        "<",
                        ">",
                        "</div>",
                        "<div>",
                        "x",
                        "9",
                        "%",
                        "/",
                        ",",
                        '"',
                        "　",
                        "<span>",
                        "1st",
                    ]
                ),
            ),
            min_size=1,
            max_size=6,
        )
    )
    for start, length, text in edits:
        html = html[:start] + text + html[start + length :]
    _run_all(html)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_page_changed(text: str) -> None:
    _run_all(text)


# The names the parsers select on: breaking one of them is how a site change looks.
KEY_TOKENS = [
    "playlog_top_container", "playlog_diff", "sub_title", "basic_block", "playlog_music_kind_icon",
    "playlog_achievement_txt", "playlog_scorerank", "playlog_score_block", "white", "h_35",
    "playlog_result_innerblock", 'name="idx"', "music_name_block", "music_score_block",
    "_score_back", "music_kind_icon", "name_block", "rating_block", "musiccount_block",
    "container_red", "playlog_notes_detail", "diff_", "music_icon_", ".png", "<td>", "<span",
    "曲目", "TRACK", "/", "%", ",", ".",
]  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_pages_with_broken_selectors_raise_only_page_changed(data: st.DataObject) -> None:
    html = data.draw(st.sampled_from(_pages()))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        token = data.draw(st.sampled_from(KEY_TOKENS))
        count = html.count(token)
        if not count:
            continue
        nth = data.draw(st.integers(min_value=0, max_value=count - 1))
        pos = -1
        for _ in range(nth + 1):
            pos = html.find(token, pos + 1)
        replacement = data.draw(st.sampled_from(["", "zz", "x" + token, token[::-1], "9999999"]))
        html = html[:pos] + replacement + html[pos + len(token) :]
    _run_all(html)
