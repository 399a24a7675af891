"""The redactor masks every form /bind accepts, wherever it sits in a line, in linear time."""

from __future__ import annotations

import json
import re
import string
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nonebot.adapters.onebot.v11 import Message

from plugins.maimai_archive.core import redact as redact_module
from plugins.maimai_archive.core.archiving.binding import CookieJar, parse_bind_input
from plugins.maimai_archive.core.redact import COOKIE_NAMES, redact

SECRET_NAMES = ("userId", "_t", "__tst_status", "EO_Bot_Ssid")
# Everything printable a cookie value may hold for the bind parser (no ';', no line break).
VALUE_CHARS = (string.ascii_letters + string.digits + string.punctuation + " ").replace(";", "")
# Words every shape is built from: a value inside one of them (``EO_Bot_S``) cannot be told
# from the word itself, in a log line or anywhere else.
SCAFFOLD = (*SECRET_NAMES, "maimai.wahlap.com", "Session", "domain", "Cookie: ", "cookie:")
values = (
    st.text(alphabet=VALUE_CHARS, min_size=8, max_size=40)
    .map(str.strip)
    .filter(lambda v: len(v) >= 8 and not any(v in word for word in SCAFFOLD))
)


def _escape_key(key: str, which: list[bool]) -> str:
    """A JSON key with some characters written as \\uXXXX (json.loads reads it back)."""
    return "".join(
        f"\\u{ord(c):04x}" if w else c
        for c, w in zip(key, which + [False] * len(key), strict=False)
    )


@st.composite
def bind_forms(draw: st.DrawFn) -> str:
    """One text that parse_bind_input accepts, in any of its shapes."""
    jar = {name: draw(values) for name in ("userId", "_t")}
    for name in draw(st.lists(st.sampled_from(SECRET_NAMES[2:]), unique=True)):
        jar[name] = draw(values)
    items = list(jar.items())
    shape = draw(st.sampled_from(["header", "json", "export"]))
    if shape == "header":
        space = st.sampled_from(["", " ", "  ", "\t", "\x0b", "\u3000"])
        fields = []
        for name, value in items:
            quote = draw(st.sampled_from(["", '"']))
            fields.append(
                f"{draw(space)}{name}{draw(space)}={draw(space)}{quote}{value}{quote}{draw(space)}"
            )
        sep = draw(st.sampled_from([";", "; ", "；", "\n", " ;\n"]))
        text = draw(st.sampled_from(["", "Cookie: ", "cookie:"])) + sep.join(fields)
    elif shape == "json":
        numeric = draw(st.booleans())
        data: dict[str, str | int] = {
            k: (draw(st.integers(10**8, 10**15)) if numeric and k == "userId" else v)
            for k, v in items
        }
        text = json.dumps(
            data,
            ensure_ascii=draw(st.booleans()),
            indent=draw(st.sampled_from([None, 1])),
            separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])),
        )
        for key in data:
            escaped = _escape_key(key, draw(st.lists(st.booleans(), max_size=len(key))))
            text = text.replace(json.dumps(key) + ":", f'"{escaped}":', 1)
    else:
        text = json.dumps(
            [{"name": k, "value": v, "domain": "maimai.wahlap.com"} for k, v in items]
        )
    if draw(st.booleans()):
        text = f"```\n{text}\n```"
    return text


# How the text reaches a log line: a command with any prefix, or plain chat around it.
WRAPPERS = [
    "{}",
    "/bind {}",
    "／bind {}",
    "!bind {}",
    "#绑定 {}",
    "bind\n{}",
    "这是我的 cookie：{} 怎么用",
    "{}\n谢谢",
]


def _logged(line: str) -> list[str]:
    """The line as we log it, as NoneBot logs an incoming message (its repr, highlighted), and
    CQ-escaped as OneBot sends it."""
    from tests.chat.helpers import group_message

    return [line, group_message(line).get_log_string(), f"Message 7 '{Message(line)}'"]


def _runs(value: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]{6,}", value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=bind_forms(), wrapper=st.sampled_from(WRAPPERS))
def test_every_form_the_bind_parser_accepts_is_masked(form: str, wrapper: str) -> None:
    parsed = parse_bind_input(form)
    assert isinstance(parsed, CookieJar)  # the generator only makes forms /bind accepts
    secrets = [v for k, v in parsed.cookies.items() if k in SECRET_NAMES]
    for line in _logged(wrapper.format(form)):
        out = redact(line)
        skeleton = line
        for secret in secrets:
            skeleton = skeleton.replace(secret, "")
        for secret in secrets:
            assert secret not in out
            for run in _runs(secret):  # no piece of it either (values cut at a quote, an escape…)
                if run not in skeleton:
                    assert run not in out, (line, out)


