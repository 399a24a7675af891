"""Black-box, hostile input (issue 10): every malformed /bind is answered, cookies pasted in
a group in any form never reach the bot's log, image commands are rate-limited per user."""

from __future__ import annotations

import pytest

from tests.e2e.botproc import BotProcess
from tests.e2e.conftest import E2E_IMAGE_RATE, ask_group, ask_private, new_qq
from tests.onebot_client import OneBotClient, message_text

pytestmark = pytest.mark.e2e

GROUP = 72_100_001
USER_ID, TOKEN = "7316504982135", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 30_000, "嵌套太深"),
        ("https://[::1/wc_auth/oauth/callback/maimai-dx?code=1", "链接无法识别"),
        (
            "https://tgk-wcaime.wahlap.com\uff03@x/wc_auth/oauth/callback/maimai-dx?code=1",
            "链接无法识别",
        ),
        (f"userId={USER_ID}; _t=ab\x1bcd", "控制字符"),
    ],
    ids=["deep-json", "ipv6-bracket", "nfkc-url", "control-char"],
)
async def test_every_malformed_bind_gets_a_reply(
    qq_client: OneBotClient, text: str, says: str
) -> None:
    reply = await ask_private(qq_client, new_qq(), "/bind " + text)
    assert says in reply, reply


async def test_cookies_pasted_in_a_group_never_reach_the_log(
    bot: BotProcess, qq_client: OneBotClient
) -> None:
    qq = new_qq()
    for text in [
        f"userId = {USER_ID}; _t = {TOKEN}",
        f'userId="{USER_ID}"; _t="{TOKEN}"',
        f'{{"userId": {USER_ID}, "_t": "{TOKEN}"}}',
        f"!bind userId={USER_ID};_t={TOKEN}",
        f"我的是 userId\t=\t{USER_ID}\n_t={TOKEN} 对吗",
    ]:
        await qq_client.group_message(text, user_id=qq, group_id=GROUP)
    # A command with a reply after them: the bot has handled (and logged) every message before.
    reply = message_text(await ask_group(qq_client, qq, GROUP, "/sync", within=30))
    assert "还没有绑定" in reply
    log = bot.log()
    assert f"[群:{GROUP}]" in log  # the messages were logged …
    assert USER_ID not in log and TOKEN[:12] not in log  # … without the cookies


async def test_image_commands_are_rate_limited_per_user(qq_client: OneBotClient) -> None:
    qq = new_qq()
    allowed = int(E2E_IMAGE_RATE)  # a minute, as the e2e bot is set up
    replies = [
        message_text(await ask_group(qq_client, qq, GROUP, "/b50", within=30))
        for _ in range(allowed + 1)
    ]
    assert all("还没有绑定" in r for r in replies[:allowed]), replies
    assert "太频繁" in replies[allowed], replies[allowed]
    other = message_text(await ask_group(qq_client, new_qq(), GROUP, "/b50", within=30))
    assert "还没有绑定" in other  # another member is not held back
