"""``playerData/photo/``: the album of the latest 10 photos (older ones are gone for good).

No real album page is public; selectors follow the site's usual blocks and are tested on a
synthetic fixture: one ``div.see_through_block`` per photo holding the time (``.block_info``),
the title (``.black_block``), an optional difficulty icon and the photo ``img[src*="/photo/"]``.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from ..errors import PageChanged
from ..records import ParsedPhoto
from .common import DIFFICULTY_ICONS, img_icon, make_soup, parse_played_at, site_timezone, tag_text

PAGE = "photos"
PHOTO_SELECTOR = 'img[src*="/photo/"]'


def is_photos_page(soup: BeautifulSoup) -> bool:
    title = img_icon(soup.select_one("img.title"))
    return title == "title_photo" or soup.select_one(PHOTO_SELECTOR) is not None


def parse_photos(html: str) -> list[ParsedPhoto]:
    return parse_photos_soup(make_soup(html))


def parse_photos_soup(soup: BeautifulSoup) -> list[ParsedPhoto]:
    images = soup.select(PHOTO_SELECTOR)
    if not images and not is_photos_page(soup):
        raise PageChanged(PAGE, "photo images (img[src*='/photo/'])")
    tz = site_timezone(soup)
    photos = []
    for img in images:
        block = img.find_parent("div", class_="see_through_block")
        if block is None:
            raise PageChanged(PAGE, "photo block (div.see_through_block)")
        info = block.select_one(".block_info")
        title = block.select_one(".black_block")
        place = block.select_one(".photo_place")
        diff = None
        for icon in block.find_all("img"):
            diff = DIFFICULTY_ICONS.get(img_icon(icon), diff)
        photos.append(
            ParsedPhoto(
                url=str(img.get("src")),
                title=tag_text(title) or None if title else None,
                difficulty=diff,
                taken_at=parse_played_at(info.get_text(), tz, PAGE) if info else None,
                place=tag_text(place) or None if place else None,
            )
        )
    return photos
