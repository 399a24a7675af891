"""A small OneBot v11 implementation for black-box tests: plays the QQ side.

It connects to the bot's reverse WebSocket like NapCat or Lagrange would, posts message
events, and answers every API call the bot makes (recording it), so a test can assert
what the bot sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

import websockets

Call = dict[str, Any]


class OneBotClient:
    def __init__(self, url: str, self_id: int = 10001, access_token: str | None = None) -> None:
        self.url = url
        self.self_id = self_id
        self.access_token = access_token
        self.calls: list[Call] = []
        # Answers for API calls by action; default: ok with a message id.
        self.results: dict[str, Any] = {}
        self._ids = itertools.count(1000)
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._new_call = asyncio.Condition()

    async def connect(self, timeout: float = 30.0) -> None:
        headers = {"X-Self-ID": str(self.self_id), "X-Client-Role": "Universal"}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._ws = await websockets.connect(
                    self.url, additional_headers=headers, max_size=2**25
                )
                break
            except (OSError, websockets.InvalidHandshake):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ws is not None:
            await self._ws.close()

    async def __aenter__(self) -> OneBotClient:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _read(self) -> None:
        async for raw in self._ws:
            data = json.loads(raw)
            if "action" not in data:
                continue
            result = self.results.get(data["action"], {"message_id": next(self._ids)})
            if callable(result):
                result = result(data)
            await self._ws.send(
                json.dumps({"status": "ok", "retcode": 0, "data": result, "echo": data.get("echo")})
            )
            async with self._new_call:
                self.calls.append(data)
                self._new_call.notify_all()

    def _message_event(self, message_type: str, text: str, user_id: int, **extra: Any) -> dict:
        message_id = next(self._ids)
        event = {
            "time": int(time.time()),
            "self_id": self.self_id,
            "post_type": "message",
            "message_type": message_type,
            "sub_type": "normal" if message_type == "group" else "friend",
            "message_id": message_id,
            "user_id": user_id,
            "message": [{"type": "text", "data": {"text": text}}],
            "raw_message": text,
            "font": 0,
            "sender": {
                "user_id": user_id,
                "nickname": f"user{user_id}",
                "role": extra.pop("role", "member"),
            },
        }
        event.update(extra)
        return event

    async def group_message(
        self, text: str, user_id: int, group_id: int, role: str = "member"
    ) -> int:
        event = self._message_event("group", text, user_id, group_id=group_id, role=role)
        await self._ws.send(json.dumps(event))
        return event["message_id"]

    async def private_message(self, text: str, user_id: int) -> int:
        event = self._message_event("private", text, user_id)
        await self._ws.send(json.dumps(event))
        return event["message_id"]

    async def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 20.0, start: int = 0
    ) -> Call:
        """The first call (from index ``start``) matching ``predicate``."""

        async def find() -> Call:
            async with self._new_call:
                while True:
                    for call in self.calls[start:]:
                        if predicate(call):
                            return call
                    await self._new_call.wait()

        return await asyncio.wait_for(find(), timeout)

    async def wait_for_reply(
        self,
        to_user: int | None = None,
        group: int | None = None,
        timeout: float = 20.0,
        start: int = 0,
    ) -> Call:
        def is_reply(call: Call) -> bool:
            if call["action"] not in ("send_msg", "send_group_msg", "send_private_msg"):
                return False
            params = call["params"]
            if group is not None:
                return params.get("group_id") == group
            return params.get("user_id") == to_user and not params.get("group_id")

        return await self.wait_for(is_reply, timeout, start)


def message_text(call: Call) -> str:
    """The text parts of a send_msg call's message."""
    message = call["params"]["message"]
    if isinstance(message, str):
        return message
    return "".join(seg["data"].get("text", "") for seg in message if seg["type"] == "text")


def message_images(call: Call) -> list[str]:
    message = call["params"]["message"]
    if isinstance(message, str):
        return []
    return [seg["data"]["file"] for seg in message if seg["type"] == "image"]
