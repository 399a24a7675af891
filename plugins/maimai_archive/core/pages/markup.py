"""Helpers every page parser shares: tree building, icon-name → code maps, number/time parsing.

Every page is read as a plain ``lxml.etree`` tree (libxml2's HTML parser): bs4 would turn
every parse event into Python objects — ~30× the cost of the parse itself (bench/README.md
"## parse").

Icons are read by file name (``…/playlog/fcplus.png?ver=1.50`` → ``fcplus``) because the site
names them stably across CN and INTL, while CSS classes differ between page versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TypeVar

from lxml import etree

from ..errors import PageChanged
from ..game import FC, FS, Difficulty, Rank

T = TypeVar("T")

CN_TZ = timezone(timedelta(hours=8), "UTC+08:00")
JST = timezone(timedelta(hours=9), "UTC+09:00")

# Host → the site's local time zone (DOMAIN.md §1): CN shows Beijing time, INTL and JP show JST.
_HOST_TZ = {
    "maimai.wahlap.com": CN_TZ,
    "maimaidx-eng.com": JST,
    "maimaidx.jp": JST,
}

ASCII_SPACE = " \t\r\n\f\v"

DIFFICULTY_ICONS = {
    "diff_basic": Difficulty.BASIC,
    "diff_advanced": Difficulty.ADVANCED,
    "diff_expert": Difficulty.EXPERT,
    "diff_master": Difficulty.MASTER,
    "diff_remaster": Difficulty.REMASTER,
    "diff_utage": Difficulty.UTAGE,
}

# Record page (playlog/*) and score lists (music_icon_*) name the same lamps differently.
FC_ICONS: dict[str, FC | None] = {
    "fc_dummy": None,
    "fc": FC.FC,
    "fcplus": FC.FCP,
    "ap": FC.AP,
    "applus": FC.APP,
    "music_icon_back": None,
    "music_icon_fc": FC.FC,
    "music_icon_fcp": FC.FCP,
    "music_icon_ap": FC.AP,
    "music_icon_app": FC.APP,
}
FS_ICONS: dict[str, FS | None] = {
    "sync_dummy": None,
    "sync": FS.SYNC,
    "fs": FS.FS,
    "fsplus": FS.FSP,
    "fsd": FS.FSD,
    "fsdplus": FS.FSDP,
    "fdx": FS.FSD,  # INTL names FDX what CN calls FSD
    "fdxplus": FS.FSDP,
    "music_icon_sync": FS.SYNC,
    "music_icon_fs": FS.FS,
    "music_icon_fsp": FS.FSP,
    "music_icon_fsd": FS.FSD,
    "music_icon_fsdp": FS.FSDP,
    "music_icon_fdx": FS.FSD,
    "music_icon_fdxp": FS.FSDP,
}
_PLAYLOG_RANKS = {
    "d": Rank.D, "c": Rank.C, "b": Rank.B, "bb": Rank.BB, "bbb": Rank.BBB,
    "a": Rank.A, "aa": Rank.AA, "aaa": Rank.AAA, "s": Rank.S, "splus": Rank.SP,
    "ss": Rank.SS, "ssplus": Rank.SSP, "sss": Rank.SSS, "sssplus": Rank.SSSP,
}  # fmt: skip
RANK_ICONS: dict[str, Rank] = {
    **_PLAYLOG_RANKS,
    **{f"music_icon_{r.value}": r for r in Rank},
}

MATCHING_ICONS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_ACHIEVEMENT = re.compile(r"(\d{1,3})\.(\d{1,4})%?")
_INT = re.compile(r"\d[\d,]*")
_PLAYED_AT = re.compile(r"(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2})")


Element = etree._Element


def make_tree(html: str) -> Element:
    """The page as an lxml tree (root ``<html>``); an empty text gives an empty ``<html>``.

    Fed as UTF-8 bytes so an ``<?xml encoding=…?>`` line cannot make lxml refuse the text. A
    fresh parser per call: lxml parsers must not be shared between threads.
    """
    parser = etree.HTMLParser(encoding="utf-8")
    root = etree.fromstring(html.encode("utf-8", "replace"), parser)
    return root if root is not None else etree.Element("html")


def has_class(el: Element, name: str) -> bool:
    cls = el.get("class")
    return cls is not None and name in cls.split()


@cache
def _class_path(tag: str, name: str) -> etree.XPath:
    # The XPath form of the CSS ``tag.name``: a whole class token, not a substring.
    return etree.XPath(
        f"descendant::{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    )


def find_all_class(el: Element, name: str, tag: str = "*") -> list[Element]:
    """Descendants of ``el`` (not ``el`` itself) with class token ``name``, in page order."""
    return [found for found in _class_path(tag, name)(el) if isinstance(found, Element)]


def find_class(el: Element, name: str, tag: str = "*") -> Element | None:
    found = find_all_class(el, name, tag)
    return found[0] if found else None


def find_first(el: Element, path: str) -> Element | None:
    """The first element an XPath (relative to ``el``) selects, in page order."""
    for found in _xpath(path)(el):
        if isinstance(found, Element):
            return found
    return None


@cache
def _xpath(path: str) -> etree.XPath:
    return etree.XPath(path)


def ancestor_with_class(el: Element, name: str, tag: str = "*") -> Element | None:
    """The nearest ancestor ``<tag>`` of ``el`` with class token ``name``."""
    for parent in el.iterancestors(None if tag == "*" else tag):
        if has_class(parent, name):
            return parent
    return None


def first_tag(el: Element, tag: str) -> Element | None:
    """First descendant ``<tag>`` of ``el`` (not ``el`` itself)."""
    return next(el.iterdescendants(tag), None)


class ClassIndex:
    """The first descendant of a block per class token, from one walk over the block.

    One walk answers every "first ``.x`` / ``tag.x`` inside this block" question of a parser,
    instead of one tree search per question.
    """

    __slots__ = ("_block", "_first")

    def __init__(self, block: Element) -> None:
        self._block = block
        first: dict[str, Element] = {}
        for el in block.iterdescendants():
            cls = el.get("class")
            if cls:
                for token in cls.split():
                    if token not in first:
                        first[token] = el
        self._first = first

    def __contains__(self, token: str) -> bool:
        return token in self._first

    def first(self, token: str, tag: str | None = None) -> Element | None:
        found = self._first.get(token)
        if found is None or tag is None or found.tag == tag:
            return found
        # Another tag carries the class first (never on real pages): search for ``tag.token``.
        return find_class(self._block, token, tag)


def text(el: Element) -> str:
    """All text inside ``el`` (comments excluded)."""
    if not len(el):  # no child nodes: skip the iterator (most cells of the big lists)
        return el.text or ""
    return "".join(el.itertext())


def el_text(el: Element) -> str:
    return clean_text(text(el))


def el_icon(el: Element | None) -> str:
    return icon_name(el.get("src") if el is not None else None)


def el_own_text(el: Element) -> str:
    """Text directly inside ``el`` (not in child tags): the title next to a clear/level icon."""
    parts = [el.text or ""]
    parts += [child.tail or "" for child in el]
    return clean_text("".join(parts))


def icon_name(src: str | None) -> str:
    """``https://…/img/playlog/fcplus.png?ver=1.50`` → ``fcplus``."""
    if not src:
        return ""
    name = src.split("?", 1)[0].rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def clean_text(text: str) -> str:
    """Strip the page's indentation but keep every other character (a title may be U+3000)."""
    return text.strip(ASCII_SPACE)


