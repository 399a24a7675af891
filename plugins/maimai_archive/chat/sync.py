"""/sync: archive what the official pages show now, and say what changed."""

from __future__ import annotations

import asyncio
import contextlib

from nonebot.adapters.onebot.v11 import Message, MessageEvent
from nonebot.matcher import Matcher

from ..core import (
    Phase,
    SyncReport,
    SyncStatus,
    diff_pages,
    diff_view,
    play_count,
)
from .registry import NOT_BOUND, app, command, image, try_render_pages
from .request import Arg, own_player

PROGRESS_AFTER = 4.0  # seconds before a "still working" note

sync = command(
    "sync",
    "同步",
    usage="/sync [full]",
    brief="同步并永久存档最新成绩（full：完整重读成绩单）",
    group="同步",
)


def summary(report: SyncReport, archived: int) -> str:
    """The report as a short Chinese reply."""
    if report.status is SyncStatus.BUSY:
        return "你的同步正在进行中，请稍等。"
    if report.status is SyncStatus.UNBOUND:
        return NOT_BOUND
    if report.status is SyncStatus.EXPIRED:
        message = (
            report.error.user_message if report.error else "登录已过期：私聊我发送 /bind 重新登录。"
        )
        return message + ("\n本次已取得的成绩都已保存。" if report.new_plays else "")
    if report.status is SyncStatus.FAILED:
        kept = f"已保存 {report.new_plays} 次新游玩。" if report.new_plays else "已有存档不受影响。"
        return f"同步没有完成：{report.error.user_message if report.error else '未知错误'}\n{kept}"
    lines = []
    if report.full_declined:
        lines.append(
            f"{report.cooldown_minutes} 分钟内已完整同步过，这次按普通同步进行（不再重读成绩单）。"
        )
    if report.first:
        # Bests of the recent plays come with them; the score lists add the older ones.
        older = report.imported_bests
        extra = f"，另从成绩单补入 {older} 项更早的最佳成绩" if older else ""
        lines.append(f"首次同步完成：存档 {report.new_plays} 次游玩{extra}。")
    elif report.new_plays == 0 and report.improved == 0:
        lines.append(f"没有新成绩（共存档 {archived} 次游玩）。")
    else:
        lines.append(
            f"同步完成：新增 {report.new_plays} 次游玩，{report.improved} 项成绩提升，共存档 {archived} 次。"
        )
    before, after = report.rating_before, report.rating_after
    if after is not None:
        if before is not None and before != after:
            lines.append(f"DX Rating {before} → {after}（{after - before:+d}）")
        else:
            lines.append(f"DX Rating {after}")
    if report.new_photos:
        lines.append(f"新存档 {report.new_photos} 张照片。")
    if report.gap:
        lines.append(
            "⚠ 距上次同步已超过 50 次游玩，中间的记录已被官方页面挤掉。建议 /autosync on。"
        )
    lines.extend(skipped_line(s.phase, s.pages, s.saved is not None) for s in report.skipped)
    if report.unresolved:
        lines.append(f"{report.unresolved} 次游玩的曲目曲库暂未收录，曲库更新后会自动补上。")
    return "\n".join(lines)


# One short line per optional page kind a sync had to skip (the sync itself completed).
SKIPPED = {
    Phase.DETAIL: "{n} 次游玩的详情页暂时读不到",
    Phase.PROFILE: "个人主页暂时读不到",
    Phase.SCORES: "成绩单页面暂时读不到",
    Phase.ALBUM: "相册页面暂时读不到",
    Phase.PHOTO_FILES: "{n} 张照片暂时下载不到",
}


def skipped_line(phase: Phase, pages: int, saved: bool) -> str:
    head = SKIPPED.get(phase, "部分页面暂时读不到").format(n=pages)
    return head + ("，已保存页面供管理员排查" if saved else "，下次同步会再试") + "。"


@sync.handle()
async def _sync(event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    player = await own_player(event, matcher, arg, "/sync")
    service = app().sync
    assert service is not None
    if service.is_running(player):
        await matcher.finish("你的同步正在进行中，请稍等。")
    full = arg.extract_plain_text().strip().lower() in ("full", "完整", "全部")

    async def queued(position: int) -> None:
        await matcher.send(f"同步的人有点多，你排在第 {position} 位，请稍等…")

    async def progress() -> None:
        await asyncio.sleep(PROGRESS_AFTER)
        await matcher.send("正在同步，新记录较多时需要一点时间…")

    note = asyncio.create_task(progress())
    try:
        report = await service.sync(player, full=full, on_queued=queued)
    finally:
        note.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await note
    archived = await play_count(player)
    text = summary(report, archived)
    if report.ok and report.improved:
        view = await diff_view(player, app().query_context())  # this sync's diff
        if view is not None and view.entries:
            pngs = await try_render_pages(diff_pages, view)
            if pngs is None:
                await matcher.finish(f"{text}\n（变化图生成失败，稍后可以发送 /diff 查看。）")
            await matcher.finish(Message(text) + Message([image(p) for p in pngs]))
    await matcher.finish(text)
