"""Temporary alias of ``parsed`` for ``core/archive/sync.py``, which this branch must not
edit (the sync is being split into a package elsewhere).

lead: remove after the sync split merges (and its ``..records`` import becomes ``..parsed``).
"""

from .parsed import *  # noqa: F403
