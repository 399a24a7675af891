"""Helpers every page parser shares: soup building, icon-name → code maps, number/time parsing.

Icons are read by file name (``…/playlog/fcplus.png?ver=1.50`` → ``fcplus``) because the site
names them stably across CN and INTL, while CSS classes differ between page versions.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone

from bs4 import BeautifulSoup, NavigableString, Tag

from ..errors import PageChanged
from ..game import FC, FS, Difficulty, Rank

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


def make_soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def icon_name(src: str | None) -> str:
    """``https://…/img/playlog/fcplus.png?ver=1.50`` → ``fcplus``."""
    if not src:
        return ""
    name = src.split("?", 1)[0].rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


def img_icon(tag: Tag | None) -> str:
    return icon_name(tag.get("src") if tag is not None else None)  # type: ignore[arg-type]


def clean_text(text: str) -> str:
    """Strip the page's indentation but keep every other character (a title may be U+3000)."""
    return text.strip(ASCII_SPACE)


def tag_text(tag: Tag) -> str:
    return clean_text(tag.get_text())


def own_text(tag: Tag) -> str:
    """Text directly inside ``tag`` (not in child tags): the title next to a clear/level icon."""
    return clean_text("".join(c for c in tag.children if isinstance(c, NavigableString)))


def normalize_title(title: str) -> str:
    """Key for *comparing* titles (NFKC + whitespace folding); never store or show it.

    A title made only of whitespace (the U+3000 song) folds to one space, so it still differs
    from an empty title.
    """
    folded = " ".join(unicodedata.normalize("NFKC", title).split())
    return folded if folded or not title else " "


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


def require(tag: Tag | None, page: str, what: str) -> Tag:
    if tag is None:
        raise PageChanged(page, what)
    return tag


def site_timezone(soup: BeautifulSoup) -> timezone:
    """CN pages are UTC+8, INTL/JP pages are JST (UTC+9).

    Decided by the host of the page's own images/links (present even in cut-out fragments),
    then by the ``<title>`` (舞萌DX → CN, maimai DX NET → JST); a page with neither is taken as CN,
    the site this bot serves.
    """
    for tag in soup.find_all(["img", "link", "a", "form"], limit=40):
        url = tag.get("src") or tag.get("href") or tag.get("action") or ""
        if "://" in url:
            host = url.split("://", 1)[1].split("/", 1)[0].lower()
            if host in _HOST_TZ:
                return _HOST_TZ[host]
    title = soup.title.get_text() if soup.title else ""
    if "maimai DX NET" in title:
        return JST
    return CN_TZ


def parse_played_at(text: str, tz: timezone, page: str) -> datetime:
    """ "2025/11/23 21:40" (site local time, minute precision) → aware datetime."""
    try:
        naive = datetime.strptime(" ".join(text.split()), "%Y/%m/%d %H:%M")
    except ValueError:
        raise PageChanged(page, f"play time {text[:20]!r}") from None
    return naive.replace(tzinfo=tz)


def stars_for(dx_score: int, dx_max: int) -> int:
    """DX stars by share of the max (DOMAIN.md §5), for lists that do not draw them."""
    if dx_max <= 0:
        return 0
    for stars, percent in ((5, 97), (4, 95), (3, 93), (2, 90), (1, 85)):
        if dx_score * 100 >= dx_max * percent:
            return stars
    return 0
