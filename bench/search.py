"""Song search speed (and hit rate) over the full catalogue, against a naive peer in the same run.

Peer: ``rapidfuzz.process.extract(query, raw_titles, scorer=WRatio, limit=10)`` over the raw
titles — rapidfuzz's usual default, without our folding (width, kana, punctuation), without
ids or aliases. It is the search one writes in five minutes; ours must stay in its league
for speed while finding what players mean.

    .venv/bin/python bench/search.py [--rounds 20]

Needs ../shared/songdb (the 水鱼 music_data mirror).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from plugins.maimai_archive.core.songs.aliases import parse_lxns_aliases  # noqa: E402
from plugins.maimai_archive.core.songs.catalogue import Catalogue  # noqa: E402
from plugins.maimai_archive.core.songs.data import base_id  # noqa: E402
from plugins.maimai_archive.core.songs.search import decide  # noqa: E402
from tests.core.test_search_quality import ALIASES, QUERIES  # noqa: E402

SONGDB = REPO.parent / "shared" / "songdb" / "Skimige__Akiha-Assets__data__maimai__music_data.json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if not SONGDB.is_file():
        sys.exit(f"song data {SONGDB} is absent")
    catalogue = Catalogue.from_music_data(
        json.loads(SONGDB.read_text(encoding="utf-8")), parse_lxns_aliases(ALIASES)
    )
    titles = [s.title for s in catalogue.songs()]
    ids = [s.id for s in catalogue.songs()]
    queries = [q for q, _ in QUERIES]

    started = time.perf_counter()
    catalogue.search("warm up the index")
    index_s = time.perf_counter() - started

    def ours(q: str) -> int | None:
        groups = decide(catalogue.search(q)).groups
        return groups[0].songs[0].base_id if groups else None

    def peer(q: str) -> int | None:
        hits = process.extract(q, titles, scorer=fuzz.WRatio, limit=10)
        return base_id(ids[hits[0][2]]) if hits else None

    rows = []
    for name, fn in (("ours (search + decide)", ours), ("peer (WRatio, raw titles)", peer)):
        hits = sum(fn(q) == expected for q, expected in QUERIES)
        started = time.perf_counter()
        for _ in range(args.rounds):
            for q in queries:
                fn(q)
        elapsed = time.perf_counter() - started
        rows.append((name, args.rounds * len(queries) / elapsed, hits))
    print(
        f"catalogue: {len(catalogue)} songs; index built in {index_s * 1000:.0f} ms; "
        f"{len(queries)} queries × {args.rounds} rounds"
    )
    print("| search | queries/s | hits |")
    print("|---|---|---|")
    for name, qps, hits in rows:
        print(f"| {name} | {qps:.0f} | {hits}/{len(QUERIES)} |")
    print(f"ratio ours/peer (queries/s): {rows[0][1] / rows[1][1]:.2f}")


if __name__ == "__main__":
    main()
