"""Chart attempts (/history <song>): how many plays and days a chart took to reach S, SSS,
SSS+, FC and AP, the average and best achievement, and the judgement trend from the details."""

from __future__ import annotations

from ..db.models import Play, PlayDetail, Player
from ..views.progress_views import ChartAttemptsView, JudgementPoint, Milestone
from .plays import QueryContext, header, local, same_chart

MILESTONES = (
    ("S", lambda ach, fc: ach >= 970_000),
    ("SSS", lambda ach, fc: ach >= 1_000_000),
    ("SSS+", lambda ach, fc: ach >= 1_005_000),
    ("FC", lambda ach, fc: fc is not None),
    ("AP", lambda ach, fc: fc in ("ap", "app")),
)
GREAT, GOOD, MISS = 2, 3, 4  # columns of a judgement row: CP, P, GREAT, GOOD, MISS


async def chart_attempts_view(
    player: Player, archive: QueryContext, play: Play
) -> ChartAttemptsView:
    rows = (
        await Play.filter(player=player, **same_chart(play))
        .order_by("played_unix")
        .values_list("id", "played_at", "achievement", "fc")
    )
    details = {
        r[0]: r[1:]
        for r in await PlayDetail.filter(play_id__in=[r[0] for r in rows]).values_list(
            "play_id", "judgements", "fast", "late"
        )
    }
    first_day = local(rows[0][1]).date()
    milestones = []
    for name, reached in MILESTONES:
        at = next((i for i, (_, _, ach, fc) in enumerate(rows) if reached(ach, fc)), None)
        if at is None:
            milestones.append(Milestone(name, None, None))
        else:
            milestones.append(Milestone(name, at + 1, (local(rows[at][1]).date() - first_day).days))
    trend = []
    for play_id, at, _, _ in rows:
        if play_id not in details:
            continue
        judgements, fast, late = details[play_id]
        cells = [row for row in (judgements or {}).values() if row]
        trend.append(
            JudgementPoint(
                local(at),
                sum(r[GREAT] or 0 for r in cells),
                sum(r[GOOD] or 0 for r in cells),
                sum(r[MISS] or 0 for r in cells),
                fast,
                late,
            )
        )
    achievements = [r[2] for r in rows]
    return ChartAttemptsView(
        header(player),
        archive.ref(play),
        plays=len(rows),
        days=len({local(r[1]).date() for r in rows}),
        average=round(sum(achievements) / len(achievements)),
        best=max(achievements),
        milestones=tuple(milestones),
        judgements=tuple(trend),
    )
