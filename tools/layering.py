"""The project's layering rules, read from the code (`make layering`, part of `make check`).

usage: python tools/layering.py [ROOT] [--strict]   (ROOT: the checkout, default the current folder)

Each rule is one small function returning the violations it finds; each has an allow-list of
known violations, all empty since the house redesign (issue 20): a new violation fails `make
check` unless it is listed here on purpose, with the reason beside it. An entry that no longer
matches anything is reported as stale (an error with --strict). Exit 0 only when nothing
outside the allow-lists is violated.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

PKG = "plugins.maimai_archive"
MAX_LINES = 450
GENERIC_NAMES = frozenset({"common", "base", "utils", "util", "helpers", "misc"})

# Switches for the face and two-sides rules (on; off only while a redesign is under way).
FACE_RULE = True
SIDES_RULE = True

# The two sides: everything that changes the archive (a sync, bind, forget, re-resolving) and
# everything that answers a question about it. The view objects the read side builds and the
# renderers draw sit below both.
WRITE_SIDE: tuple[str, ...] = ("core.archiving",)
READ_SIDE: tuple[str, ...] = ("core.queries",)

# "never" imports: (importer prefix, imported prefixes, why). Prefixes under our package are
# written relative to it ("core.db"); others are top-level names ("httpx").
NONEBOT = ("nonebot", "nonebot_plugin_apscheduler", "nonebug")
PARSER_IO = (
    "httpx", "requests", "aiohttp", "urllib.request", "http.client", "socket", "ssl",
    "asyncio", "subprocess", "shutil", "os", "pathlib", "sqlite3", "aiosqlite", "asyncpg",
    "tortoise", "core.db", "core.client", "core.covers", "core.archiving", "core.queries",
    "core.login", "core.trackers", "core.songs.store",
)  # fmt: skip
RENDER_QUERIES = ("tortoise", "httpx", "core.db", "core.client", "core.archiving", "core.queries")
# Arrows run chat → app → read side → views ← render: nothing points up.
VIEWS_ABOVE = ("tortoise", "httpx", "core.db", "core.archiving", "core.queries", "core.render")
QUERIES_ABOVE = ("core.render", "core.app", "core.login", "core.trackers", "core.client")
CHAT_ORM = ("tortoise", "core.db", "core.pages")

# Allow-lists (known violations; each would need its reason).
KNOWN_FACE: frozenset[str] = frozenset()
KNOWN_SIDES: frozenset[str] = frozenset()
KNOWN_CYCLES: frozenset[str] = frozenset()
KNOWN_SIZE: frozenset[str] = frozenset()
KNOWN_GLOBAL: frozenset[str] = frozenset()
KNOWN_GENERIC: frozenset[str] = frozenset()
KNOWN_MAP: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Module:
    name: str  # relative to PKG: "core.app"; the package itself is ""
    path: Path
    rel: str  # the file relative to the package folder: "core/app.py"
    tree: ast.Module
    lines: int
    is_package: bool
    imports: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # (absolute module, names) of each runtime import; names empty for `import x`


@dataclass(frozen=True)
class Violation:
    rule: str
    key: str  # what an allow-list names
    why: str


@dataclass
class Tree:
    root: Path
    modules: dict[str, Module]  # by name relative to PKG

    def short(self, absolute: str) -> str:
        """A name under our package without its prefix; other names as they are."""
        if absolute == PKG:
            return ""
        return absolute.removeprefix(PKG + ".") if absolute.startswith(PKG + ".") else absolute

    def targets(self, mod: Module) -> Iterator[str]:
        """Every module `mod` depends on at runtime (short names for ours): `from x import y`
        counts as x.y when that is a module of ours, else as x."""
        for target, names in mod.imports:
            short = self.short(target)
            subs = [f"{short}.{n}".lstrip(".") for n in names]
            ours = [s for s in subs if s in self.modules]
            yield from ours
            if not names or len(ours) < len(names):
                yield short


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST, package: str) -> list[tuple[str, tuple[str, ...]]]:
    """Imports outside `if TYPE_CHECKING:` (typing only: no runtime dependency)."""
    found: list[tuple[str, tuple[str, ...]]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.extend((a.name, ()) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                target = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = parts[: len(parts) - (child.level - 1)]
                    target = ".".join([*base, *([child.module] if child.module else [])])
                found.append((target, tuple(a.name for a in child.names)))
            visit(child)

    visit(tree)
    return found


def load(root: Path) -> Tree:
    pkg_dir = root / PKG.replace(".", "/")
    modules: dict[str, Module] = {}
    for path in sorted(pkg_dir.rglob("*.py")):
        if "migrations" in path.parts:  # written by Tortoise
            continue
        rel = path.relative_to(pkg_dir)
        parts = list(rel.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        absolute = ".".join([PKG, *parts])
        package = absolute if is_package else absolute.rsplit(".", 1)[0]
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text, filename=str(path))
        modules[name] = Module(
            name, path, rel.as_posix(), tree, len(text.splitlines()), is_package,
            _runtime_imports(tree, package),
        )  # fmt: skip
    return Tree(root, modules)


# --- the rules ---------------------------------------------------------------------------


def _never(
    tree: Tree, rule: str, importer: str, banned: tuple[str, ...], why: str
) -> list[Violation]:
    out = []
    for mod in tree.modules.values():
        if not under(mod.name, importer):
            continue
        for dep in sorted(set(tree.targets(mod))):
            if any(under(dep, b) for b in banned):
                out.append(Violation(rule, f"{mod.name} -> {dep}", why))
    return out


def core_without_nonebot(tree: Tree) -> list[Violation]:
    return _never(tree, "never", "core", NONEBOT, "the core never imports NoneBot")


def parsers_without_io(tree: Tree) -> list[Violation]:
    return _never(tree, "never", "core.pages", PARSER_IO, "parsers do no I/O: html text in")


def renderers_without_queries(tree: Tree) -> list[Violation]:
    why = "renderers draw view objects; they query and fetch nothing"
    return _never(tree, "never", "core.render", RENDER_QUERIES, why)


def views_below_everything(tree: Tree) -> list[Violation]:
    why = "view objects are plain frozen data: the read side builds them, renderers draw them"
    return _never(tree, "never", "core.views", VIEWS_ABOVE, why)


def queries_below_render(tree: Tree) -> list[Violation]:
    why = "the read side answers from the database into view objects; it draws and fetches nothing"
    return _never(tree, "never", "core.queries", QUERIES_ABOVE, why)


def chat_without_orm(tree: Tree) -> list[Violation]:
    why = "the chat layer talks to services, not to the ORM or the parsers"
    return _never(tree, "never", "chat", CHAT_ORM, why)


def face_names(tree: Tree) -> set[str]:
    """core/__init__.py's `__all__`."""
    init = tree.modules.get("core")
    if init is None:
        return set()
    for node in init.tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                return {str(v) for v in ast.literal_eval(node.value)}
    return set()


