"""Which charts the game leaves out of the version plates, by 水鱼 song id. The song data alone
cannot tell: it lists every chart a song has now, not which ones a plate asked for.

Facts checked (ids only, tables written here) against AkariBot
(Teahouse-Studios/akari-bot, modules/maimai/libraries/maimaidx_mapping.py) and MarisaBot
(QingQiz/MarisaBot, Marisa.Plugin.Shared/MaiMaiDx/PlateData.cs, PRs #63-#65, which cite
RemyWiki's "Revived Songs" lists of the CN versions). README "Plate definitions" has the detail.
"""

from __future__ import annotations

# Re:MASTER charts that count for the 舞 plates and 霸者: those the old series had by FiNALE
# (59; both peers list the same ids). The 29 other old-series Re:MASTERs in the CN data were
# added in the DX era (Link 131, air's gravity 144, Death Scythe 261, …) or belong to revived
# songs, and do not count. maimai.py reaches the same by each chart's own version (LXNS data).
OLD_REMASTER_IDS = frozenset(
    {
        17,
        22,
        23,
        24,
        58,
        61,
        62,
        65,
        66,
        70,
        71,
        80,
        81,
        100,
        107,
        143,
        145,
        198,
        200,
        204,
        226,
        227,
        247,
        255,
        256,
        265,
        266,
        282,
        295,
        296,
        299,
        301,
        310,
        312,
        365,
        414,
        496,
        513,
        532,
        589,
        741,
        756,
        759,
        763,
        777,
        793,
        799,
        803,
        806,
        809,
        812,
        816,
        818,
        820,
        825,
        830,
        833,
        834,
        838,
    }
)

# Revived songs: removed from the CN game after the plates came back (2021), restored later.
# The game does not put them back into their version's plates (nor 舞 / 霸者), so players who
# already hold a plate are not asked to play them again. Grouped by plate for reading.
REVIVED_IDS = frozenset(
    {
        44,
        146,  # 真: ハッピーシンセサイザ, 39
        185,
        189,
        190,  # 超: ＊ハロー、プラネット。, 弱虫モンブラン, モザイクロール (190: AkariBot only)
        341,  # 檄: 二息歩行
        281,  # 橙: ダブルラリアット
        419,  # 暁: ストリーミングハート
        451,
        455,
        460,  # 桃: 頓珍漢の宴, Counselor, 閃鋼のブリューナク
        524,  # 櫻: Hand in Hand
        853,  # 菫: 前前前世
        687,
        688,
        712,  # 白: 共感覚おばけ, 麒麟, ミラクル・ショッピング
        731,  # 雪: 妄想感傷代償連盟
        792,  # 輝: ヒバナ
        10146,  # 熊/華: 39 (DX)
        11213,  # 爽/煌: Arty Party
        11253,
        11267,  # 宙/星: おジャ魔女カーニバル!!, ディカディズム
    }
)

# ジングルベル (70): a Christmas-only song in the 真 era, so never asked for by the 真 plates;
# 舞 and 霸者 do ask for it, Re:MASTER included.
ZHEN_SEASONAL_IDS = frozenset({70})
