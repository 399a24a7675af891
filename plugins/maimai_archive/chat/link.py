"""Score trackers: /link (private only), /unlink, /push — the player's bests on 水鱼 and 落雪."""

from __future__ import annotations

from nonebot.adapters.onebot.v11 import (
    Bot,
    GroupMessageEvent,
    MessageEvent,
    MessageSegment,
)
from nonebot.matcher import Matcher

from ..core import (
    LinkError,
    LinkInfo,
    PushResult,
    TrackerService,
    service_of,
)
from .account import recall
from .registry import app, command, qq_of, within_limit
from .request import Arg

GROUP = "查分器"

link = command(
    "link",
    "关联",
    usage="/link [水鱼|落雪 Token]",
    brief="关联水鱼/落雪，同步后自动上传成绩",
    group=GROUP,
    private_only=True,
)
unlink = command(
    "unlink", "取消关联", usage="/unlink 水鱼|落雪", brief="删除保存的查分器 Token", group=GROUP
)
push = command(
    "push", "上传", usage="/push [水鱼|落雪]", brief="把存档里的全部成绩上传到查分器", group=GROUP
)

USAGE = (
    "用法（仅私聊）：\n"
    "/link 水鱼 <Import-Token>（水鱼查分器「编辑个人资料」里生成）\n"
    "/link 落雪 <个人 API 密钥>（落雪查分器「账号详情」里生成）\n"
    "关联后每次同步提升的成绩会自动上传；/link 查看已关联的查分器。"
)
LEAKED = (
    "请不要在群里发送查分器 Token！群里的人已经能看到它。"
    "请马上到水鱼/落雪重新生成 Token 让旧的失效，然后私聊我 /link。"
)
NOT_LINKED = (
    "你还没有关联查分器：请私聊我 /link 水鱼 <Import-Token> 或 /link 落雪 <个人 API 密钥>。"
)
WHICH = "请写明是 水鱼 还是 落雪，例如 /unlink 水鱼。"
REASONS = {"unknown": "曲库未收录", "invalid": "查分器不收"}


def trackers() -> TrackerService:
    service = app().trackers
    assert service is not None
    return service


def listing(links: list[LinkInfo]) -> str:
    if not links:
        return NOT_LINKED
    lines = ["已关联的查分器："]
    for info in links:
        state = "正常" if info.status == "ok" else "Token 已失效，请重新 /link"
        waiting = (
            ""
            if info.pending == 0
            else "，全部成绩待上传"
            if info.pending < 0
            else f"，{info.pending} 项待上传"
        )
        lines.append(f"{info.label}：{info.masked}（{state}{waiting}）")
    return "\n".join(lines)


def push_line(result: PushResult) -> str:
    skipped = sum(result.skipped.values())
    detail = "、".join(f"{REASONS.get(k, k)} {v} 项" for k, v in sorted(result.skipped.items()))
    note = f"，跳过 {skipped} 项（{detail}）" if skipped else ""
    if result.status == "ok":
        return f"{result.label}：已上传 {result.sent} 项成绩{note}。"
    if result.status == "nothing":
        return f"{result.label}：没有可上传的成绩{note}。"
    if result.status == "invalid":
        return f"{result.label}：Token 被拒绝，请重新生成后私聊我 /link {result.label} <新 Token>。"
    if result.status == "more":
        return f"{result.label}：已上传 {result.sent} 项成绩{note}，其余的下次同步时继续上传。"
    if result.status == "down":
        sent = f"已上传 {result.sent} 项，" if result.sent else ""
        return f"{result.label}：{sent}服务暂时连不上，下次同步时会自动重试。"
    if result.status == "rejected":
        return f"{result.label}：上传被拒绝（数据格式不被接受），已上传 {result.sent} 项。"
    return f"{result.label}：没有关联。"


@link.handle()
async def _link(bot: Bot, event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    words = arg.extract_plain_text().split()
    if isinstance(event, GroupMessageEvent):
        if len(words) < 2:
            await matcher.finish("请私聊我使用 /link。")
        recalled = await recall(bot, event)
        note = "（已撤回那条消息）" if recalled else ""
        await matcher.finish(MessageSegment.at(event.user_id) + f" {LEAKED}{note}")
    if not words:
        await matcher.finish(listing(await trackers().links(qq_of(event))))
    service = service_of(words[0])
    if service is None or len(words) != 2:
        await matcher.finish(USAGE)
    try:
        await trackers().link(qq_of(event), service, words[1])
    except LinkError as e:
        await matcher.finish(e.user_message)
    info = next(i for i in await trackers().links(qq_of(event)) if i.service == service)
    await matcher.finish(
        f"已关联{info.label}（{info.masked}）。以后每次同步提升的成绩会自动上传到{info.label}；"
        f"发送 /push {info.label} 上传存档里的全部成绩。"
    )


@unlink.handle()
async def _unlink(event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    service = service_of(arg.extract_plain_text())
    if service is None:
        await matcher.finish(WHICH)
    if not await trackers().unlink(qq_of(event), service):
        await matcher.finish("你没有关联这个查分器。")
    await matcher.finish("已删除保存的 Token，成绩不再自动上传。查分器上已有的成绩不受影响。")


@push.handle()
async def _push(event: MessageEvent, matcher: Matcher, arg: Arg) -> None:
    word = arg.extract_plain_text().strip()
    service = service_of(word) if word else None
    if word and service is None:
        await matcher.finish("用法：/push [水鱼|落雪]（不写则上传到所有已关联的查分器）")
    linked = {i.service for i in await trackers().links(qq_of(event))}
    if not linked or (service is not None and service not in linked):
        await matcher.finish(NOT_LINKED)
    # Counted only for a push that goes out: a typo or an unlinked service costs nothing.
    await within_limit("push", event, matcher)
    results = await trackers().push_everything(qq_of(event), service)
    if results and all(r.status == "down" for r in results):
        app().limits["push"].give_back(qq_of(event))  # nothing went out: try again soon
    await matcher.finish("\n".join(push_line(r) for r in results))
