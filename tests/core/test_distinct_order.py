"""A rule PostgreSQL enforces and SQLite does not: SELECT DISTINCT may only ORDER BY what it
selects, and plays (and photos) have a default order. Every ``.distinct()`` in the plugin
orders explicitly, right after. Twice a query without it passed every SQLite test and failed
only on PostgreSQL (re-keying in issue 18, /history's played songs)."""

from __future__ import annotations

import re
from pathlib import Path

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "maimai_archive"


def test_every_distinct_query_orders_by_what_it_selects() -> None:
    found = 0
    for path in sorted(PLUGIN.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"\.distinct\(\)", text):
            found += 1
            line = text.count("\n", 0, m.start()) + 1
            assert re.match(r"\s*\.order_by\(", text[m.end() :]), (
                f"{path.relative_to(PLUGIN)}:{line}: .distinct() without .order_by() right after"
            )
    assert found >= 2  # the rule is looking at real queries