def parse_achievement(text: str, page: str) -> int:
    """ "98.6484%" → 986484 (integer 1/10000 percent, no float on the way)."""
    compact = "".join(text.split())
    m = _ACHIEVEMENT.fullmatch(compact)
    if m is None:
        raise PageChanged(page, f"achievement text {compact[:20]!r}")
    return int(m.group(1)) * 10000 + int(m.group(2).ljust(4, "0"))


def parse_int(text: str, page: str, what: str) -> int:
    m = _INT.search(text)
    if m is None:
        raise PageChanged(page, f"{what} number")
    return int(m.group(0).replace(",", ""))


def parse_fraction(text: str, page: str, what: str) -> tuple[int, int]:
    """ "3,066 / 3,567" → (3066, 3567)."""
    parts = text.split("/")
    if len(parts) != 2:
        raise PageChanged(page, f"{what} 'x / y'")
    return parse_int(parts[0], page, what), parse_int(parts[1], page, what)


def require(tag: T | None, page: str, what: str) -> T:
    if tag is None:
        raise PageChanged(page, what)
    return tag


_URL_TAGS = ("img", "link", "a", "form")
_URL_TAGS_READ = 40


def timezone_for(urls: Iterable[str], title: str) -> timezone:
    """CN pages are UTC+8, INTL/JP pages are JST (UTC+9).

    Decided by the host of the page's own image/link URLs (present even in cut-out fragments),
    then by the ``<title>`` (舞萌DX → CN, maimai DX NET → JST); a page with neither is taken as CN,
    the site this bot serves.
    """
    for url in urls:
        if "://" in url:
            host = url.split("://", 1)[1].split("/", 1)[0].lower()
            if host in _HOST_TZ:
                return _HOST_TZ[host]
    return JST if "maimai DX NET" in title else CN_TZ


def _url_of(tag: Element) -> str:
    return tag.get("src") or tag.get("href") or tag.get("action") or ""


def tree_timezone(root: Element) -> timezone:
    tags = (t for t, _ in zip(root.iter(*_URL_TAGS), range(_URL_TAGS_READ), strict=False))
    title = first_tag(root, "title")
    return timezone_for((_url_of(t) for t in tags), text(title) if title is not None else "")


def parse_played_at(text: str, tz: timezone, page: str) -> datetime:
    """ "2025/11/23 21:40" (site local time, minute precision) → aware datetime."""
    compact = " ".join(text.split())
    try:
        m = _PLAYED_AT.fullmatch(compact)  # the usual shape, without strptime's cost
        if m is not None:
            year, month, day, hour, minute = map(int, m.groups())
            naive = datetime(year, month, day, hour, minute)
        else:
            naive = datetime.strptime(compact, "%Y/%m/%d %H:%M")
    except ValueError:
        raise PageChanged(page, f"play time {text[:20]!r}") from None
    return naive.replace(tzinfo=tz)
