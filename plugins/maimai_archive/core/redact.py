"""Keep session cookies, login codes and keys out of every log line.

One place decides what a secret looks like; the bot installs it on loguru (NoneBot's
logger, which logs every incoming message) and on the standard library's logging.

What is masked is a superset of what ``/bind`` accepts (core/archive/binding.py), in any
place of a line — a command with any prefix, or cookies pasted as plain chat:
- ``name = value`` (spaces, quotes, ``；``): the value up to the field's end (``;``, newline),
  as the bind parser reads it; NoneBot's CQ escapes (``&amp;``…) are part of the value;
- ``"name": value`` in JSON or a Python repr (escaped keys decoded, numbers, nested values);
- ``"value": …`` of a browser export; the whole query of an OAuth callback URL;
- everything after a ``bind``/``绑定`` or ``link``/``关联`` command word;
- the callback fields inside a one-tap login link's encoded ``redirect_uri``; tracker tokens
  (``Import-Token``, ``X-User-Token``) as headers or JSON keys.
Linear time: every pattern starts at a literal or a word start, and its repeats are possessive
(``*+``) or bounded, so no input makes the engine backtrack (a 30 000-character message
once cost seconds of event loop; bench/redact.py).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

MASK = "***"

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
_COOKIE_KV = re.compile(
    rf"{_START}((?:{'|'.join(COOKIE_NAMES)}){_BLANK}={_BLANK})(?:{_CQ}|[^;；\n])*+", _I
)
_QUERY_KV = re.compile(rf"{_START}((?:{'|'.join(QUERY_NAMES)})\s*+=)[^&;\s\"'<>,}}\]#]*+", _I)
# A quoted key and its colon; whether it names a secret is decided in Python (escapes decoded).
_KEY = re.compile(r"""(?:"((?:[^"\\\n]|\\.){1,100}+)"|'((?:[^'\\\n]|\\.){1,100}+)')\s*+:\s*+""")
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
    rf"((?<![\w-])(?:{'|'.join(TOKEN_HEADERS)})\s*+[:=]\s*+)[^\s\"',;}}\]]*+", _I
)
# A /web link's token (it opens the archive) in a logged path or URL (issue 22).
_WEB_LINK = re.compile(r"(/web/)[A-Za-z0-9_-]{16,}+")
# The OAuth callback URL (its code logs the account in): the whole query, to the end.
_CALLBACK = re.compile(r"(/wc_auth/[^?\s]*+\?).++", _I | re.DOTALL)
# A bind command (cookies) or a link command (a tracker token) with any prefix (or none):
# everything after the command word.
# NoneBot's command parser splits on any blank (a full-width space too), logged as an escape.
_AFTER_BLANK = r"(?:(?<!\w)|(?<=\\[tnrfv])|(?<=\\x[0-9a-fA-F]{2})|(?<=\\u[0-9a-fA-F]{4}))"
_BIND = re.compile(
    rf"({_AFTER_BLANK}[^\w\s]?(?:bind|绑定|link|关联)(?:\s|{_ESCAPED_BLANK})++)\S.*+",
    _I | re.DOTALL,
)
_FERNET = re.compile(r"gAAAAA[\w\-=]{20,}+")
# The password in a URL: scheme://user:password@host (scheme at a word start; bounded).
_URL_PASSWORD = re.compile(
    r"(?<![\w+.\-])([A-Za-z][\w+.\-]*+://[^:/@\s'\"]*+:)[^@/\s'\"]{1,256}+(@)"
)

_extra: list[str] = []  # exact values (the configured key), added by add_secret

# Every secret shape above contains one of these; most log lines contain none (cheap exit:
# loguru builds a record for every debug call, so this runs on each).
_MARKERS = ("=", ":", "gaaaaa", "bind", "绑定", "link", "关联")  # compared with the lowered line


def redact(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``***``."""
    if not text:
        return text
    lowered = text.lower()
    if any(m in lowered for m in _MARKERS):
        text = _BIND.sub(lambda m: m.group(1) + MASK, text)
        text = _CALLBACK.sub(lambda m: m.group(1) + MASK, text)
        text = _ENCODED_QUERY.sub(lambda m: m.group(1) + MASK, text)
        text = _TOKEN_HEADER.sub(lambda m: m.group(1) + MASK, text)
        text = _mask_keyed(text)
        text = _COOKIE_KV.sub(lambda m: m.group(1) + MASK, text)
        text = _QUERY_KV.sub(lambda m: m.group(1) + MASK, text)
        text = _FERNET.sub(MASK, text)
        text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(2), text)
    if "/web/" in text:
        text = _WEB_LINK.sub(lambda m: m.group(1) + MASK, text)
    for value in _extra:
        text = text.replace(value, MASK)
    return text


def _mask_keyed(text: str) -> str:
    """``"name": value`` with a secret name (JSON, a Python repr, a browser export)."""
    if ":" not in text:
        return text
    spans: list[tuple[int, int, str]] = []  # (start, end, quote) of each value to mask
    key = _KEY.search(text)
    while key is not None:
        # A quote inside a value may open a false "key" that hides a real one: the next search
        # starts one character on (keys are at most 100 characters: still linear).
        resume = key.start() + 1
        if _is_secret_key(key.group(1) or key.group(2) or ""):
            start = key.end()
            value = _VALUE.match(text, start)
            end = value.end() if value else start
            quote = (
                text[start] if text[start : start + 1] in ("'", '"') else ""
            )  # a string stays one
            if quote:
                longer = _LONG_STRING.match(text, start)
                end = max(end, longer.end() + 1 if longer else end)
            spans.append((start, min(end, len(text)), quote))
            resume = max(resume, value.end() if value else start)
        key = _KEY.search(text, resume)
    if not spans:
        return text
    out: list[str] = []
    done = 0  # text[:done] is in ``out``
    for start, end, quote in spans:
        if start >= done:
            out += [text[done:start], quote + MASK + quote]
        elif end > done:  # overlaps the last masked value: mask on to its end
            out.append(MASK)
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
