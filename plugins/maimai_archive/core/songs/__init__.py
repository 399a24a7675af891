"""The song catalogue: every chart, its constant and notes, aliases, and search.

The process shares one :class:`Catalogue`; the bot's startup loads it from the database
(``Catalogue.load_from_db``) and refreshes it, and every command reads it with
:func:`get_catalogue`.
"""

from __future__ import annotations

from .catalogue import Catalogue, RefreshResult
from .data import Chart, Notes, Song, chart_key

__all__ = ["Catalogue", "Chart", "Notes", "RefreshResult", "Song", "chart_key", "get_catalogue", "set_catalogue"]

_catalogue: Catalogue | None = None


def get_catalogue() -> Catalogue:
    """The shared catalogue (an empty one until the startup sets it)."""
    global _catalogue
    if _catalogue is None:
        _catalogue = Catalogue()
    return _catalogue


def set_catalogue(catalogue: Catalogue) -> None:
    global _catalogue
    _catalogue = catalogue