def chat_through_face(tree: Tree) -> list[Violation]:
    """The chat layer imports the core only as `from <core> import NAME`, NAME in __all__
    (an object, not a submodule)."""
    face = face_names(tree)
    why = "the chat layer uses only core/__init__.py's public names (__all__)"
    out = []
    for mod in tree.modules.values():
        if not under(mod.name, "chat"):
            continue
        bad: set[str] = set()
        for target, names in mod.imports:
            short = tree.short(target)
            if short == "core":
                for n in names:
                    if n not in face or f"core.{n}" in tree.modules:
                        bad.add(f"core.{n}" if f"core.{n}" in tree.modules else f"core:{n}")
            elif under(short, "core"):
                bad.add(short)
        out += [Violation("face", f"{mod.name} -> {b}", why) for b in sorted(bad)]
    return out


def sides_apart(tree: Tree) -> list[Violation]:
    """The write side and the read side import each other not."""
    why = "the write side and the read side import each other not"
    out = []
    for mod in tree.modules.values():
        for mine, theirs in ((WRITE_SIDE, READ_SIDE), (READ_SIDE, WRITE_SIDE)):
            if any(under(mod.name, p) for p in mine):
                for dep in sorted(set(tree.targets(mod))):
                    if any(under(dep, p) for p in theirs):
                        out.append(Violation("sides", f"{mod.name} -> {dep}", why))
    return out


