"""The game's vocabulary: lamp order and the error tree's place for a changed binding."""

from __future__ import annotations

from plugins.maimai_archive.core.errors import BindingChanged, MaimaiError
from plugins.maimai_archive.core.game import FC, FC_ORDER, FS, FS_ORDER, better_lamp


def test_lamp_orders_hold_every_lamp_from_none_to_best() -> None:
    assert FC_ORDER == (None, *FC) and FS_ORDER == (None, *FS)


def test_better_lamp_keeps_the_higher_lamp_either_way() -> None:
    assert better_lamp("fc", "ap", FC_ORDER) == "ap"
    assert better_lamp("app", "fcp", FC_ORDER) == "app"
    assert better_lamp(None, "sync", FS_ORDER) == "sync"
    assert better_lamp("fsd", "fsp", FS_ORDER) == "fsd"
    assert better_lamp("fs", None, FS_ORDER) == "fs"


def test_an_unknown_lamp_counts_as_none() -> None:
    assert better_lamp("??", "fc", FC_ORDER) == "fc"
    assert better_lamp("fc", "??", FC_ORDER) == "fc"


def test_binding_changed_is_in_the_error_tree_with_a_user_message() -> None:
    error = BindingChanged("binding replaced during the sync")
    assert isinstance(error, MaimaiError)
    assert "重新 /sync" in error.user_message and "binding replaced" in str(error)
