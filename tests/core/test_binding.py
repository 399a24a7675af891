"""What users paste into /bind: every accepted shape, and clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.maimai_archive.core.archiving.binding import CallbackUrl, CookieJar, parse_bind_input
from plugins.maimai_archive.core.errors import BindingError

JAR = {
    "userId": "1234567890123",
    "_t": "abcdef0123456789",
    "__tst_status": "1234#",
    "EO_Bot_Ssid": "987654",
}


@pytest.mark.parametrize(
    "text",
    [
        "userId=1234567890123; _t=abcdef0123456789; __tst_status=1234#; EO_Bot_Ssid=987654",
        "Cookie: EO_Bot_Ssid=987654;__tst_status=1234#;  _t=abcdef0123456789 ; userId=1234567890123",
        '{"userId": "1234567890123", "_t": "abcdef0123456789", "__tst_status": "1234#", "EO_Bot_Ssid": "987654"}',
        '[{"name": "userId", "value": "1234567890123", "domain": "maimai.wahlap.com"},'
        ' {"name": "_t", "value": "abcdef0123456789"}, {"name": "__tst_status", "value": "1234#"},'
        ' {"name": "EO_Bot_Ssid", "value": "987654"}]',
        "```\nuserId=1234567890123;\n_t=abcdef0123456789;\n__tst_status=1234#;\nEO_Bot_Ssid=987654\n```",
        "userId=1234567890123；_t=abcdef0123456789；__tst_status=1234#；EO_Bot_Ssid=987654",
    ],
)
def test_every_cookie_shape_gives_the_whole_jar(text: str) -> None:
    result = parse_bind_input(text)
    assert isinstance(result, CookieJar)
    assert result.cookies == JAR
    assert "1234567890123" not in repr(result)


def test_oauth_callback_url_is_recognised_and_not_echoed() -> None:
    url = "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=abc&t=123&code=secretcode&state=x"
    result = parse_bind_input(url)
    assert result == CallbackUrl(url)
    assert "secretcode" not in repr(result)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("userId=1234567890123", "_t"),
        ("_t=abc", "userId"),
        ("{not json", "JSON"),
        ("https://maimai.wahlap.com/maimai-mobile/home/", "回调链接"),
        ("   ", "用法"),
        ("userId=1234567890123; _t=abcdef０１２", "全角"),
    ],
)
def test_unusable_input_says_exactly_why(text: str, says: str) -> None:
    with pytest.raises(BindingError) as e:
        parse_bind_input(text)
    assert says in e.value.user_message
    assert "1234567890123" not in str(e.value)


# --- every /bind gets a reply (issue 10) --------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        '"',
        ":",
        ",",
        "userId",
        "_t",
        "=",
        ";",
        "https://",
        "http://[",
        "::1",
        "]:",
        "/wc_auth/oauth/callback/",
        "?code=",
        "\uff03",
        "\u2100",
        "\x00",
        "\x1b",
        "\\u0000",
        "1e999999",
        "9" * 5000,
        "Cookie:",
        "\n",
        "；",
        "`",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30).map("".join))
def test_any_text_is_either_accepted_or_refused_with_a_message(text: str) -> None:
    try:
        result = parse_bind_input(text)
    except BindingError as e:
        assert e.user_message
        return
    assert isinstance(result, (CookieJar, CallbackUrl))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 100_000, "嵌套太深"),
        ("https://[::1/wc_auth/oauth/callback/?code=1", "链接无法识别"),
        ("https://a.wahlap.com:99999/wc_auth/oauth/callback/?code=1", "链接无法识别"),
        (
            "https://a.wahlap.com\u2100b/wc_auth/oauth/callback/?code=1",
            "链接无法识别",
        ),  # ℀ → a/c under NFKC
        ("userId=1234567890123; _t=abc\tdef", "控制字符"),
        ('{"userId": "1234567890123", "_t": "abc\\u007fdef"}', "控制字符"),
    ],
)
def test_hostile_input_is_refused_at_parse_time(text: str, says: str) -> None:
    with pytest.raises(BindingError) as e:
        parse_bind_input(text)
    assert says in e.value.user_message
