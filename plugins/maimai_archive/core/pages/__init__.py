"""Pure parsers for the maimai-mobile pages: html text → ``parsed.Parsed*``.

``parse_page`` tells the kind of any page and parses it; the per-page functions parse one
kind and raise ``PageChanged`` (naming the page and what was missing) when the markup does not
match. ``check_status`` raises the typed error a no-data page stands for. No parser fetches,
logs, or imports anything outside the core.
"""

from __future__ import annotations

from ..errors import PageChanged, UnsupportedPage
from ..game import normalize_title
from ..parsed import PageKind, ParsedError, ParsedPage
from .contract import page_to_json
from .detail import is_detail_page, parse_detail, parse_detail_tree
from .markup import Element, el_icon, find_class, make_tree
from .photos import is_photos_page, parse_photos, parse_photos_tree
from .profile import parse_profile, parse_profile_tree
from .record import is_record_page, parse_record, parse_record_tree, play_blocks
from .scores import has_chart_blocks, parse_scores, parse_scores_tree
from .status import Status, check_status, detect, maintenance_message, parse_error

__all__ = [
    "check_status",
    "normalize_title",
    "page_to_json",
    "parse_detail",
    "parse_page",
    "parse_photos",
    "parse_profile",
    "parse_record",
    "parse_scores",
]

# Real pages of the site that nothing here reads (title image → page name).
_UNSUPPORTED_TITLES = {
    "title_friend": "friend list",
    "title_friend_vs": "friend VS",
}


def parse_page(html: str) -> ParsedPage:
    """Detect the kind of page and parse it.

    Error and maintenance pages give kind ERROR with ``.error`` set (maintenance: code None);
    the WAF challenge gives kind CHALLENGE. A real page we do not read raises UnsupportedPage;
    anything else unrecognised raises PageChanged.
    """
    root = make_tree(html)
    status = detect(root)
    if status is Status.CHALLENGE:
        return ParsedPage(kind=PageKind.CHALLENGE)
    if status is Status.MAINTENANCE:
        error = ParsedError(code=None, message=maintenance_message(root))
        return ParsedPage(kind=PageKind.ERROR, error=error)
    if status is Status.ERROR:
        return ParsedPage(kind=PageKind.ERROR, error=parse_error(root))

    title_img = el_icon(find_class(root, "title", "img"))
    if title_img in _UNSUPPORTED_TITLES:
        raise UnsupportedPage(_UNSUPPORTED_TITLES[title_img], "a parser for this page")
    if find_class(root, "music_detail_table", "table") is not None:
        raise UnsupportedPage("song detail", "a parser for this page")

    if is_detail_page(root):
        return ParsedPage(kind=PageKind.DETAIL, items=(parse_detail_tree(root),))
    if play_blocks(root):
        return ParsedPage(kind=PageKind.RECORD, items=tuple(parse_record_tree(root)))
    has_profile = find_class(root, "name_block") is not None
    if has_chart_blocks(root) or title_img == "title_music":
        player = parse_profile_tree(root) if has_profile else None
        return ParsedPage(kind=PageKind.SCORES, player=player, items=tuple(parse_scores_tree(root)))
    if is_photos_page(root):
        return ParsedPage(kind=PageKind.PHOTOS, items=tuple(parse_photos_tree(root)))
    if has_profile:
        return ParsedPage(kind=_profile_kind(root, title_img), player=parse_profile_tree(root))
    if is_record_page(root):  # no play blocks: empty, or PageChanged when plays show otherwise
        return ParsedPage(kind=PageKind.RECORD, items=tuple(parse_record_tree(root)))
    raise PageChanged("page", "any known page structure")


def _profile_kind(root: Element, title_img: str) -> PageKind:
    if find_class(root, "friend_code_icon", "img") is not None or title_img == "title_friend_code":
        return PageKind.FRIEND_CODE
    if find_class(root, "musiccount_block") is not None or title_img == "title_playerdata":
        return PageKind.PLAYER
    return PageKind.HOME
