"""The in-memory catalogue: every song and chart, aliases, and page title → chart resolution.

Pure: no database, no network (``store.py`` loads and refreshes it). One ``Catalogue``
instance lives as long as the ``ArchiveApp``; a refresh swaps its contents in place
(``replace``), so holders of the instance see new songs without re-fetching it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..game import ChartType, Difficulty, normalize_title
from .data import Chart, Song, base_id, chart_key, music_data_records, songs_from_records
from .search import Match, SearchIndex

__all__ = ["Catalogue", "RefreshResult", "chart_key"]

# Songs whose 水鱼 title differs from what the official pages show (the pages say "Link").
PAGE_TITLES: dict[int, str] = {383: "Link"}


@dataclass(frozen=True, slots=True)
class RefreshResult:
    changed: bool  # the stored song data changed
    count: int  # songs (aliases, for the alias list) in the catalogue after the refresh
    age: timedelta | None  # how long since the source last confirmed the stored copy
    error: str | None = None  # the failure's class name when the source was unreachable
    fetched_at: datetime | None = None
    detail: str | None = None  # the failure for a person: "file not found: …", "…: HTTP 502"

    @property
    def ok(self) -> bool:
        return self.error is None


class Catalogue:
    def __init__(
        self, songs: dict[int, Song] | None = None, aliases: dict[int, set[str]] | None = None
    ) -> None:
        self.replace(songs or {}, aliases or {})
        self.checked_at: datetime | None = None

    @classmethod
    def from_music_data(cls, payload: Any, aliases: dict[int, set[str]] | None = None) -> Catalogue:
        """From a parsed ``music_data`` JSON (list or object-keyed mirror)."""
        return cls(songs_from_records(music_data_records(payload)), aliases)

    def replace(self, songs: dict[int, Song], aliases: Mapping[int, Iterable[str]]) -> None:
        """Swap in new contents; the indexes are rebuilt before anyone sees them."""
        by_title: dict[str, list[Song]] = defaultdict(list)
        for song in songs.values():
            by_title[normalize_title(song.title)].append(song)
            page_title = PAGE_TITLES.get(song.id)
            if page_title is not None:
                by_title[normalize_title(page_title)].append(song)
        self._songs = songs
        self._by_title = dict(by_title)
        self._aliases = {k: frozenset(v) for k, v in aliases.items()}
        self._search_index: SearchIndex | None = None

    def replace_aliases(self, aliases: Mapping[int, Iterable[str]]) -> None:
        self.replace(self._songs, aliases)

    # --- lookups -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._songs)

    def __contains__(self, song_id: object) -> bool:
        return song_id in self._songs

    def songs(self) -> Iterator[Song]:
        return iter(self._songs.values())

    def charts(self) -> Iterator[Chart]:
        for song in self._songs.values():
            yield from song.charts

    def song(self, song_id: int) -> Song | None:
        return self._songs.get(song_id)

    def chart(self, key: str) -> Chart | None:
        """The chart of a ``chart_key`` ("834:master"); None for unresolved or unknown keys."""
        song_id, _, diff = key.partition(":")
        if not song_id.isdigit():
            return None
        song = self._songs.get(int(song_id))
        try:
            return song.chart(Difficulty(diff)) if song else None
        except ValueError:
            return None

    def siblings(self, song: Song) -> list[Song]:
        """The song's SD and DX sets (one or two songs), SD first."""
        if song.type is ChartType.UTAGE:
            return [song]
        ids = (base_id(song.id), base_id(song.id) + 10_000)
        return [s for i in ids if (s := self._songs.get(i)) is not None and s.title == song.title]

    def aliases_of(self, song: Song) -> frozenset[str]:
        return self._aliases.get(song.base_id, frozenset())

    def alias_items(self) -> Iterable[tuple[int, frozenset[str]]]:
        return self._aliases.items()

    def charts_at_level(
        self, level: str, type_: ChartType | None = None, difficulty: Difficulty | None = None
    ) -> list[Chart]:
        """Every non-Utage chart of a level ("13+"), optionally one type/difficulty."""
        return [
            c
            for c in self.charts()
            if c.level == level
            and c.type is not ChartType.UTAGE
            and (type_ is None or c.type is type_)
            and (difficulty is None or c.difficulty is difficulty)
        ]

    # --- page title → chart --------------------------------------------------------------

    def resolve(
        self,
        title: str,
        type_: ChartType | str,
        difficulty: Difficulty | str,
        dx_score_max: int | None = None,
        level: str | None = None,
    ) -> Chart | None:
        """The chart a page's play/score is on, or None when the catalogue does not know it
        (yet) or cannot tell two same-titled charts apart."""
        difficulty = Difficulty(difficulty)
        type_ = ChartType(type_)
        utage = difficulty is Difficulty.UTAGE or type_ is ChartType.UTAGE
        candidates = []
        for song in self._by_title.get(normalize_title(title), ()):
            if utage != (song.type is ChartType.UTAGE) or (not utage and song.type is not type_):
                continue
            chart = song.chart(Difficulty.UTAGE if utage else difficulty)
            if chart is not None and chart not in candidates:  # a song can sit under two titles
                candidates.append(chart)
        if len(candidates) > 1 and dx_score_max is not None:
            candidates = [c for c in candidates if c.notes.dx_score_max == dx_score_max]
        if len(candidates) > 1 and level is not None:
            candidates = [c for c in candidates if c.level == level]
        return candidates[0] if len(candidates) == 1 else None

    # --- search --------------------------------------------------------------------------

    def search(self, query: str, limit: int = 10) -> list[Match]:
        if self._search_index is None:
            self._search_index = SearchIndex(self.songs(), self.alias_items())
        return self._search_index.search(query, limit)
