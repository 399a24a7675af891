"""Finding a song from what a player types: an id, a title, an alias, or part of either.

Titles and aliases are compared after folding (NFKC, case, katakana → hiragana, no spaces or
punctuation), so 全角/半角, case and spacing never decide a match; rapidfuzz scores the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from ..game import ChartType, normalize_title
from .data import Song

_ID_QUERY = re.compile(r"id\s*(\d{1,6})", re.IGNORECASE)
_KATAKANA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}  # ァ..ヶ → ぁ..ゖ

EXACT_TITLE = 100.0
EXACT_ALIAS = 99.0
MIN_SCORE = 55.0  # below this a fuzzy hit is noise
GOOD_SCORE = 85.0  # a fuzzy hit this good, clearly ahead, is the answer
MARGIN = 6.0  # how far ahead "clearly" is
CHOICES = 8
# A fuzzy hit on an Utage title ("[宴]Oshama Scramble!") must not tie with the song itself.
UTAGE_FUZZY_WEIGHT = 0.93


class How(StrEnum):
    ID = "id"
    TITLE = "title"
    ALIAS = "alias"
    FUZZY = "fuzzy"


@dataclass(frozen=True, slots=True)
class Match:
    song: Song
    score: float  # 0–100
    how: How
    matched: str  # the title or alias that matched


def fold(text: str) -> str:
    """Comparison key: NFKC, casefolded, katakana as hiragana, without spaces/punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_KATAKANA)
    folded = "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "Z", "C")))
    return folded or normalize_title(text)


def _score(query: str, key: str, **_: object) -> float:
    """Whole-key similarity, or a partial hit scaled by how much of the key it covers."""
    whole = fuzz.ratio(query, key)
    if len(query) < 2 or len(key) < 2:
        return whole
    partial = fuzz.partial_ratio(query, key)
    coverage = min(len(query), len(key)) / max(len(query), len(key))
    # A query inside a longer title is a partial title; a short title inside a longer
    # query ("oboro" in "ouroboros") is not, so that direction counts for less.
    weight = 0.85 + 0.1 * coverage if len(query) <= len(key) else 0.6 + 0.3 * coverage
    return max(whole, partial * weight)


class SearchIndex:
    """Songs and aliases (by base id), folded for matching."""

    def __init__(self, songs: Iterable[Song], aliases: Iterable[tuple[int, Iterable[str]]]) -> None:
        self._songs: dict[int, Song] = {}
        owners: dict[str, dict[int, tuple[How, str]]] = defaultdict(dict)
        by_base: dict[int, list[Song]] = defaultdict(list)
        for song in songs:
            self._songs[song.id] = song
            owners[fold(song.title)][song.id] = (How.TITLE, song.title)
            by_base[song.base_id].append(song)
        for base, names in aliases:
            for name in names:
                for song in by_base.get(base, ()):
                    owners[fold(name)].setdefault(song.id, (How.ALIAS, name))
        self._owners = dict(owners)
        self._keys = list(self._owners)

    def search(self, query: str, limit: int = 10) -> list[Match]:
        """Matches best first (ties: title, then SD before DX, then id)."""
        query = query.strip()
        if not query:
            return []
        id_query = _ID_QUERY.fullmatch(query)
        if id_query:
            song = self._songs.get(int(id_query.group(1)))
            return [Match(song, 100.0, How.ID, song.title)] if song else []
        best: dict[int, Match] = {}

        def offer(match: Match) -> None:
            if match.song.id not in best or best[match.song.id].score < match.score:
                best[match.song.id] = match

        if query.isdigit() and (song := self._songs.get(int(query))) is not None:
            offer(Match(song, EXACT_TITLE, How.ID, song.title))
        folded = fold(query)
        for key, score, _ in process.extract(
            folded, self._keys, scorer=_score, limit=max(limit * 3, 20), score_cutoff=MIN_SCORE
        ):
            for song_id, (how, text) in self._owners[key].items():
                song = self._songs.get(song_id)
                if song is None:
                    continue
                if key == folded:
                    offer(Match(song, EXACT_TITLE if how is How.TITLE else EXACT_ALIAS, how, text))
                else:
                    weight = UTAGE_FUZZY_WEIGHT if song.type is ChartType.UTAGE else 1.0
                    offer(Match(song, round(float(score) * weight, 1), How.FUZZY, text))
        ranked = sorted(
            best.values(),
            key=lambda m: (-m.score, m.song.type is ChartType.UTAGE, m.song.title, m.song.id),
        )
        return ranked[:limit]


@dataclass(frozen=True, slots=True)
class Group:
    """One song as a player means it: its SD and DX sets together."""

    songs: tuple[Song, ...]
    score: float
    how: How
    matched: str

    @property
    def title(self) -> str:
        return self.songs[0].title


class Verdict(StrEnum):
    ONE = "one"  # show it
    CHOOSE = "choose"  # several good matches: a numbered list
    NONE = "none"  # nothing close; ``groups`` holds the nearest as suggestions


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    groups: tuple[Group, ...]


def group_matches(matches: list[Match]) -> list[Group]:
    """Merge a song's SD and DX sets (same title, same base id) into one group, best first."""
    groups: dict[tuple[int, str], list[Match]] = {}
    for match in matches:
        groups.setdefault((match.song.base_id, match.song.title), []).append(match)
    result = []
    for members in groups.values():
        top = members[0]
        songs = tuple(sorted((m.song for m in members), key=lambda s: s.id))
        result.append(Group(songs, top.score, top.how, top.matched))
    return result


def decide(matches: list[Match]) -> Decision:
    """Whether the matches name one song, several candidates, or nothing."""
    groups = group_matches(matches)
    if not groups:
        return Decision(Verdict.NONE, ())
    top = groups[0]
    if top.how is not How.FUZZY:
        exact = [g for g in groups if g.how is not How.FUZZY]
        return Decision(Verdict.ONE if len(exact) == 1 else Verdict.CHOOSE, tuple(exact[:CHOICES]))
    runner_up = groups[1].score if len(groups) > 1 else 0.0
    if top.score >= GOOD_SCORE and top.score - runner_up >= MARGIN:
        return Decision(Verdict.ONE, (top,))
    good = [g for g in groups if g.score >= max(70.0, top.score - 15)]
    if good:
        return Decision(
            Verdict.ONE if len(good) == 1 and top.score >= GOOD_SCORE else Verdict.CHOOSE,
            tuple(good[:CHOICES]),
        )
    return Decision(Verdict.NONE, tuple(groups[:3]))
