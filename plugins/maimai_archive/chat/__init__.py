"""The NoneBot plugin: a thin chat layer over the core (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

import logging

from nonebot import get_driver, get_plugin_config, require
from nonebot.log import LoguruHandler
from nonebot.plugin import PluginMetadata

require("nonebot_plugin_apscheduler")

from ..config import MaimaiConfig  # noqa: E402
from ..core import (  # noqa: E402
    ArchiveApp,
    install_loguru_redaction,
    install_stdlib_redaction,
)
from . import (  # noqa: E402, F401  (each import registers its commands)
    account,
    autosync_job,
    bind_proxy,
    chart,
    guess,
    help,
    link,
    play_together,
    progress,
    record_images,
    score_tools,
    sync,
    web,
)
from .registry import COMMANDS, use_app  # noqa: E402

config = get_plugin_config(MaimaiConfig)
_app = ArchiveApp(config, notify=autosync_job.notify)

__plugin_meta__ = PluginMetadata(
    name="舞萌DX 成绩存档",
    description="绑定舞萌DX账号后 /sync，永久保存每一次游玩，并以图片回复成绩、变化和历史。",
    usage="\n".join(f"{d.usage}  {d.brief}" for d in COMMANDS),
    type="application",
    homepage=None,
    config=MaimaiConfig,
    supported_adapters={"~onebot.v11"},
    extra={"commands": [d.name for d in COMMANDS]},
)

# Cookies arrive as message text and NoneBot logs every message: redact before any handler.
install_loguru_redaction()
install_stdlib_redaction()
# The core logs with the standard library; show it in NoneBot's log like everything else.
_core_log = logging.getLogger("plugins.maimai_archive")
if not any(isinstance(h, LoguruHandler) for h in _core_log.handlers):
    _core_log.addHandler(LoguruHandler())
    _core_log.setLevel(logging.INFO)

driver = get_driver()


@driver.on_startup
async def _start() -> None:
    await _app.start()
    use_app(_app)
    web.mount()
    await bind_proxy.start(_app)
    logging.getLogger(__name__).info("maimai archive ready, data in %s", config.data_dir)


@driver.on_shutdown
async def _stop() -> None:
    use_app(None)
    await _app.stop()
