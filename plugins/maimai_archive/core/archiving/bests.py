"""Best-merging rules, shared by the sync and by the resolution of new songs.

Each part of a best is kept on its own, as the game does: achievement, DX score, combo lamp,
sync lamp. The lamp order is the game's (``game.FC``/``game.FS`` in declaration order).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..db.models import Best, BestChange, Player, SyncRun
from ..game import FC_ORDER, FS_ORDER, better_lamp


def merge_best(best: Best, new: Mapping[str, Any]) -> dict[str, Any] | None:
    """The fields of ``best`` that ``new`` improves; None when nothing improves."""
    merged: dict[str, Any] = {
        "achievement": max(best.achievement, new["achievement"]),
        "dx_score": _max_opt(best.dx_score, new["dx_score"]),
        "dx_stars": max(best.dx_stars, new["dx_stars"]),
        "fc": better_lamp(best.fc, new["fc"], FC_ORDER),
        "fs": better_lamp(best.fs, new["fs"], FS_ORDER),
    }
    if all(getattr(best, k) == v for k, v in merged.items()):
        return None
    if merged["achievement"] > best.achievement:
        merged["rank"] = new["rank"]
    merged["dx_score_max"] = best.dx_score_max or new["dx_score_max"]
    return merged


async def fold_best(
    player: Player, run: SyncRun, new: Mapping[str, Any], at: datetime, *, record: bool
) -> bool:
    """Fold one score into the player's best on its chart; True when it improved.

    ``record`` False (an import: the first sync's score lists) writes no best change."""
    best = await Best.get_or_none(player=player, chart_key=new["chart_key"])
    if best is None:
        await Best.create(player=player, updated_at=at, **new)
        if record:
            await BestChange.create(
                player=player, sync=run, chart_key=new["chart_key"], song_id=new["song_id"],
                title=new["title"], type=new["type"], difficulty=new["difficulty"], level=new["level"],
                new_achievement=new["achievement"], new_dx_score=new["dx_score"],
                new_fc=new["fc"], new_fs=new["fs"], changed_at=at,
            )  # fmt: skip
        return record
    merged = merge_best(best, new)
    if merged is None:
        return False
    old = {k: getattr(best, k) for k in ("achievement", "dx_score", "fc", "fs")}
    await Best.filter(id=best.id).update(updated_at=at, **merged)
    if record:
        await BestChange.create(
            player=player, sync=run, chart_key=best.chart_key, song_id=best.song_id,
            title=best.title, type=best.type, difficulty=best.difficulty, level=best.level,
            old_achievement=old["achievement"], new_achievement=merged["achievement"],
            old_dx_score=old["dx_score"], new_dx_score=merged["dx_score"],
            old_fc=old["fc"], new_fc=merged["fc"], old_fs=old["fs"], new_fs=merged["fs"],
            changed_at=at,
        )  # fmt: skip
    return True


def _max_opt(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