def no_cycles(tree: Tree) -> list[Violation]:
    """Strongly connected groups of the runtime import graph (Tarjan)."""
    graph = {
        name: sorted({d for d in tree.targets(mod) if d in tree.modules and d != name})
        for name, mod in tree.modules.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:  # recursion depth is bounded by the module count
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in graph:
        if v not in index:
            connect(v)
    why = "a runtime import cycle (imports under TYPE_CHECKING aside)"
    return [Violation("cycle", " <-> ".join(g), why) for g in sorted(groups)]


def small_modules(tree: Tree) -> list[Violation]:
    return [
        Violation("size", m.rel, f"{m.lines} lines (> {MAX_LINES})")
        for m in tree.modules.values()
        if m.lines > MAX_LINES
    ]


def no_global(tree: Tree) -> list[Violation]:
    out = []
    for m in tree.modules.values():
        for fn in ast.walk(m.tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.Global):
                        why = f"line {node.lineno}: module state set with `global`"
                        out.append(Violation("global", f"{m.rel}:{fn.name}", why))
    return sorted(set(out), key=lambda v: v.key)


def no_generic_names(tree: Tree) -> list[Violation]:
    return [
        Violation("names", m.rel, "a name that says nothing of its room")
        for m in tree.modules.values()
        if m.path.stem in GENERIC_NAMES or (m.is_package and m.path.parent.name in GENERIC_NAMES)
    ]


def map_names_every_module(tree: Tree) -> list[Violation]:
    """docs/ARCHITECTURE.md's map (its "## Map" section) names every module's file stem."""
    doc = tree.root / "docs" / "ARCHITECTURE.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    section = text.split("\n## Map", 1)[1].split("\n## ", 1)[0] if "\n## Map" in text else ""
    out = []
    for m in tree.modules.values():
        stem = m.path.parent.name if m.is_package else m.path.stem
        if m.path.stem == "__main__" or not m.name:
            continue
        if not re.search(rf"(?<![\w.]){re.escape(stem)}(?!\w)", section):
            out.append(
                Violation("map", stem, f"{m.rel} is not named in docs/ARCHITECTURE.md's map")
            )
    return out


Rule = Callable[[Tree], list[Violation]]
RULES: list[tuple[Rule, frozenset[str]]] = [
    (core_without_nonebot, frozenset()),
    (parsers_without_io, frozenset()),
    (renderers_without_queries, frozenset()),
    (views_below_everything, frozenset()),
    (queries_below_render, frozenset()),
    (chat_without_orm, frozenset()),
    *([(chat_through_face, KNOWN_FACE)] if FACE_RULE else []),
    *([(sides_apart, KNOWN_SIDES)] if SIDES_RULE else []),
    (no_cycles, KNOWN_CYCLES),
    (small_modules, KNOWN_SIZE),
    (no_global, KNOWN_GLOBAL),
    (no_generic_names, KNOWN_GENERIC),
    (map_names_every_module, KNOWN_MAP),
]


def check(root: Path) -> tuple[list[Violation], list[str]]:
    """(violations outside the allow-lists, stale allow-list entries)."""
    tree = load(root)
    bad: list[Violation] = []
    stale: list[str] = []
    for rule, allowed in RULES:
        found = rule(tree)
        bad += [v for v in found if v.key not in allowed]
        keys = {v.key for v in found}
        stale += [f"{rule.__name__}: {k}" for k in sorted(allowed - keys)]
    return bad, stale


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    args = [a for a in argv if a != "--strict"]
    root = Path(args[0] if args else ".").resolve()
    bad, stale = check(root)
    for v in bad:
        print(f"{v.rule}: {v.key} ({v.why})")
    for s in stale:
        print(f"stale allow-list entry (remove it): {s}")
    tree = load(root)
    print(f"{len(bad)} violations in {len(tree.modules)} modules")
    return 1 if bad or (strict and stale) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
