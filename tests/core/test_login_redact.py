"""The login's secrets never reach a log line: the callback's fields, plain or inside the
one-tap link's encoded redirect_uri."""

from __future__ import annotations

from plugins.maimai_archive.core.redact import redact


def test_callback_fields_are_hidden_in_a_callback_url() -> None:
    line = (
        "GET http://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx"
        "?r=c9N1mMeLT&t=241114354&code=071EIC0003YUbTf5X31EIC0p&state=24F0976C60BD"
    )
    out = redact(line)
    for secret in ("c9N1mMeLT", "241114354", "071EIC0003YUbTf5X31EIC0p", "24F0976C60BD"):
        assert secret not in out
    assert out.endswith("/callback/maimai-dx?***")  # the whole query goes


def test_callback_fields_are_hidden_inside_the_encoded_redirect_uri() -> None:
    link = (
        "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx1&redirect_uri=http%3A%2F%2F"
        "tgk-wcaime.wahlap.com%2Fwc_auth%2Foauth%2Fcallback%2Fmaimai-dx%3Fr%3Dc9N1mMeLT%26t%3D241114354"
        "&response_type=code&scope=snsapi_base&state=24F0976C60BD#wechat_redirect"
    )
    out = redact(f"sent {link}")
    assert "c9N1mMeLT" not in out and "241114354" not in out and "24F0976C60BD" not in out
    # Read decoded as well, the link holds a callback URL: its query and the rest of the line go.
    assert out.endswith("callback%2Fmaimai-dx%3F***")


def test_ordinary_percent_text_is_left_alone() -> None:
    assert redact("50%3Fread and 100%26tea") == "50%3Fread and 100%26tea"
