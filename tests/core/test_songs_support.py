"""Helpers for the catalogue tests: the real song data (../shared/songdb, never copied into
the repo; tests skip without it) and the small synthetic catalogue. Holds no tests itself."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest

from plugins.maimai_archive.core.songs.catalogue import Catalogue

REPO = Path(__file__).resolve().parents[2]
SONGDB = REPO.parent / "shared" / "songdb" / "Skimige__Akiha-Assets__data__maimai__music_data.json"
SYNTHETIC = REPO / "tests" / "fixtures" / "synthetic"
SMALL_MUSIC_DATA = SYNTHETIC / "music_data_small.json"
SMALL_ALIASES = SYNTHETIC / "lxns_aliases_small.json"

T = TypeVar("T")


def known(value: T | None) -> T:
    """``value``, asserted present: a lookup the test's data answers."""
    assert value is not None
    return value


@cache
def _real_music_data() -> dict[str, Any] | None:
    if not SONGDB.is_file():
        return None
    return json.loads(SONGDB.read_text(encoding="utf-8"))


def real_music_data() -> dict[str, Any]:
    data = _real_music_data()
    if data is None:
        pytest.skip(reason=f"song data {SONGDB} is absent")
    return data


@cache
def _real_catalogue() -> Catalogue:
    return Catalogue.from_music_data(real_music_data())


def real_catalogue() -> Catalogue:
    real_music_data()  # skips when absent
    return _real_catalogue()


def small_music_data() -> dict[str, Any]:
    data = json.loads(SMALL_MUSIC_DATA.read_text(encoding="utf-8"))
    data.pop("_comment")
    return data


def small_aliases() -> dict[str, Any]:
    return json.loads(SMALL_ALIASES.read_text(encoding="utf-8"))


def small_catalogue() -> Catalogue:
    from plugins.maimai_archive.core.songs.aliases import parse_lxns_aliases

    return Catalogue.from_music_data(small_music_data(), parse_lxns_aliases(small_aliases()))
