"""Start the bot: NoneBot2 with the OneBot v11 adapter, serving reverse WebSocket.

Connect any OneBot v11 implementation (NapCat, Lagrange.OneBot, LLOneBot …) as a reverse
WebSocket client to ws://HOST:PORT/onebot/v11/ws (with ONEBOT_ACCESS_TOKEN when set).
"""

import nonebot
from nonebot.adapters.onebot.v11 import Adapter as OneBotV11Adapter

from plugins.maimai_archive.core.redact import install_loguru_redaction, install_stdlib_redaction


def _build() -> None:
    # Before init: at DEBUG NoneBot logs its whole config, the secret key and database URL included.
    install_loguru_redaction()
    install_stdlib_redaction()
    nonebot.init()
    driver = nonebot.get_driver()
    driver.register_adapter(OneBotV11Adapter)
    nonebot.load_from_toml("pyproject.toml")
    driver.on_startup(_tell_operator)


async def _tell_operator() -> None:
    cfg = nonebot.get_driver().config
    token = (
        "，并设置 access token（ONEBOT_ACCESS_TOKEN）"
        if getattr(cfg, "onebot_access_token", None)
        else ""
    )
    nonebot.logger.opt(colors=False).info(
        f"OneBot v11: 请让 NapCat / Lagrange 等 QQ 客户端以反向 WebSocket 连接 "
        f"ws://{cfg.host}:{cfg.port}/onebot/v11/ws{token}"
    )


# The render processes (multiprocessing's spawn) import this file as "__mp_main__": they
# need none of the bot, so only a real start (or ``import bot``) builds it.
if __name__ != "__mp_main__":
    _build()


if __name__ == "__main__":
    nonebot.run()
