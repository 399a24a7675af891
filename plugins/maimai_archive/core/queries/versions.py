"""Game versions as the song data names them (水鱼 ``basic_info.from``), in release order, with
the names CN players use. Membership of a song in a version is its catalogue ``version``."""

from __future__ import annotations

# The old (pre-DX) series, oldest first.
OLD_VERSIONS = (
    "maimai",
    "maimai PLUS",
    "maimai GreeN",
    "maimai GreeN PLUS",
    "maimai ORANGE",
    "maimai ORANGE PLUS",
    "maimai PiNK",
    "maimai PiNK PLUS",
    "maimai MURASAKi",
    "maimai MURASAKi PLUS",
    "maimai MiLK",
    "MiLK PLUS",
    "maimai FiNALE",
)
# The DX era as the CN song data has it: CN merged each JP version with its PLUS into one
# yearly release, except PRiSM PLUS (舞萌DX 2026), which the data keeps apart.
DX_VERSIONS = (
    "maimai でらっくす",
    "maimai でらっくす Splash",
    "maimai でらっくす UNiVERSE",
    "maimai でらっくす FESTiVAL",
    "maimai でらっくす BUDDiES",
    "maimai でらっくす PRiSM",
    "maimai でらっくす PRiSM PLUS",
    "maimai でらっくす CiRCLE",
)
ORDER = {name: i for i, name in enumerate(OLD_VERSIONS + DX_VERSIONS)}

# How CN players call the DX-era releases.
CN_NAMES = {
    "maimai でらっくす": "舞萌DX",
    "maimai でらっくす Splash": "舞萌DX 2021",
    "maimai でらっくす UNiVERSE": "舞萌DX 2022",
    "maimai でらっくす FESTiVAL": "舞萌DX 2023",
    "maimai でらっくす BUDDiES": "舞萌DX 2024",
    "maimai でらっくす PRiSM": "舞萌DX 2025",
    "maimai でらっくす PRiSM PLUS": "舞萌DX 2026",
}


def order(version: str) -> int | None:
    return ORDER.get(version)


def label(version: str) -> str:
    return CN_NAMES.get(version, version)
