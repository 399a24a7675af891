"""Black-box: the real bot process, no .env, SQLite, answering OneBot v11 over WebSocket."""

from __future__ import annotations

from pathlib import Path

import pytest
import websockets

from tests.e2e.botproc import BotProcess
from tests.onebot_client import OneBotClient, message_text

pytestmark = pytest.mark.e2e


async def test_bot_answers_help_in_a_group_over_onebot_v11(tmp_path: Path) -> None:
    bot = BotProcess(tmp_path / "data", access_token="e2e-token").start()
    try:
        async with OneBotClient(bot.ws_url, access_token="e2e-token") as client:
            await client.group_message("/help", user_id=20001, group_id=30001)
            call = await client.wait_for_reply(group=30001)
            assert call["action"] in ("send_msg", "send_group_msg")
            assert "/sync" in message_text(call) or "/help" in message_text(call)
        log = bot.log()
        assert "ws://127.0.0.1:" in log and "/onebot/v11/ws" in log  # the operator's one line
        assert (tmp_path / "data" / "secret.key").is_file()
        # NoneBot warns about our code when it cannot read a handler's or rule's parameters
        # ("Unknown ForwardRef[...] for parameter ..."): none of that at start-up.
        assert "ForwardRef" not in log
        assert [
            line for line in log.splitlines() if "[WARNING]" in line and "parameter" in line
        ] == []
    finally:
        bot.stop()


async def test_wrong_access_token_is_refused(tmp_path: Path) -> None:
    bot = BotProcess(tmp_path / "data", access_token="right").start()
    try:
        client = OneBotClient(bot.ws_url, access_token="wrong")
        with pytest.raises(websockets.InvalidStatus):  # 403: the handshake is refused
            await client.connect(timeout=3)
    finally:
        bot.stop()
