"""Helpers for the page tests: where the real pages live (../shared/real_html, never copied
into the repo) and the synthetic fixtures. Holds no tests itself."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REAL_HTML = REPO.parent / "shared" / "real_html"
SYNTHETIC = REPO / "tests" / "fixtures" / "synthetic"


def real_page(name: str) -> str:
    """Text of a real page by the start of its file name; skips when the folder is absent."""
    if not REAL_HTML.is_dir():
        pytest.skip(reason=f"real pages folder {REAL_HTML} is absent")
    matches = sorted(REAL_HTML.glob(f"{name}*html"))
    if len(matches) != 1:
        raise AssertionError(f"{name!r} matches {len(matches)} real pages")
    return matches[0].read_text(encoding="utf-8")


def real_files(*needles: str) -> list[Path]:
    if not REAL_HTML.is_dir():
        return []
    return sorted(p for p in REAL_HTML.glob("*.html") if any(n in p.name for n in needles))


def synthetic(name: str) -> str:
    return (SYNTHETIC / name).read_text(encoding="utf-8")
