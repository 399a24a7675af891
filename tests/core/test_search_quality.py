"""Search quality over the real catalogue: queries as players type them, with the song
they mean. Prints the hit rate; asserts it stays at the level reached."""

from __future__ import annotations

import pytest

from plugins.maimai_archive.core.songs.aliases import parse_lxns_aliases
from plugins.maimai_archive.core.songs.catalogue import Catalogue
from plugins.maimai_archive.core.songs.search import Verdict, decide
from tests.core.test_songs_support import real_music_data

# Aliases in the LXNS shape (ids are SD ids), the way CN players name these songs.
ALIASES = {
    "aliases": [
        {"song_id": 834, "aliases": ["潘", "潘多拉"]},
        {"song_id": 1294, "aliases": ["宿星审判"]},
    ]
}

# query → base id of the song meant
QUERIES: list[tuple[str, int]] = [
    ("pandora paradoxxx", 834),  # case
    ("ＰＡＮＤＯＲＡ", 834),  # full width, partial
    ("pandora", 834),
    ("潘", 834),  # alias
    ("潘多拉", 834),  # alias
    ("宿星审判", 1294),  # alias in simplified Chinese
    ("id834", 834),
    ("11663", 11663 % 10000),  # a DX id
    ("qzkago", 799),
    ("destroyer", 1051),  # 0 typed as o
    ("宿星", 1294),  # partial
    ("封焔", 1102),
    ("ガラテア", 365),
    ("初音ミクの消失", 411),
    ("ナイトオブナイツ", 204),  # punctuation dropped
    ("六兆年", 288),
    ("脳漿炸裂", 191),
    ("月に叢雲", 536),
    ("grievous lady", 1209),
    ("citrus monster", 494),
    ("sqlupp", 1215),
    ("ouroboros", 1707),
    ("cthugha", 1576),
    ("vspook", 1462),
    ("schwarzschild", 803),
    ("schwarzshild", 803),  # typo
    ("パトラちゃん", 1730),
    ("re unknown x", 1720),
    ("valsqotch", 1106),
    ("雷切", 825),
    ("amabie", 1238),
    ("amazing mightyyyy", 496),
    ("アンノウンマザーグース", 726),
    ("ゔぁんぱいあ", 1410),  # hiragana for katakana
    ("劣等上等", 1197),
    ("king is back", 631),
    ("hainuwele", 1479),
    ("loschen", 1788),  # ö typed as o
    ("panopticon", 589),
    ("the emperror", 833),
    ("blows up", 1023),
    ("つむぎぼし", 1529),
    ("チューリング", 1388),
    ("ジングル ベル", 70),
    ("神っぽいな", 1558),
    ("めずまらいざー", 1838),
    ("惣菜発表ドラゴン", 1852),
    ("系ぎて", 1663),
    ("ﾋﾊﾞﾅ", 792),  # half-width katakana
    ("oshama scramble", 363),
    ("garakuta doll play", 227),
    ("天ノ弱", 188),
    ("outlaws lullaby", 270),
    ("tell your world", 100),
    ("雷切 raikiri", 825),
]

MIN_HIT_RATE = 0.95


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.from_music_data(real_music_data(), parse_lxns_aliases(ALIASES))


def test_there_are_enough_queries() -> None:
    assert len(QUERIES) >= 40


def test_search_hit_rate(catalogue: Catalogue, capsys: pytest.CaptureFixture[str]) -> None:
    misses, unambiguous = [], 0
    for query, expected in QUERIES:
        matches = catalogue.search(query)
        decision = decide(matches)
        top = decision.groups[0].songs[0].base_id if decision.groups else None
        if top != expected:
            misses.append(
                (query, expected, [(m.song.id, m.song.title, m.score) for m in matches[:3]])
            )
        elif decision.verdict is Verdict.ONE:
            unambiguous += 1
    rate = 1 - len(misses) / len(QUERIES)
    with capsys.disabled():
        print(
            f"\nsearch quality: {len(QUERIES) - len(misses)}/{len(QUERIES)} hits ({rate:.1%}), "
            f"{unambiguous} answered without a choice list"
        )
        for miss in misses:
            print("  miss:", miss)
    assert rate >= MIN_HIT_RATE, misses


def test_nothing_close_gives_no_answer(catalogue: Catalogue) -> None:
    decision = decide(catalogue.search("zzzzqqqxxx"))
    assert decision.verdict is Verdict.NONE
