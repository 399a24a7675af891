"""/help: every command with its one-line usage, from the plugin's metadata."""

from __future__ import annotations

from .registry import COMMANDS, command
from .request import Arg

help_cmd = command("help", "帮助", usage="/help [命令]", brief="查看所有命令", group="帮助")


def help_text(topic: str = "") -> str:
    topic = topic.strip().lstrip("/")
    if topic:
        for doc in COMMANDS:
            if topic == doc.name or topic in doc.aliases:
                names = " / ".join([doc.name, *doc.aliases])
                lines = [f"{doc.usage}  —  {doc.brief}", f"也可以用：{names}"]
                if doc.private_only:
                    lines.append("只能私聊使用。")
                return "\n".join(lines)
        return f"没有 {topic} 这个命令，发送 /help 查看全部。"
    lines = ["舞萌DX 成绩存档 · 命令一览"]
    groups: dict[str, list[str]] = {}
    for doc in COMMANDS:
        alias = f"（{'、'.join(doc.aliases)}）" if doc.aliases else ""
        mark = " [私聊]" if doc.private_only else ""
        groups.setdefault(doc.group, []).append(f"{doc.usage}{alias} {doc.brief}{mark}")
    for group, items in groups.items():
        lines.append(f"【{group}】")
        lines.extend(items)
    return "\n".join(lines)


@help_cmd.handle()
async def _(arg: Arg) -> None:
    await help_cmd.finish(help_text(arg.extract_plain_text()))
