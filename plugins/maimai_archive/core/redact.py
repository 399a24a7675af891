"""Keep session cookies, login codes and keys out of every log line.

One place decides what a secret looks like; the bot installs it on loguru (NoneBot's
logger, which logs every incoming message) and on the standard library's logging.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "***"

# Cookie names the site uses (session, rotation and the WAF's), and OAuth callback fields.
_SECRET_NAMES = r"(?:userId|_t|__tst_status|EO_Bot_Ssid|friendCodeList|code|t|r|state|maimai_secret_key)"
_PATTERNS = [
    # name=value in cookie headers, query strings, .env lines
    re.compile(rf"(?<![\w]){_SECRET_NAMES}=([^;&\s\"',}}\]]+)", re.IGNORECASE),
    # "name": "value" in JSON (cookie exports)
    re.compile(rf"([\"']{_SECRET_NAMES}[\"']\s*:\s*[\"'])([^\"']+)", re.IGNORECASE),
    # {"name": "_t", "value": "…"} browser exports
    re.compile(r"([\"']value[\"']\s*:\s*[\"'])([^\"']+)", re.IGNORECASE),
    # Fernet keys and tokens
    re.compile(r"gAAAAA[\w\-=]{20,}"),
    # the password in a database URL: scheme://user:password@host
    re.compile(r"(\w+://[^:/@\s'\"]*:)([^@\s'\"]+)(@)"),
    # callback fields inside a URL-encoded redirect_uri (the one-tap login link): the value only
    re.compile("(?:" + "|".join(f"(?<={s}{n}%3D)" for s in ("%3F", "%26") for n in ("r", "t", "code", "state"))
               + r")[^%&\s\"'#]+", re.IGNORECASE),
    # score tracker tokens in a header or JSON: Import-Token: …, "X-User-Token": "…"
    re.compile(r"((?:Import-Token|X-User-Token)[\"']?\s*[:=]\s*[\"']?)([^\s\"',;}}]+)", re.IGNORECASE),
]
_BUILTIN = len(_PATTERNS)  # add_secret appends exact values after these
# A /bind command carries cookies in any shape, /link a tracker token: hide everything
# after the command word.
_BIND = re.compile(r"((?:^|[\s\[\]'\"(])[/／]?(?:bind|绑定|link|关联)\s+)(\S.*)", re.IGNORECASE | re.DOTALL)


# Every secret shape above contains one of these; most log lines contain none (cheap exit:
# loguru builds a record for every debug call, so this runs on each).
_MARKERS = ("=", ":", "gaaaaa", "bind", "绑定", "link", "关联")  # compared with the lowered line


def redact(text: str) -> str:
    """``text`` with every secret-looking value replaced by ``***``."""
    if not text or (len(_PATTERNS) == _BUILTIN and not any(m in text.lower() for m in _MARKERS)):
        return text
    text = _BIND.sub(lambda m: m.group(1) + MASK, text)
    text = _PATTERNS[0].sub(lambda m: m.group(0).split("=", 1)[0] + "=" + MASK, text)
    text = _PATTERNS[1].sub(lambda m: m.group(1) + MASK, text)
    text = _PATTERNS[2].sub(lambda m: m.group(1) + MASK, text)
    text = _PATTERNS[3].sub(MASK, text)
    text = _PATTERNS[4].sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = _PATTERNS[5].sub(MASK, text)
    text = _PATTERNS[6].sub(lambda m: m.group(1) + MASK, text)
    for extra in _PATTERNS[_BUILTIN:]:
        text = extra.sub(MASK, text)
    return text


def install_loguru_redaction() -> None:
    """NoneBot's logger, before ``nonebot.init()`` logs the loaded config at DEBUG."""
    from loguru import logger

    logger.configure(patcher=loguru_patcher)  # type: ignore[arg-type]  # a Record is a dict at runtime


def add_secret(value: str) -> None:
    """Also hide this exact value (the configured key) wherever it appears."""
    if value and len(value) >= 8:
        _PATTERNS.append(re.compile(re.escape(value)))


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
