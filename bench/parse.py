"""Parse speed: our page parsers vs maimai.py's, same real pages, same run.

    .venv/bin/python bench/parse.py [--rounds N] [--profile]

Pages: every score list (musicGenre/musicVersion/musicLevel/rating target) and record page in
../shared/real_html. maimai.py (PyPI ``maimai-py``) is a benchmark-only install, not a project
dependency; its parser functions are ``maimai_py.utils.page_parser.wmdx_html2score`` /
``wmdx_html2record``. A page its parser crashes on is reported and left out of its rate (ours
still parses it and counts it).
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

from plugins.maimai_archive.core.pages import parse_record, parse_scores  # noqa: E402
from plugins.maimai_archive.core.pages.common import make_soup  # noqa: E402
from plugins.maimai_archive.core.pages.scores import parse_scores_soup  # noqa: E402

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


def rate(
    parse: Callable[[str], object], docs: list[tuple[str, str]], rounds: int
) -> tuple[float, list[str]]:
    """Pages per second over the docs ``parse`` handles; names of the docs it crashed on."""
    ok, failed = [], []
    for name, html in docs:
        try:
            parse(html)
            ok.append(html)
        except Exception as exc:  # a peer's crash is a result here, not an error
            failed.append(f"{name} ({type(exc).__name__})")
    start = time.perf_counter()
    for _ in range(rounds):
        for html in ok:
            parse(html)
    elapsed = time.perf_counter() - start
    return (len(ok) * rounds / elapsed if elapsed else 0.0), failed


def profile(docs: list[tuple[str, str]]) -> None:
    """Where our time goes on the score lists: building the soup vs reading it."""
    from lxml import etree

    build = read = raw = 0.0
    for _, html in docs:
        t0 = time.perf_counter()
        etree.fromstring(html, etree.HTMLParser())
        t1 = time.perf_counter()
        soup = make_soup(html)
        t2 = time.perf_counter()
        parse_scores_soup(soup)
        t3 = time.perf_counter()
        raw, build, read = raw + t1 - t0, build + t2 - t1, read + t3 - t2
    print(f"  lxml alone (libxml2 parse, no Python tree): {raw:.3f} s")
    print(f"  bs4 soup build (lxml builder):              {build:.3f} s")
    print(f"  our extraction (CSS selects on the soup):   {read:.3f} s")


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
        our_rate, our_fail = rate(ours, docs[kind], args.rounds)
        peer_rate, peer_fail = rate(theirs, docs[kind], args.rounds)
        print(f"{kind}: {len(docs[kind])} pages, {mb:.1f} MB, {args.rounds} rounds")
        print(f"  ours      {our_rate:8.1f} pages/s  (failed: {len(our_fail)})")
        print(f"  maimai.py {peer_rate:8.1f} pages/s  (failed: {len(peer_fail)})")
        for name in peer_fail:
            print(f"    maimai.py failed on {name}")
        print(
            f"  ratio ours/maimai.py = {our_rate / peer_rate:.2f}" if peer_rate else "  ratio: n/a"
        )
    if args.profile:
        print("profile (score lists, one pass):")
        profile(docs["scores"])


if __name__ == "__main__":
    main()
