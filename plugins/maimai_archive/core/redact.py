"""Keep session cookies, login codes and keys out of every log line.

One place decides what a secret looks like; the bot installs it on loguru (NoneBot's
logger, which logs every incoming message) and on the standard library's logging.

What is masked is a superset of what ``/bind`` accepts (core/archiving/binding.py), in any
place of a line — a command with any prefix, or cookies pasted as plain chat:
- ``name = value`` (spaces, quotes, ``；``; the separator any of ``: ： = ＝`` or a tab, as in
  the table browser dev tools copy): the value up to the field's end (``;``, newline), as the
  bind parser reads it; NoneBot's CQ escapes (``&amp;``…) are part of the value;
- ``"name": value`` in JSON or a Python repr (escaped keys decoded, numbers, nested values);
- ``"value": …`` of a browser export; the whole query of an OAuth callback URL;
- everything after a ``bind``/``绑定`` or ``link``/``关联`` command word (``/link水鱼 …``
  without a blank too), and a lone token-like word on its own line or as a whole message
  (the token a player sends after a bare ``/link``); the one-tap link's ``/bind/<token>``;
- all of the above also in a percent-encoded line (``userId%3D…%3B%20_t%3D…``): the line is
  read decoded as well, and what is secret there is masked in the original;
- the callback fields inside a one-tap login link's encoded ``redirect_uri``; tracker tokens
  (``Import-Token``, ``X-User-Token``) as headers or JSON keys.
Linear time: every pattern starts at a literal or a word start, and its repeats are possessive
(``*+``) or bounded, so no input makes the engine backtrack, and no pattern is retried from
every start of a long run (``"/wc_auth/" × N`` once cost 1.4 s; bench/redact.py). Masks keep
the length (``SENTINEL`` per character) until the end, so the decoded reading maps back.
"""

from __future__ import annotations

import json
import logging
import re
from bisect import bisect_left
from heapq import heappop, heappush
from itertools import accumulate
from typing import Any

MASK = "***"
# A masked character while the line is worked on; each run of them becomes MASK at the end.
SENTINEL = "\x00"

# Cookie names the site uses (session, rotation and the WAF's) and our own key setting: the
# value runs to the end of the cookie field, exactly as the bind parser reads it.
COOKIE_NAMES = (
    "userId",
    "_t",
    "__tst_status",
    "EO_Bot_Ssid",
    "friendCodeList",
    "maimai_secret_key",
)
# OAuth callback query fields: the value runs to the end of the query field.
QUERY_NAMES = ("code", "t", "r", "state")
# Score tracker tokens (/link): sent as these headers.
TOKEN_HEADERS = ("Import-Token", "X-User-Token")
_SECRET_KEYS = frozenset(n.lower() for n in (*COOKIE_NAMES, *QUERY_NAMES, *TOKEN_HEADERS, "value"))

_I = re.IGNORECASE
_CQ = r"&(?:amp|#44|#91|#93);"  # OneBot escapes in logged message text: one character each
# Blanks as the bind parser strips them, also as NoneBot logs them: it logs repr(message), so a
# tab is the two characters \t there.
_ESCAPED_BLANK = (
    r"\\[tnrfv]|\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}"  # \u3000 (full-width), \xa0, \x1c…
)
_BLANK = rf"(?:\s|{_ESCAPED_BLANK})*+"
# A name starts a word, or follows a blank that repr() wrote as an escape ("\nuserId=").
_START = r"(?:(?<![\w$%])|(?<=\\[tnrfv])|(?<=\\x[0-9a-fA-F]{2})|(?<=\\u[0-9a-fA-F]{4}))"
_TAB = r"(?:\t|\\t)"  # a tab, or the two characters \t of a repr'd line
_COOKIE_NAMES_LOWER = tuple(n.lower() for n in COOKIE_NAMES)


def _started(name: str) -> str:
    """``name`` at a start (_START), checked behind it: the pattern begins with the name, so
    the engine skips every position that cannot start it instead of testing lookbehinds."""
    return (
        rf"{name}(?:(?<![\w$%]{name})|(?<=\\[tnrfv]{name})"
        rf"|(?<=\\x[0-9a-fA-F]{{2}}{name})|(?<=\\u[0-9a-fA-F]{{4}}{name}))"
    )


