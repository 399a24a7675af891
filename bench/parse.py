"""Parse speed: our page parsers vs maimai.py's, same real pages, same run.

    .venv/bin/python bench/parse.py [--rounds N] [--profile]

Pages: every score list (musicGenre/musicVersion/musicLevel/rating target) and record page in
../shared/real_html. maimai.py (PyPI ``maimai-py``) is a benchmark-only install, not a project
dependency; its parser functions are ``maimai_py.utils.page_parser.wmdx_html2score`` /
``wmdx_html2record``. A page either parser crashes on is reported and left out of both rates,
so the ratio compares the same pages; our rate over every page is printed beside it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REAL_HTML = REPO.parent / "shared" / "real_html"

from bs4 import BeautifulSoup  # noqa: E402

from plugins.maimai_archive.core.pages import parse_record, parse_scores  # noqa: E402
from plugins.maimai_archive.core.pages.markup import make_tree  # noqa: E402
from plugins.maimai_archive.core.pages.scores import parse_scores_tree  # noqa: E402

SCORE_MARKERS = (
    "__scores__",
    "internal_level_pages",
    "intl_version",
    "rating_target",
    "sample_data__scores",
)
RECORD_MARKERS = ("sample_data__record", "rec__response_body", "__history__")


def pages() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {"scores": [], "record": []}
    for path in sorted(REAL_HTML.glob("*.html")):
        kind = (
            "scores" if any(m in path.name for m in SCORE_MARKERS)
            else "record" if any(m in path.name for m in RECORD_MARKERS)
            else None
        )  # fmt: skip
        if kind:
            found[kind].append((path.name, path.read_text(encoding="utf-8")))
    return found


def crashes(parse: Callable[[str], object], docs: list[tuple[str, str]]) -> list[str]:
    """Names of the docs ``parse`` crashes on (a peer's crash is a result here, not an error)."""
    failed = []
    for name, html in docs:
        try:
            parse(html)
        except Exception as exc:
            failed.append(f"{name} ({type(exc).__name__})")
    return failed


def rate(parse: Callable[[str], object], docs: list[tuple[str, str]], rounds: int) -> float:
    """Pages per second of ``parse`` over ``docs``."""
    start = time.perf_counter()
    for _ in range(rounds):
        for _, html in docs:
            parse(html)
    elapsed = time.perf_counter() - start
    return len(docs) * rounds / elapsed if elapsed else 0.0


def profile(docs: list[tuple[str, str]]) -> None:
    """Where our time goes on the score lists: libxml2's parse vs our reading of the tree, and
    what building a bs4 soup of the same pages would cost (why the big pages skip bs4)."""
    build = read = soup = 0.0
    for _, html in docs:
        t0 = time.perf_counter()
        root = make_tree(html)
        t1 = time.perf_counter()
        parse_scores_tree(root)
        t2 = time.perf_counter()
        BeautifulSoup(html, "lxml")
        t3 = time.perf_counter()
        build, read, soup = build + t1 - t0, read + t2 - t1, soup + t3 - t2
    print(f"  lxml tree build (libxml2 parse):            {build:.3f} s")
    print(f"  our extraction (one walk per chart block):  {read:.3f} s")
    print(f"  for comparison, a bs4 soup of the same:     {soup:.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    if not REAL_HTML.is_dir():
        sys.exit(f"no real pages at {REAL_HTML}")
    try:
        from maimai_py.utils.page_parser import wmdx_html2record, wmdx_html2score
    except ImportError:
        sys.exit("maimai.py is not installed: .venv/bin/pip install maimai-py (benchmark only)")

    docs = pages()
    for kind, ours, theirs in (
        ("scores", parse_scores, wmdx_html2score),
        ("record", parse_record, wmdx_html2record),
    ):
        mb = sum(len(h.encode()) for _, h in docs[kind]) / 1e6
        our_fail, peer_fail = crashes(ours, docs[kind]), crashes(theirs, docs[kind])
        failed = {f.split(" (")[0] for f in our_fail + peer_fail}
        # The ratio is taken over the pages both parse, so neither side gets easier pages.
        both = [(name, html) for name, html in docs[kind] if name not in failed]
        our_rate, peer_rate = rate(ours, both, args.rounds), rate(theirs, both, args.rounds)
        print(f"{kind}: {len(docs[kind])} pages, {mb:.1f} MB, {args.rounds} rounds")
        for name in peer_fail:
            print(f"  maimai.py crashed on {name}")
        for name in our_fail:
            print(f"  ours crashed on {name}")
        print(f"  on the {len(both)} pages both parse:")
        print(f"    ours      {our_rate:8.1f} pages/s")
        print(f"    maimai.py {peer_rate:8.1f} pages/s")
        print(
            f"    ratio ours/maimai.py = {our_rate / peer_rate:.2f}"
            if peer_rate
            else "    ratio: n/a"
        )
        if len(both) < len(docs[kind]) and not our_fail:
            print(
                f"  ours on all {len(docs[kind])}: {rate(ours, docs[kind], args.rounds):.1f} pages/s"
            )
    if args.profile:
        print("profile (score lists, one pass):")
        profile(docs["scores"])


if __name__ == "__main__":
    main()
