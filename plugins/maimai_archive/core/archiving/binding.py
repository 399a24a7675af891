"""What a user sends to /bind, and the encrypted cookie jar we keep.

Accepted shapes: a Cookie header (``userId=…; _t=…; …`` in any order), a JSON object
(``{"userId": "…", "_t": "…"}``), a browser export (``[{"name": …, "value": …}, …]``), or
the WeChat OAuth callback URL (the caller follows it to get cookies). Every cookie given is
kept — the WAF's (``__tst_status``, ``EO_Bot_Ssid``) are needed too.

Anything else ends in a BindingError with a message for the user, never another exception:
every /bind gets a reply (deeply nested JSON, a URL urllib refuses, control characters).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

from ..db.models import Binding, Player
from ..errors import BindingError
from ..parsed import ParsedProfile
from ..secret import SecretBox

REQUIRED = ("userId", "_t")
CALLBACK_PATH = "/wc_auth/oauth/callback/"


@dataclass(frozen=True)
class CookieJar:
    cookies: dict[str, str]

    def __repr__(self) -> str:
        return f"CookieJar({sorted(self.cookies)})"


@dataclass(frozen=True)
class CallbackUrl:
    url: str

    def __repr__(self) -> str:
        return "CallbackUrl(***)"


def parse_bind_input(text: str) -> CookieJar | CallbackUrl:
    """Read what the user pasted; BindingError (with a user message) when it is unusable."""
    text = text.strip().strip("`").strip()
    if not text:
        raise BindingError("empty", user_message=USAGE)
    if text.startswith(("http://", "https://")):
        try:  # a bracketed IPv6 host, characters NFKC turns into / ? # @ : …
            parts = urlsplit(text)
            query = parse_qs(parts.query)
            parts.port  # noqa: B018  (raises on a port that is not a number)
        except ValueError:
            raise BindingError("unreadable URL", user_message=BAD_URL) from None
        if CALLBACK_PATH in parts.path and "code" in query:
            return CallbackUrl(text)
        raise BindingError(
            "not a callback URL",
            user_message="这个链接不是登录回调链接：需要 …/wc_auth/oauth/callback/maimai-dx?…code=… 的完整链接。",
        )
    if text[0] in "[{":
        cookies = _from_json(text)
    else:
        cookies = _from_header(text)
    if any(not _printable(k + v) for k, v in cookies.items() if (k + v).isascii()):
        raise BindingError(
            "control character in a cookie",
            user_message="Cookie 里有换行以外的控制字符（看不见的字符）：请从浏览器直接复制原文。",
        )
    if any(not (k + v).isascii() for k, v in cookies.items()):
        raise BindingError(
            "non-ascii cookie",
            user_message="Cookie 里有中文或全角字符：请直接复制原文，不要经过输入法或翻译。",
        )
    missing = [name for name in REQUIRED if not cookies.get(name)]
    if missing:
        raise BindingError(
            f"missing {missing}",
            user_message=f"Cookie 里缺少 {'、'.join(missing)}：请复制完整的 Cookie（至少包含 userId 和 _t）。",
        )
    return CookieJar(cookies)


def _from_json(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:
        raise BindingError("bad json", user_message="JSON 格式不对，请检查是否复制完整。") from None
    except RecursionError:  # [[[[…]]]] thousands deep
        raise BindingError(
            "json too deep",
            user_message="JSON 嵌套太深，不像浏览器导出的 Cookie：请直接复制 Cookie。",
        ) from None
    if isinstance(data, dict):
        return {str(k): str(v) for k, v in data.items() if isinstance(v, (str, int))}
    if isinstance(data, list):
        out = {}
        for item in data:
            if isinstance(item, dict) and "name" in item and "value" in item:
                out[str(item["name"])] = str(item["value"])
        return out
    raise BindingError("json shape", user_message=USAGE)


def _from_header(text: str) -> dict[str, str]:
    text = text.removeprefix("Cookie:").removeprefix("cookie:").strip()
    out: dict[str, str] = {}
    for part in text.replace("\n", ";").replace("；", ";").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip():
            out[name.strip()] = value.strip().strip('"')
    if not out:
        # Last resort: the stdlib's parser copes with quoted values.
        try:
            jar = SimpleCookie()
            jar.load(text)
            out = {k: m.value for k, m in jar.items()}
        except CookieError:
            pass
    return out


def _printable(text: str) -> bool:
    """No control characters (a cookie value never holds one; the header would be refused)."""
    return not any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


BAD_URL = "这个链接无法识别（格式不对）：请复制登录后地址栏里完整的回调链接（…/wc_auth/oauth/callback/maimai-dx?…code=…）。"

USAGE = (
    "用法（仅私聊）：/bind 加上以下任意一种：\n"
    "1. Cookie 字符串，如 userId=…; _t=…（带上全部 Cookie）\n"
    "2. 浏览器导出的 Cookie JSON\n"
    "3. 微信登录后的回调链接（…/wc_auth/oauth/callback/maimai-dx?…）"
)


@dataclass(frozen=True)
class Bound:
    """A bind that worked: the player, the page read, whether they had an archive already."""

    player: Player
    profile: ParsedProfile
    archived: bool
    moved: bool = False  # another QQ had this account bound: that binding was stopped


def bound_message(bound: Bound, between: str = "") -> str:
    """The reply to a bind that worked (``between`` goes before the next step). A re-login
    continues the archive it has: saying 开始 made players think it was lost."""
    profile = bound.profile
    rating = f"，DX Rating {profile.rating}" if profile.rating is not None else ""
    step = "继续存档（已有的存档都在）" if bound.archived else "开始存档"
    moved = "这个账号原先绑定在另一个 QQ 上，那边的绑定已停用（那边的存档保留）。\n"
    return (
        f"绑定成功：{profile.name}{rating}。\n{moved if bound.moved else ''}"
        f"{between}在群里或这里发送 /sync {step}；"
        "/autosync on 让我定时同步，最近 50 条记录不再丢失。"
    )


class BindingStore:
    """Saves and reads a player's cookie jar, encrypted; the database never sees clear text."""

    def __init__(self, box: SecretBox) -> None:
        self._box = box

    async def save(self, player: Player, cookies: dict[str, str], status: str = "ok") -> None:
        token = self._box.seal(cookies)
        updated = await Binding.filter(player_id=player.id).update(cookies=token, status=status)
        if not updated:
            await Binding.create(player=player, cookies=token, status=status)

    async def rotate(self, player: Player, cookies: dict[str, str], expected: str) -> str | None:
        """Replace the jar the sync started from (sealed token ``expected``) and return the new
        token; None when the binding was deleted or replaced meanwhile (/unbind, /forget, a
        new /bind) — those must win over a sync still running on the old session."""
        token = self._box.seal(cookies)
        updated = await Binding.filter(player_id=player.id, cookies=expected).update(cookies=token)
        return token if updated else None

    async def load(self, player: Player) -> dict[str, str] | None:
        loaded = await self.load_sealed(player)
        return loaded[1] if loaded else None

    async def load_sealed(self, player: Player) -> tuple[str, dict[str, str]] | None:
        """The sealed token as stored, and the jar it holds (ValueError: unreadable key)."""
        binding = await Binding.get_or_none(player_id=player.id)
        if binding is None:
            return None
        return binding.cookies, self._box.open(binding.cookies)

    async def status(self, player: Player) -> str | None:
        binding = await Binding.get_or_none(player_id=player.id)
        return binding.status if binding else None

    async def mark_expired(self, player: Player, token: str | None = None) -> None:
        """Mark the binding expired — only the session ``token`` when given (a newer /bind stays)."""
        query = Binding.filter(player_id=player.id)
        if token is not None:
            query = query.filter(cookies=token)
        await query.update(status="expired")

    async def delete(self, player: Player) -> bool:
        return bool(await Binding.filter(player_id=player.id).delete())
