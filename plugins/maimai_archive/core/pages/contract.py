"""The JSON contract of ``mai-archive parse`` and exports (issue 3; documented in the README).

``{"page", "player", "items", "error"}``; play/score items use the 水鱼 codes of game.py,
``achievement`` as a number with 4 decimals, ``played_at`` ISO 8601 with the site's offset.
"""

from __future__ import annotations

from typing import Any

from ..parsed import (
    ParsedPage,
    ParsedPhoto,
    ParsedPlay,
    ParsedPlayDetail,
    ParsedProfile,
    ParsedScore,
)


def achievement_number(achievement: int | None) -> float | None:
    # int / 10000 is the double nearest to the 4-decimal value, so json prints e.g. 98.6484.
    return None if achievement is None else achievement / 10000


def _chart_fields(item: ParsedPlay | ParsedScore) -> dict[str, Any]:
    return {
        "title": item.title,
        "type": item.type.value,
        "difficulty": item.difficulty.value,
        "level": item.level,
        "achievement": achievement_number(item.achievement),
        "dx_score": item.dx_score,
        "dx_score_max": item.dx_score_max,
        "dx_stars": item.dx_stars,
        "rank": item.rank.value if item.rank is not None else None,
        "fc": item.fc.value if item.fc is not None else None,
        "fs": item.fs.value if item.fs is not None else None,
    }


def play_to_json(play: ParsedPlay) -> dict[str, Any]:
    return {
        **_chart_fields(play),
        "played_at": play.played_at.isoformat(),
        "track": play.track,
        "idx": play.idx,
        "new_record": play.new_record,
        "new_dx_record": play.new_dx_record,
        "place": play.place,
    }


def score_to_json(score: ParsedScore) -> dict[str, Any]:
    return _chart_fields(score)


def detail_to_json(detail: ParsedPlayDetail) -> dict[str, Any]:
    j = detail.judgements
    return {
        **play_to_json(detail.play),
        "judgements": None
        if j is None
        else {
            "tap": list(j.tap),
            "hold": list(j.hold),
            "slide": list(j.slide),
            "touch": list(j.touch),
            "break": list(j.break_),
        },
        "fast": detail.fast,
        "late": detail.late,
        "max_combo": list(detail.max_combo) if detail.max_combo else None,
        "max_sync": list(detail.max_sync) if detail.max_sync else None,
        "rating": detail.rating,
        "rating_delta": detail.rating_delta,
        "matching": list(detail.matching),
        "characters": list(detail.characters),
    }


def photo_to_json(photo: ParsedPhoto) -> dict[str, Any]:
    return {
        "url": photo.url,
        "title": photo.title,
        "difficulty": photo.difficulty.value if photo.difficulty else None,
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "place": photo.place,
    }


def profile_to_json(profile: ParsedProfile) -> dict[str, Any]:
    return {
        "name": profile.name,
        "rating": profile.rating,
        "friend_code": profile.friend_code,
        "trophy": profile.trophy,
        "stars": profile.stars,
        "course_rank": profile.course_rank,
        "class_rank": profile.class_rank,
        "play_count": profile.play_count,
        "icon": profile.icon,
        "comment": profile.comment,
        "tallies": {k: dict(v) for k, v in profile.tallies.items()},
    }


def _item_to_json(item: object) -> dict[str, Any]:
    if isinstance(item, ParsedPlayDetail):
        return detail_to_json(item)
    if isinstance(item, ParsedPlay):
        return play_to_json(item)
    if isinstance(item, ParsedScore):
        return score_to_json(item)
    if isinstance(item, ParsedPhoto):
        return photo_to_json(item)
    raise TypeError(f"no JSON form for {type(item).__name__}")


def page_to_json(page: ParsedPage) -> dict[str, Any]:
    return {
        "page": page.kind.value,
        "player": profile_to_json(page.player) if page.player is not None else None,
        "items": [_item_to_json(item) for item in page.items],
        "error": None
        if page.error is None
        else {"code": page.error.code, "message": page.error.message},
    }
