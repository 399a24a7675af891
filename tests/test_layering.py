"""tools/layering.py: the tree keeps the rules, and each rule catches a violation on a small
synthetic tree (so none is a check that cannot fail)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools import layering
from tools.layering import Violation

REPO = Path(__file__).resolve().parents[1]
PKG_DIR = Path("plugins/maimai_archive")

MAP = """# Architecture

## Map
```
{names}
```

## Glossary
{outside}
"""


def tree(tmp_path: Path, files: dict[str, str], mapped: str = "", outside: str = "") -> Path:
    """A checkout in tmp_path: the package's files (paths under plugins/maimai_archive, every
    folder a package) and docs/ARCHITECTURE.md naming `mapped` in its map."""
    for rel, text in {"__init__.py": "", **files}.items():
        path = tmp_path / PKG_DIR / rel
        for folder in [path.parent, *path.parent.parents]:
            if folder == tmp_path:
                break
            if not (folder / "__init__.py").exists() and folder != tmp_path / "plugins":
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "__init__.py").touch()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "ARCHITECTURE.md").write_text(
        MAP.format(names=mapped, outside=outside), encoding="utf-8"
    )
    return tmp_path


def keys(rule: layering.Rule, root: Path) -> list[str]:
    return [v.key for v in rule(layering.load(root))]


# --- the real tree --------------------------------------------------------------------------


def test_the_tree_keeps_every_rule_and_every_allowance_is_still_needed() -> None:
    bad, stale = layering.check(REPO)
    assert bad == [], "\n".join(f"{v.rule}: {v.key} ({v.why})" for v in bad)
    # A fixed violation leaves its allow-list too: the lists only shrink.
    assert stale == [], "remove from tools/layering.py: " + ", ".join(stale)


def test_the_command_exits_non_zero_on_a_violation(tmp_path: Path) -> None:
    root = tree(tmp_path, {"core/__init__.py": "import nonebot\n"}, mapped="core")
    run = subprocess.run(
        [sys.executable, str(REPO / "tools" / "layering.py"), str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "core -> nonebot" in run.stdout
    clean = subprocess.run(
        [sys.executable, str(REPO / "tools" / "layering.py"), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert clean.returncode == 0, clean.stdout


def test_make_check_runs_the_layering_rules() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    check_line = next(ln for ln in makefile.splitlines() if ln.startswith("check:"))
    assert "layering" in check_line.split()
    assert "tools/layering.py" in makefile


# --- each rule catches what it forbids ------------------------------------------------------


def test_the_core_imports_no_nonebot(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "core/app.py": "from nonebot import get_driver\n",
            "core/job.py": "import nonebot_plugin_apscheduler\n",
            "core/fine.py": "import httpx\n",
            "chat/ok.py": "import nonebot\n",
        },
    )
    assert keys(layering.core_without_nonebot, root) == [
        "core.app -> nonebot",
        "core.job -> nonebot_plugin_apscheduler",
    ]


def test_parsers_do_no_io(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "core/pages/record.py": "import re\nfrom lxml import etree\nfrom ..game import FC\n",
            "core/pages/fetching.py": "import httpx\n",
            "core/pages/storing.py": "from ..db import models\n",
            "core/pages/files.py": "from pathlib import Path\n",
            "core/game.py": "",
            "core/db/models.py": "",
        },
    )
    assert keys(layering.parsers_without_io, root) == [
        "core.pages.fetching -> httpx",
        "core.pages.files -> pathlib",
        "core.pages.storing -> core.db.models",
    ]


def test_renderers_query_nothing(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "core/render/b50.py": "from ..views.play_views import B50View\n",
            "core/views/play_views.py": "",
            "core/render/diff.py": "from ..queries import plays\n",
            "core/render/orm.py": "from tortoise import fields\n",
            "core/queries/plays.py": "",
        },
    )
    assert keys(layering.renderers_without_queries, root) == [
        "core.render.diff -> core.queries.plays",
        "core.render.orm -> tortoise",
    ]


def test_the_chat_layer_holds_no_orm_or_parser(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "chat/sync.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from ..core.db.models import Player\n"
                "from ..core.pages import parse_page\n"
            ),
            "core/db/models.py": "",
            "core/pages/__init__.py": "def parse_page(): ...\n",
        },
    )
    # the Player handle typed under TYPE_CHECKING is no runtime import
    assert keys(layering.chat_without_orm, root) == ["chat.sync -> core.pages"]


def test_the_chat_layer_uses_only_the_core_face(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "core/__init__.py": 'from .app import ArchiveApp\n__all__ = ["ArchiveApp"]\n',
            "core/app.py": "class ArchiveApp: ...\nclass Hidden: ...\n",
            "chat/good.py": (
                "from typing import TYPE_CHECKING\nfrom ..core import ArchiveApp\n"
                "import plugins.maimai_archive.core\n"
                "if TYPE_CHECKING:\n    from ..core.app import Hidden\n"
            ),
            "chat/deep.py": "from ..core.app import ArchiveApp\n",
            "chat/module.py": "from ..core import app\n",
            "chat/private.py": "from plugins.maimai_archive.core import Hidden\n",
        },
    )
    assert keys(layering.chat_through_face, root) == [
        "chat.deep -> core.app",
        "chat.module -> core.app",
        "chat.private -> core:Hidden",
    ]


def test_the_write_side_and_the_read_side_import_each_other_not(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "core/archiving/sync/service.py": "from .. import bests\nfrom ...queries import plays\n",
            "core/queries/curve.py": "from . import plays\n",
            "core/queries/export.py": "from ..archiving.binding import open_box\n",
            "core/queries/plays.py": "",
            "core/archiving/binding.py": "",
            "core/archiving/bests.py": "",
        },
    )
    assert keys(layering.sides_apart, root) == [
        "core.archiving.sync.service -> core.queries.plays",
        "core.queries.export -> core.archiving.binding",
    ]


def test_runtime_import_cycles_are_found_type_only_ones_are_not(tmp_path: Path) -> None:
    typed = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import {}\n"
    root = tree(
        tmp_path,
        {
            "core/a.py": "from . import b\n",
            "core/b.py": "from .c import thing\n",
            "core/c.py": "from .a import x\nthing = 1\n",
            "core/scores.py": "from . import queries\n",
            "core/queries.py": typed.format("scores"),
        },
    )
    assert keys(layering.no_cycles, root) == ["core.a <-> core.b <-> core.c"]


def test_no_module_over_450_lines(tmp_path: Path) -> None:
    root = tree(tmp_path, {"core/long.py": "x = 1\n" * 451, "core/full.py": "x = 1\n" * 450})
    assert keys(layering.small_modules, root) == ["core/long.py"]


def test_no_global_statement(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "chat/state.py": "_app = None\ndef use_app(app):\n    global _app\n    _app = app\n",
            "chat/fine.py": "def f():\n    x = 1\n    def g():\n        nonlocal x\n",
        },
    )
    assert keys(layering.no_global, root) == ["chat/state.py:use_app"]


def test_no_module_named_common_base_or_utils(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "core/utils.py": "",
            "chat/common.py": "",
            "core/helpers/__init__.py": "",
            "core/ok.py": "",
        },
    )
    assert sorted(keys(layering.no_generic_names, root)) == [
        "chat/common.py",
        "core/helpers/__init__.py",
        "core/utils.py",
    ]


def test_the_map_names_every_module(tmp_path: Path) -> None:
    files = {"core/app.py": "", "core/curve.py": "", "core/plates.py": "", "core/status.py": ""}
    # "curves" is no mention of curve.py; status named only outside the map does not count
    mapped = "core/  app.py: the app; curves drawn; plates.py"
    root = tree(tmp_path, files, mapped=mapped, outside="status")
    assert keys(layering.map_names_every_module, root) == ["curve", "status"]
    root = tree(tmp_path, files, mapped=mapped + " curve.py status.py")
    assert keys(layering.map_names_every_module, root) == []


def test_an_allow_list_forgives_only_what_it_names(tmp_path: Path, monkeypatch) -> None:
    # An allow-list naming chat/common.py (and a file that is gone) forgives only that one.
    allowed = frozenset({"chat/common.py", "core/gone.py"})
    rules = [
        (rule, allowed if rule is layering.no_generic_names else known)
        for rule, known in layering.RULES
    ]
    monkeypatch.setattr(layering, "RULES", rules)
    root = tree(tmp_path, {"chat/common.py": "", "chat/utils.py": ""}, mapped="chat common utils")
    bad, stale = layering.check(root)
    assert Violation("names", "chat/utils.py", "a name that says nothing of its room") in bad
    assert not [v for v in bad if v.key == "chat/common.py"]
    assert "no_generic_names: core/gone.py" in stale