_COOKIE_KV = re.compile(
    rf"((?:{'|'.join(map(_started, COOKIE_NAMES))})(?:{_BLANK}[:：=＝]|{_TAB}){_BLANK})"
    rf"(?:{_CQ}|[^;；\n])*+",
    _I,
)
_QUERY_KV = re.compile(
    rf"((?:{'|'.join(map(_started, QUERY_NAMES))})\s*+[=＝])[^&;\s\"'<>,}}\]#]*+", _I
)
# A quoted key and its colon; whether it names a secret is decided in Python (escapes decoded).
# Only a secret's name or a key with an escape in it is a candidate: the engine skips the rest.
_NAMES = "|".join(re.escape(n) for n in sorted(_SECRET_KEYS, key=len, reverse=True))
_KEY = re.compile(
    rf"""(?:"(?=(?:{_NAMES})"|[^"\n]{{0,100}}?\\)((?:[^"\\\n]|\\.){{1,100}}+)"|"""
    rf"""'(?=(?:{_NAMES})'|[^'\n]{{0,100}}?\\)((?:[^'\\\n]|\\.){{1,100}}+)')\s*+:\s*+""",
    _I,
)
_VALUE = re.compile(
    r"""\[.*+|\{.*+|"(?:[^"\\]|\\.?)*+"?|'(?:[^'\\]|\\.?)*+'?|(?:[^,}\]\s&]|&(?!\#44;|\#93;))*+""",
    re.DOTALL,
)
# \\" ends a JSON string (an escaped backslash) but is an escaped quote in a repr'd log line:
# the value is also read the longer way — any backslash escapes a quote — up to a bound.
_LONG_STRING = re.compile(
    r"""(?:"(?:[^"\\]|\\++[^\\]?){0,8192}+|'(?:[^'\\]|\\++[^\\]?){0,8192}+)""", re.DOTALL
)
# The callback fields inside the URL-encoded redirect_uri of a one-tap login link.
_ENCODED_QUERY = re.compile(r"(%(?:3F|26)(?:r|t|code|state)%3D)[^%&\s\"'#]*+", _I)
# A tracker token as a header line: "Import-Token: …".
_TOKEN_HEADER = re.compile(
    rf"((?<![\w-])(?:{'|'.join(TOKEN_HEADERS)})(?:\s*+[:：=＝]|{_TAB})\s*+)[^\s\"',;}}\]]*+",
    _I,
)
# The OAuth callback URL (its code logs the account in): the whole query, to the end. The ``?``
# is optional so that every match consumes its path: a failed start never rescans it.
_CALLBACK = re.compile(r"/wc_auth/[^?\s]*+(\?)?", _I)
# A /web link's token (it opens the archive) in a logged path or URL.
_WEB_LINK = re.compile(r"(/web/)[A-Za-z0-9_-]{16,}+")
# A bind command (cookies) or a link command (a tracker token) with any prefix (or none):
# everything after the command word.
# NoneBot's command parser splits on any blank (a full-width space too), logged as an escape.
_AFTER_BLANK = r"(?:(?<!\w)|(?<=\\[tnrfv])|(?<=\\x[0-9a-fA-F]{2})|(?<=\\u[0-9a-fA-F]{4}))"
# A tracker's name right after the command word (``/link水鱼 …``): NoneBot reads it the same.
_TRACKERS = "水鱼|落雪|divingfish|df|lxns"
_BIND = re.compile(
    rf"({_AFTER_BLANK}[^\w\s]?(?:bind|绑定|link|关联)"
    rf"(?:(?:\s|{_ESCAPED_BLANK})++|(?={_TRACKERS})))\S.*+",
    _I | re.DOTALL,
)
# A token alone on its line, or a whole quoted message (NoneBot logs messages in quotes): what
# a player sends after a bare /link. Letters and digits both, so words and numbers stay.
_LONE_TOKEN = re.compile(
    r"(?:^|(?<=[\n'\"])|(?<=\\n))([A-Za-z0-9_\-+/=.~]{16,512}+)(?=$|[\n'\"]|\\n)",
    re.MULTILINE,
)
# The one-tap link the bot sends: http://<proxy>/bind/<token>.
_LINK_TOKEN = re.compile(r"(/bind/)[\w\-]++", re.ASCII)
_FERNET = re.compile(r"gAAAAA[\w\-=]{20,}+")
# The password in a URL: scheme://user:password@host (scheme at a word start; bounded).
_URL_PASSWORD = re.compile(
    r"(?<![\w+.\-])([A-Za-z][\w+.\-]*+://[^:/@\s'\"]*+:)[^@/\s'\"]{1,256}+(@)"
)

