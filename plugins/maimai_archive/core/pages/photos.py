"""``playerData/photo/``: the album of the latest 10 photos (older ones are gone for good).

No real album page is public; selectors follow the site's usual blocks and are tested on a
synthetic fixture: one ``div.see_through_block`` per photo holding the time (``.block_info``),
the title (``.black_block``), an optional difficulty icon and the photo ``img[src*="/photo/"]``.
"""

from __future__ import annotations

from ..errors import PageChanged
from ..parsed import ParsedPhoto
from .markup import (
    DIFFICULTY_ICONS,
    Element,
    ancestor_with_class,
    el_icon,
    el_text,
    find_class,
    make_tree,
    parse_played_at,
    text,
    tree_timezone,
)

PAGE = "photos"
PHOTO_PATH = 'descendant::img[contains(@src, "/photo/")]'


def _photo_images(root: Element) -> list[Element]:
    return [el for el in root.xpath(PHOTO_PATH) if isinstance(el, Element)]


def is_photos_page(root: Element) -> bool:
    title = el_icon(find_class(root, "title", "img"))
    return title == "title_photo" or bool(_photo_images(root))


def parse_photos(html: str) -> list[ParsedPhoto]:
    return parse_photos_tree(make_tree(html))


def parse_photos_tree(root: Element) -> list[ParsedPhoto]:
    images = _photo_images(root)
    if not images and not is_photos_page(root):
        raise PageChanged(PAGE, "photo images (img[src*='/photo/'])")
    tz = tree_timezone(root)
    photos = []
    for img in images:
        block = ancestor_with_class(img, "see_through_block", "div")
        if block is None:
            raise PageChanged(PAGE, "photo block (div.see_through_block)")
        info = find_class(block, "block_info")
        title = find_class(block, "black_block")
        place = find_class(block, "photo_place")
        diff = None
        for icon in block.iterdescendants("img"):
            diff = DIFFICULTY_ICONS.get(el_icon(icon), diff)
        photos.append(
            ParsedPhoto(
                url=str(img.get("src")),
                title=el_text(title) or None if title is not None else None,
                difficulty=diff,
                taken_at=parse_played_at(text(info), tz, PAGE) if info is not None else None,
                place=el_text(place) or None if place is not None else None,
            )
        )
    return photos
