"""The schedule behind /autosync: a tick every minute syncs the players who are due."""

from __future__ import annotations

import nonebot
from nonebot import get_driver
from nonebot.log import logger
from nonebot_plugin_apscheduler import scheduler

from .registry import app


async def notify(qq: str, text: str) -> None:
    bot = nonebot.get_bot()
    await bot.send_private_msg(user_id=int(qq), message=text)


async def tick() -> None:
    core = app()
    if not core.config.maimai_autosync_enabled or core.autosync is None:
        return
    try:
        reports = await core.autosync.tick()
    except Exception:  # one bad tick must not kill the schedule
        logger.exception("autosync tick failed")
        return
    if reports:
        logger.info(
            f"autosync: {len(reports)} players, {sum(r.new_plays for r in reports)} new plays"
        )


@get_driver().on_startup
async def _schedule() -> None:
    scheduler.add_job(
        tick,
        "interval",
        minutes=1,
        id="maimai_autosync",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        refresh_songs, "cron", hour=5, minute=17, id="maimai_songs", replace_existing=True
    )


async def refresh_songs() -> None:
    """Daily song data refresh (new songs, constants, aliases)."""
    logger.info(await app().refresh_catalogue())