_extra: list[str] = []  # exact values (the configured key), added by add_secret

# Every secret shape above contains one of these; most log lines contain none (cheap exit:
# loguru builds a record for every debug call, so this runs on each).
_MARKERS = ("=", ":", "：", "＝", "\t", "\\t", "gaaaaa", "bind", "绑定", "link", "关联")
# Percent escapes of the characters a secret's shape is made of (separators, quotes, blanks):
# letters and digits are never encoded by a browser, so they need no decoding.
# Full-width ： ； ＝ are the UTF-8 escapes %EF%BC%9A, %EF%BC%9B, %EF%BC%9D.
_PERCENT = re.compile(r"%(09|2[0-9A-F]|3[A-F]|40|5[B-F]|60|7[B-E]|EF%BC%9[ABD])", _I)


class _Decoded(dict[str, str]):
    def __missing__(self, escape: str) -> str:
        return self[escape.upper()]


_DECODE = _Decoded({f"{b:02X}": chr(b) for b in range(0x20, 0x7F)})
_DECODE |= {"09": "\t", "EF%BC%9A": "：", "EF%BC%9B": "；", "EF%BC%9D": "＝"}
_SENTINELS = re.compile(f"{SENTINEL}++")


def redact(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``***``."""
    if not text:
        return text
    masked = _mask(text)
    if "%" in text:
        masked = _mask_decoded(text, masked)
    for value in _extra:
        masked = masked.replace(value, SENTINEL * len(value))
    return _SENTINELS.sub(MASK, masked) if SENTINEL in masked else masked


def holds_secret(text: str) -> bool:
    """Whether ``text`` holds anything ``redact`` would mask (a cookie, a token…)."""
    return redact(text) != text


def _mask(text: str) -> str:
    """Every secret's characters turned to SENTINEL (the length stays). Each pattern runs only
    when its literal part is in the line (a substring test costs nothing next to a scan)."""
    text = _LONE_TOKEN.sub(_lone_token, text)
    if "/web/" in text:
        text = _WEB_LINK.sub(_after_group, text)
    lowered = text.lower()
    if not any(m in lowered for m in _MARKERS):
        return text
    # A command word or a callback masks the rest of the line: the rest is not scanned again.
    cut = full = len(text)
    if any(w in lowered for w in ("bind", "绑定", "link", "关联")) and (m := _BIND.search(text)):
        cut = m.end(1)
    if "/wc_auth/" in lowered:
        cut = min(cut, _callback_query(text))
    text = text[:cut]
    if "%3d" in lowered:
        text = _ENCODED_QUERY.sub(_after_group, text)
    if "token" in lowered:
        text = _TOKEN_HEADER.sub(_after_group, text)
    if "/bind/" in lowered:
        text = _LINK_TOKEN.sub(_after_group, text)
    text = _mask_keyed(text)
    if any(n in lowered for n in _COOKIE_NAMES_LOWER):
        text = _COOKIE_KV.sub(_after_group, text)
    if "=" in text or "＝" in text:
        text = _QUERY_KV.sub(_after_group, text)
    if "gaaaaa" in lowered:
        text = _FERNET.sub(lambda m: SENTINEL * len(m.group()), text)
    if "://" in text:
        text = _URL_PASSWORD.sub(
            lambda m: m.group(1) + SENTINEL * (m.start(2) - m.end(1)) + m.group(2), text
        )
    return text + SENTINEL * (full - cut)


def _after_group(m: re.Match[str]) -> str:
    """The match with everything after its first group masked."""
    return m.group(1) + SENTINEL * (m.end() - m.end(1))


def _lone_token(m: re.Match[str]) -> str:
    word = m.group(1)
    if any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
        return SENTINEL * len(word)
    return word


def _callback_query(text: str) -> int:
    """Where the first callback URL's query starts (its end: the line's end), else the end."""
    for m in _CALLBACK.finditer(text):
        if m.group(1):
            return m.end()
    return len(text)


def _mask_decoded(text: str, masked: str) -> str:
    """``masked`` with, in addition, what is secret in the percent-decoded ``text``."""
    pieces = _PERCENT.split(text)  # text, escape, text, escape, …, text
    if len(pieces) == 1:
        return masked
    escapes = pieces[1::2]
    pieces[1::2] = map(_DECODE.__getitem__, escapes)
    decoded = "".join(pieces)
    runs = list(_SENTINELS.finditer(_mask(decoded)))
    if not runs:
        return masked
    # Decoded positions of the escapes; each is 1 decoded character for 1 + len(escape).
    at = list(accumulate(map(len, pieces)))[0::2][:-1]
    extra = [0, *accumulate(map(len, escapes))]  # original characters an escape adds
    out: list[str] = []
    done = 0
    for run in runs:
        start = run.start() + extra[bisect_left(at, run.start())]
        end = run.end() + extra[bisect_left(at, run.end())]
        if start >= done:
            out.append(masked[done:start])
        out.append(SENTINEL * (end - max(start, done)))
        done = max(done, end)
    out.append(masked[done:])
    return "".join(out)


def _mask_keyed(text: str) -> str:
    """``"name": value`` with a secret name (JSON, a Python repr, a browser export)."""
    if ":" not in text:
        return text
    spans: list[tuple[int, int, str]] = []  # (start, end, quote) of each value to mask
    ahead: list[tuple[int, int]] = []  # masked values not yet reached by the search (a heap)
    reach = 0  # the search is inside a masked value up to here
    search, value_at, longer_at = _KEY.search, _VALUE.match, _LONG_STRING.match
    key = search(text)
    while key is not None:
        at = key.start()
        while ahead and ahead[0][0] <= at:
            reach = max(reach, heappop(ahead)[1])
        if at < reach:  # a "key" inside a value already masked: masked with it
            key = search(text, reach)
            continue
        # A quote inside a value may open a false "key" that hides a real one: the next search
        # starts one character on (keys are at most 100 characters: still linear).
        name = key.group(1) or key.group(2) or ""
        if name.lower() in _SECRET_KEYS or ("\\" in name and _is_secret_key(name)):
            start = key.end()
            end = value_end = value_at(text, start).end()  # type: ignore[union-attr]
            quote = text[start : start + 1]
            if quote in ("'", '"') and "\\" in text[start:end]:  # a string stays one
                longer = longer_at(text, start)
                end = max(end, longer.end() + 1 if longer else end)
            end = min(end, len(text))
            spans.append((start, end, quote if quote in ("'", '"') else ""))
            heappush(ahead, (start, value_end))  # keys in the longer reading still count
        key = search(text, at + 1)
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    done = 0  # text[:done] is in ``out``
    for start, end, quote in spans:
        if start >= done:
            inner = SENTINEL * max(0, end - start - 2 * len(quote))
            out += [text[done:start], (quote + inner + quote)[: end - start]]
        elif end > done:  # overlaps the last masked value: mask on to its end
            out.append(SENTINEL * (end - done))
        done = max(done, end)
    out.append(text[done:])
    return "".join(out)


def _is_secret_key(key: str) -> bool:
    for _ in range(2):  # "user\u0049d" is "userId" to a JSON reader; repr() doubles the \
        if "\\" not in key:
            break
        try:
            key = json.loads(f'"{key}"')
        except ValueError:
            return True  # a key we cannot read: assume the worst
    return key.lower() in _SECRET_KEYS


def install_loguru_redaction() -> None:
    """NoneBot's logger, before ``nonebot.init()`` logs the loaded config at DEBUG."""
    from loguru import logger

    logger.configure(patcher=loguru_patcher)  # type: ignore[arg-type]  # a Record is a dict at runtime


def add_secret(value: str) -> None:
    """Also hide this exact value (the configured key) wherever it appears."""
    if value and len(value) >= 8 and value not in _extra:
        _extra.append(value)


def install_stdlib_redaction() -> None:
    """Every standard-library log record is redacted when it is created."""
    current = logging.getLogRecordFactory()
    if getattr(current, "_maimai_redacting", False):
        return

    def factory(*args, **kwargs):  # type: ignore[no-untyped-def]
        record = current(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours
            return record
        record.msg, record.args = redact(message), None
        return record

    factory._maimai_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def loguru_patcher(record: dict[str, Any]) -> None:
    """For ``logger.configure(patcher=…)``: runs before any handler sees the record."""
    record["message"] = redact(record["message"])
    if record.get("exception") is not None:
        exc = record["exception"]
        if exc.value is not None and exc.value.args:
            exc.value.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.value.args)