@pytest.mark.parametrize(
    "line",
    [
        "userId = 1234567890123; _t = 0123456789abcdef",
        'userId="1234567890123"; _t="0123456789abcdef"',
        '{"userId": 1234567890123, "_t": "0123456789abcdef"}',
        "{'userId': 1234567890123, '_t': '0123456789abcdef'}",
        '[{"name":"_t","value":"0123456789abcdef"},{"name":"userId","value":1234567890123}]',
        "。bind userId=1234567890123;_t=0123456789abcdef",
        "群友：userId = 1234567890123 ；_t = 0123456789abcdef 这样对吗",
        "_t=0123456789abcdef&amp;extra; userId=1234567890123",
        "https://tgk-wcaime.wahlap.com/wc_auth/oauth/callback/maimai-dx?r=x&t=y&%63ode=1234567890123&state=0123456789abcdef",
    ],
)
def test_the_issue_forms_never_reach_the_log(line: str) -> None:
    for logged in _logged(line):
        out = redact(logged)
        assert "1234567890123" not in out and "0123456789abcdef" not in out, out
        assert "***" in out


def test_ordinary_lines_keep_their_words() -> None:
    assert (
        redact("GET /record/playlogDetail/ idx=3,1759467960 HTTP 200")
        == "GET /record/playlogDetail/ idx=3,1759467960 HTTP 200"
    )
    assert redact("userId = 1; rating=14374") == "userId = ***; rating=14374"
    assert (
        redact('{"title": "PANDORA PARADOXXX", "_t": "abc"}')
        == '{"title": "PANDORA PARADOXXX", "_t": "***"}'
    )


def _unbounded_backtracking(pattern: re.Pattern[str]) -> list[str]:
    """Greedy or lazy repeats without an upper bound: the engine may come back into them."""
    found: list[str] = []

    def walk(items) -> None:
        for op, arg in items:
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                _low, high, sub = arg
                if high == sre_constants.MAXREPEAT:
                    found.append(f"{op} {sub}")
                walk(sub)
            elif op in (sre_constants.POSSESSIVE_REPEAT,):
                walk(arg[2])
            elif op in (sre_constants.SUBPATTERN,):
                walk(arg[-1])
            elif op in (sre_constants.BRANCH,):
                for branch in arg[1]:
                    walk(branch)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT, sre_constants.ATOMIC_GROUP):
                walk(arg[-1] if isinstance(arg, tuple) else arg)

    walk(sre_parse.parse(pattern.pattern, pattern.flags))
    return found


def test_no_pattern_can_backtrack_without_bound() -> None:
    """Linear time by construction: every unbounded repeat is possessive (a 30 000-character
    message once cost seconds of event loop in a greedy ``\\w+://``; bench/redact.py times it)."""
    patterns = [v for v in vars(redact_module).values() if isinstance(v, re.Pattern)]
    assert len(patterns) >= 8
    assert {p.pattern: _unbounded_backtracking(p) for p in patterns} == {
        p.pattern: [] for p in patterns
    }


def test_a_greedy_pattern_is_caught_by_that_check() -> None:
    assert _unbounded_backtracking(re.compile(r"(\w+://[^:/@\s]*:)"))
    assert not _unbounded_backtracking(re.compile(r"(\w++://[^:/@\s]*+:)"))


def test_cookie_names_are_the_ones_binding_requires() -> None:
    from plugins.maimai_archive.core.archiving.binding import REQUIRED

    assert set(REQUIRED) <= set(COOKIE_NAMES)


def test_nonebot_logger_masks_cookies_pasted_as_plain_chat() -> None:
    from nonebot import logger

    seen: list[str] = []
    sink = logger.add(lambda m: seen.append(str(m)), level="DEBUG", colorize=False)
    try:
        logger.opt(colors=True).success(
            "Event: message from 1 '<y>userId = 1234567890123 ; _t = \"0123456789abcdef\"</y>'"
        )
        logger.info('sent {"userId": 1234567890123}')
    finally:
        logger.remove(sink)
    assert len(seen) == 2
    assert all("0123456789abcdef" not in s and "1234567890123" not in s for s in seen), seen


@pytest.mark.parametrize("blank", ["\u3000", "\xa0", "\x85", "\x1c", "\u2003", "\t"])
@pytest.mark.parametrize(
    "command", ["/link{b}水鱼{b}{s}", "{b}关联{b}落雪{b}{s}", "/bind{b}{s}", "绑定{b}{b}{s}"]
)
def test_a_command_after_any_blank_nonebot_splits_on_is_masked_in_its_logged_repr(
    command: str, blank: str
) -> None:
    """NoneBot logs repr(message): a full-width space after /link is the six characters \\u3000."""
    secret = "Tk9ZmQ4xV7pL2sR8"
    line = command.format(b=blank, s=secret)
    for logged in [*_logged(line), repr(Message(line).to_rich_text())]:
        out = redact(logged)
        assert secret not in out and "***" in out, (logged, out)
