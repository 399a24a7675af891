"""The pages' HTML pieces. Every value passes ``e()`` (html.escape) on its way in; pages are
plain strings, styled by the packaged web.css only (the CSP allows no inline style or script)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import urlencode

from ..views.play_views import PlayerHeader

NAV = (
    ("", "概览"),
    ("plays", "全部游玩"),
    ("b50", "B50"),
    ("plate", "牌子"),
    ("calendar", "出勤日历"),
    ("album", "相册"),
    ("export", "导出"),
)


def e(value: object) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True, slots=True)
class Here:
    """Where a page lives: the link base (mount path + token) every link of it starts with."""

    base: str  # "/web/<token>"
    static: str  # "/web/static"

    def url(self, path: str = "", query: Mapping[str, str] | None = None) -> str:
        tail = f"?{urlencode(query)}" if query else ""
        return e(f"{self.base}/{path}{tail}")


def layout(here: Here, who: PlayerHeader, title: str, body: str, active: str = "") -> str:
    nav = "".join(
        f'<a href="{here.url(path)}"{" class=on" if path == active else ""}>{e(label)}</a>'
        for path, label in NAV
    )
    rating = f'<span class="rating">Rating {e(who.rating)}</span>' if who.rating else ""
    return (
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        '<meta name=referrer content="no-referrer">'
        f"<title>{e(title)} · {e(who.name)}</title>"
        f'<link rel=stylesheet href="{e(here.static)}/web.css">'
        f'<link rel=icon href="{e(here.static)}/favicon.svg" type="image/svg+xml"></head><body>'
        f"<header><h1>{e(who.name)}</h1>{rating}</header><nav>{nav}</nav>"
        f"<main><h2>{e(title)}</h2>{body}</main>"
        "<footer>舞萌DX 成绩存档 · 链接仅供本人使用，请勿转发</footer></body></html>"
    )


def not_found_page(static: str) -> str:
    return (
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        f'<title>404</title><link rel=stylesheet href="{e(static)}/web.css">'
        f'<link rel=icon href="{e(static)}/favicon.svg" type="image/svg+xml"></head><body>'
        "<main><h2>链接无效或已过期</h2><p>请私聊机器人发送 /web 获取新链接。</p></main>"
        "</body></html>"
    )


def table(head: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "") -> str:
    """A table in its own scrolling box (cells are HTML already escaped by the caller)."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class=scroll><table class="{e(cls)}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>'


def when(at: datetime | None) -> str:
    return "—" if at is None else e(f"{at:%Y-%m-%d %H:%M}")


def pager(here: Here, path: str, page: int, pages: int, query: Mapping[str, str]) -> str:
    def link(n: int, text: str) -> str:
        q = dict(query)
        q.pop("page", None)
        if n > 1:
            q["page"] = str(n)
        return f'<a href="{here.url(path, q)}">{e(text)}</a>'

    parts = []
    if page > 1:
        parts += [link(1, "« 首页"), link(page - 1, "‹ 上一页")]
    parts.append(f"<span>第 {page} / {pages} 页</span>")
    if page < pages:
        parts += [link(page + 1, "下一页 ›"), link(pages, "末页 »")]
    return f"<p class=pager>{''.join(parts)}</p>"
