"""The song catalogue: every chart, its constant and notes, aliases, and search.

``Catalogue`` is the pure in-memory catalogue; ``store`` loads it from the database and
refreshes it from the song and alias sources. The ``ArchiveApp`` owns the process's one
instance.
"""

from __future__ import annotations

from .catalogue import Catalogue, RefreshResult
from .data import Chart, Notes, Song, chart_key

__all__ = ["Catalogue", "Chart", "Notes", "RefreshResult", "Song", "chart_key"]
