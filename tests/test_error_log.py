"""The watch behind "a crash can never pass silently" (tests/conftest.py error_log): what it
counts as an ERROR, in this process and in a bot process's log."""

from __future__ import annotations

import logging

from tests.conftest import ErrorLog
from tests.e2e.botproc import BotProcess


def test_error_records_of_loguru_and_the_standard_library_are_kept_with_their_traceback():
    from nonebot.log import logger

    log = ErrorLog()
    log.start()
    try:
        logger.warning("a warning is no error")
        logging.getLogger("tortoise").warning("nor is this")
        try:
            raise ValueError("a defect")
        except ValueError as e:
            logger.opt(exception=e).error("Running Matcher failed.")
        logging.getLogger("asyncio").error("Task exception was never retrieved")
    finally:
        log.stop()
    logger.error("after stop: not kept")
    records = log.take()
    assert len(records) == 2
    assert "Running Matcher failed." in records[0]
    assert "Traceback" in records[0] and "ValueError: a defect" in records[0]
    assert records[1] == "asyncio: Task exception was never retrieved"
    assert log.take() == []


def test_a_bot_log_is_read_once_for_error_lines_and_tracebacks(tmp_path, monkeypatch):
    monkeypatch.setattr(BotProcess, "started", [])
    bot = BotProcess(tmp_path / "data")
    BotProcess.started.append(bot)
    bot.log_path.write_text(
        "12-07 08:00:00 [INFO] nonebot | ready\n12-07 08:00:01 [WARNING] x | slow\n"
    )
    assert BotProcess.new_errors() == []
    with bot.log_path.open("a") as f:
        f.write("12-07 08:00:02 [ERROR] nonebot.message | Running Matcher failed.\n")
        f.write("Traceback (most recent call last):\n  File ...\nValueError: x\n")
    errors = BotProcess.new_errors()
    assert len(errors) == 2  # the ERROR line, and the traceback under it
    assert "Running Matcher failed." in errors[0]
    assert BotProcess.new_errors() == []  # read once
