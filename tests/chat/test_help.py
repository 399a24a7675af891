from __future__ import annotations

import pytest
from nonebug import App

from .helpers import group_message, private_message


async def test_help_in_a_group_lists_every_registered_command(app: App) -> None:
    from plugins.maimai_archive.chat.help import help_cmd, help_text
    from plugins.maimai_archive.chat.registry import COMMANDS

    text = help_text()
    for doc in COMMANDS:
        assert doc.usage in text
    async with app.test_matcher(help_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message("/help")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, text, result=None)
        ctx.should_finished(help_cmd)


async def test_chinese_alias_and_topic(app: App) -> None:
    from plugins.maimai_archive.chat.help import help_cmd

    async with app.test_matcher(help_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message("帮助 help")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, "/help [命令]  —  查看所有命令\n也可以用：help / 帮助", result=None
        )
        ctx.should_finished(help_cmd)


async def test_a_full_width_slash_starts_a_command(app: App) -> None:
    # What a Chinese keyboard types for "/" (.env.example lists it as a command start).
    from plugins.maimai_archive.chat.help import help_cmd

    async with app.test_matcher(help_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message("／help help")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event, "/help [命令]  —  查看所有命令\n也可以用：help / 帮助", result=None
        )
        ctx.should_finished(help_cmd)


async def test_unknown_topic_says_so(app: App) -> None:
    from plugins.maimai_archive.chat.help import help_cmd

    async with app.test_matcher(help_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message("/help nosuch")
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, "没有 nosuch 这个命令，发送 /help 查看全部。", result=None)
        ctx.should_finished(help_cmd)


def test_plugin_metadata_usage_lists_commands() -> None:
    import nonebot

    plugin = nonebot.get_plugin("chat")
    assert plugin is not None and plugin.metadata is not None
    assert "/help" in plugin.metadata.usage
    assert plugin.metadata.config is not None


async def test_ordinary_chat_that_starts_with_a_command_word_is_not_a_command(app: App) -> None:
    """With COMMAND_START "" every group message is a candidate: "同步一下" must stay chat."""
    from plugins.maimai_archive.chat.account import bind, unbind
    from plugins.maimai_archive.chat.sync import sync

    for matcher, text in [(sync, "同步一下"), (unbind, "解绑了吗"), (bind, "绑定水鱼了吗")]:
        async with app.test_matcher(matcher) as ctx:
            bot = ctx.create_bot()
            ctx.receive_event(bot, group_message(text))
            ctx.should_not_pass_rule(matcher)


async def test_a_command_followed_directly_by_an_at_is_a_command(app: App, db) -> None:
    """Mobile QQ puts the @ right after the word: "/b50@someone" must still work."""
    from nonebot.adapters.onebot.v11 import Message, MessageSegment

    from plugins.maimai_archive.chat.record_images import b50_cmd
    from plugins.maimai_archive.chat.request import NOT_SHOWN

    async with app.test_matcher(b50_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message(Message("/b50") + MessageSegment.at(20002))
        ctx.receive_event(bot, event)
        ctx.should_pass_rule(b50_cmd)
        ctx.should_call_send(event, NOT_SHOWN, result=None)
        ctx.should_finished(b50_cmd)


@pytest.mark.parametrize(
    ("module", "name", "word"),
    [
        ("sync", "sync", "/sync"),
        ("account", "unbind", "/unbind"),
        ("account", "autosync", "/autosync"),
        ("record_images", "privacy_cmd", "/privacy"),
    ],
)
async def test_a_command_on_ones_own_account_with_someone_at_ed_says_so(
    app: App, db, module: str, name: str, word: str
) -> None:
    """It used to act on the asker quietly ("/privacy private @a friend" made the asker private)."""
    import importlib

    from nonebot.adapters.onebot.v11 import Message, MessageSegment

    matcher = getattr(importlib.import_module(f"plugins.maimai_archive.chat.{module}"), name)
    async with app.test_matcher(matcher) as ctx:
        bot = ctx.create_bot()
        event = group_message(Message(f"{word} private ") + MessageSegment.at(20002))
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, f"{word} 只能用于你自己的账号，不能替别人操作。", result=None)
        ctx.should_finished(matcher)
