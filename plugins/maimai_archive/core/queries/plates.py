"""Plate progress (牌子进度): which charts a plate needs and which of them the player has done.

The community's definitions (checked against maimai.py's plate code and the CN bots' plate
tables): a plate is a version kanji + a kind — 极 every chart FC, 将 every chart ≥ 100.0000 %
(SSS), 神 every chart AP, 舞舞 every chart FDX (FSD); 霸者 is one plate over the whole old series
at ≥ 80 % (clear, rank A). 真 covers maimai and maimai PLUS, 舞 and 霸者 the whole old series.
Basic–Master count; 舞 plates and 霸者 add the Re:MASTERs the old series had (plate_rules). DX-era
names follow the CN releases, which merged each JP version with its PLUS (熊 = 华, 爽 = 煌, 宙 = 星,
祭 = 祝, 双 = 宴). Utage never counts, nor do revived songs, nor the seasonal ジングルベル for 真
(plate_rules has the ids and sources).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from ..db.models import Best, Player
from ..game import FC, FS, ChartType, Difficulty
from ..rating import Score
from ..songs.catalogue import Catalogue
from ..songs.data import Chart
from ..views.play_views import ChartRef
from ..views.progress_views import PlateCount, PlateMissing, PlateView
from . import plays as queries
from .best_scores import scores_at
from .plate_rules import OLD_REMASTER_IDS, REVIVED_IDS, ZHEN_SEASONAL_IDS
from .plays import SITE_TZ, QueryContext, header
from .versions import DX_VERSIONS, OLD_VERSIONS

_DX = dict(zip(("熊", "爽", "宙", "祭", "双", "镜", "彩", "丸"), DX_VERSIONS, strict=True))
VERSION_CHARS: dict[str, tuple[str, ...]] = {
    "真": OLD_VERSIONS[0:2],
    **{c: (v,) for c, v in zip("超檄橙晓桃樱紫堇白雪辉", OLD_VERSIONS[2:], strict=True)},
    "舞": OLD_VERSIONS,
    **{c: (v,) for c, v in _DX.items()},
    # The JP PLUS names: the same CN release.
    "华": (_DX["熊"],),
    "煌": (_DX["爽"],),
    "星": (_DX["宙"],),
    "祝": (_DX["祭"],),
    "宴": (_DX["双"],),
}
# Traditional / Japanese forms players also type.
_FOLD = str.maketrans(
    {
        "暁": "晓",
        "櫻": "樱",
        "菫": "堇",
        "輝": "辉",
        "華": "华",
        "鏡": "镜",
        "極": "极",
        "將": "将",
        "覇": "霸",
    }
)
CLEAR = 800_000  # 80.0000 %: rank A
SSS = 1_000_000


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    goal: str
    done: Callable[[Score], bool]


KINDS = {
    "极": Kind("极", "全谱面 FC", lambda s: s.fc is not None),
    "将": Kind("将", "全谱面 SSS（100.0000%）", lambda s: s.achievement >= SSS),
    "神": Kind("神", "全谱面 AP", lambda s: s.fc in (FC.AP, FC.APP)),
    "舞舞": Kind("舞舞", "全谱面 FDX", lambda s: s.fs in (FS.FSD, FS.FSDP)),
}
HASHA = Kind("霸者", "全谱面 CLEAR（80.0000%）", lambda s: s.achievement >= CLEAR)
BASIC_TO_MASTER = (Difficulty.BASIC, Difficulty.ADVANCED, Difficulty.EXPERT, Difficulty.MASTER)
WITH_REMASTER = (*BASIC_TO_MASTER, Difficulty.REMASTER)


@dataclass(frozen=True, slots=True)
class Plate:
    name: str
    kind: Kind
    versions: tuple[str, ...]
    difficulties: tuple[Difficulty, ...]
    skip_ids: frozenset[int] = REVIVED_IDS
    remaster_ids: frozenset[int] = (
        frozenset()
    )  # whose Re:MASTER counts (when it is in difficulties)

    def charts(self, catalogue: Catalogue) -> list[Chart]:
        return [
            chart
            for song in catalogue.songs()
            if song.version in self.versions
            and song.type is not ChartType.UTAGE
            and song.id not in self.skip_ids
            for chart in song.charts
            if chart.difficulty in self.difficulties
            and (chart.difficulty is not Difficulty.REMASTER or song.id in self.remaster_ids)
        ]


def known_versions(catalogue: Catalogue) -> set[str]:
    return {song.version for song in catalogue.songs()}


def parse_plate(name: str, catalogue: Catalogue) -> Plate | None:
    """ "舞将" "真極" "霸者" → the plate; None for a name that is no plate (or whose version
    the song data does not know yet)."""
    text = "".join(name.split()).translate(_FOLD)
    if text in ("霸者", "舞霸者"):
        return Plate("霸者", HASHA, OLD_VERSIONS, WITH_REMASTER, remaster_ids=OLD_REMASTER_IDS)
    version, kind = text[:1], KINDS.get(text[1:])
    versions = VERSION_CHARS.get(version)
    if kind is None or versions is None or not set(versions) & known_versions(catalogue):
        return None
    if version == "舞":
        return Plate(
            version + kind.name, kind, versions, WITH_REMASTER, remaster_ids=OLD_REMASTER_IDS
        )
    skip = REVIVED_IDS | ZHEN_SEASONAL_IDS if version == "真" else REVIVED_IDS
    return Plate(version + kind.name, kind, versions, BASIC_TO_MASTER, skip)


async def _current(player: Player, catalogue: Catalogue) -> dict[str, Score]:
    """The bests now, as plain tuples: only charts of the catalogue can count for a plate, so
    unresolved bests are left out (building ~3,000 Best objects took ~0.8 s)."""
    out: dict[str, Score] = {}
    rows = await Best.filter(player=player, song_id__not_isnull=True).values_list(
        "chart_key", "achievement", "fc", "fs"
    )
    for key, achievement, fc, fs in rows:
        if chart := catalogue.chart(key):
            out[key] = Score(chart, achievement, FC(fc) if fc else None, FS(fs) if fs else None)
    return out


def valid_names(catalogue: Catalogue) -> str:
    known = known_versions(catalogue)
    chars = [c for c, versions in VERSION_CHARS.items() if set(versions) & known]
    return f"版本：{' '.join(chars)}；牌种：{' '.join(KINDS)}（如 舞将、真极、舞舞舞）；另有 霸者。"


def progress(
    plate: Plate, catalogue: Catalogue, scores: Mapping[str, Score]
) -> tuple[tuple[PlateCount, ...], list[tuple[Chart, Score | None]]]:
    """Counts per difficulty, and the charts still missing (hardest first) with the score held."""
    done: dict[Difficulty, int] = dict.fromkeys(plate.difficulties, 0)
    total: dict[Difficulty, int] = dict.fromkeys(plate.difficulties, 0)
    missing: list[tuple[Chart, Score | None]] = []
    for chart in plate.charts(catalogue):
        total[chart.difficulty] += 1
        score = scores.get(chart.key)
        if score is not None and plate.kind.done(score):
            done[chart.difficulty] += 1
        else:
            missing.append((chart, score))
    missing.sort(key=lambda m: (-m[0].constant, m[0].title, m[0].difficulty.index))
    counts = tuple(PlateCount(d.value, done[d], total[d]) for d in plate.difficulties)
    return counts, missing


async def plate_view(
    player: Player, archive: QueryContext, plate: Plate, as_of: date | None = None
) -> PlateView | None:
    """Progress now, or at the end of the day ``as_of`` (None when the archive began later)."""
    if as_of is None:
        scores = await _current(player, archive.catalogue)
    else:
        until = datetime.combine(as_of, time.max, SITE_TZ)
        start = await queries.archive_start(player)
        if start is None or until < start:
            return None
        scores = {
            key: score for key, (score, _) in (await scores_at(player, archive, until)).items()
        }
    counts, missing = progress(plate, archive.catalogue, scores)
    rows = tuple(
        PlateMissing(
            ChartRef(
                chart.title, chart.type.value, chart.difficulty.value, chart.level, chart.constant
            ),
            score.achievement if score else None,
            score.fc.value if score and score.fc else None,
            score.fs.value if score and score.fs else None,
        )
        for chart, score in missing
    )
    return PlateView(
        header(player), plate.name, plate.kind.goal, plate.versions, counts, rows, as_of
    )
