"""/history <song> [difficulty]: the song decided as /chart decides it, among the songs the
player played, a trailing difficulty word read as /line reads it; charts the song data does
not know are found by title. Renderers answer with a tiny PNG."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App

from .helpers import TINY_PNG, USER, fake_renderers, private_message, use_small_catalogue

T0 = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
TWO_IMAGES = Message([MessageSegment.image(TINY_PNG)] * 2)
# The small catalogue with 383 renamed "Link" by another artist: two songs of one title.
NAMESAKES = {383: {"title": "Link", "artist": "Circle of friends"}}


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:
    from plugins.maimai_archive.chat import record_images

    return fake_renderers(monkeypatch, record_images)


async def _plays(*charts: tuple[int | None, str, str, int]) -> None:
    """The asker's plays: (song id or None when unresolved, title, difficulty, how many)."""
    from plugins.maimai_archive.core.db.models import Play, Player

    player = await Player.create(qq=str(USER), name="玩家", rating=14000)
    n = 0
    for song_id, title, difficulty, count in charts:
        type_ = "DX" if song_id and song_id > 10_000 else "SD"
        key = f"{song_id}:{difficulty}" if song_id else f"?{type_}:{difficulty}:{title}"
        for _ in range(count):
            at = T0 + timedelta(minutes=n)
            n += 1
            await Play.create(
                player=player,
                played_unix=int(at.timestamp()),
                played_at=at,
                idx=f"{n},{int(at.timestamp())}",
                track=1,
                title=title,
                type=type_,
                difficulty=difficulty,
                achievement=980_000,
                dx_score=1600,
                rank="sp",
                chart_key=key,
                song_id=song_id,
            )


async def _ask(app: App, text: str, reply) -> None:
    from plugins.maimai_archive.chat.record_images import history_cmd

    async with app.test_matcher(history_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message(text)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(history_cmd)


def _chart(rendered: list[tuple]) -> tuple[str, str, str]:
    chart = rendered[0][1].chart
    return chart.title, chart.type, chart.difficulty


@pytest.mark.parametrize(
    ("text", "difficulty"), [("/history alpha song 白", "remaster"), ("历史 alpha song", "master")]
)
async def test_a_trailing_difficulty_word_picks_the_chart(
    app: App, db, rendered, monkeypatch, text: str, difficulty: str
) -> None:
    """QA: "/history 潘多拉 白" showed MASTER (the most played), not Re:MASTER."""
    use_small_catalogue(monkeypatch)
    await _plays((10001, "Alpha Song", "master", 3), (10001, "Alpha Song", "remaster", 1))
    await _ask(app, text, TWO_IMAGES)
    assert _chart(rendered) == ("Alpha Song", "DX", difficulty)


async def test_a_loose_match_is_no_match(app: App, db, rendered, monkeypatch) -> None:
    """QA: "/history x" drew Λzure Vixen (its title holds an x) where /chart x finds nothing."""
    use_small_catalogue(monkeypatch)
    await _plays((10001, "Alpha Song", "master", 1))
    await _ask(app, "/history g", "存档里没有找到「g」的游玩。")
    assert rendered == []


async def test_namesakes_the_player_played_are_a_choice(
    app: App, db, rendered, monkeypatch
) -> None:
    """QA: "/history link" quietly chose one of two songs named Link."""
    from plugins.maimai_archive.chat.record_images import history_cmd

    use_small_catalogue(monkeypatch, NAMESAKES)
    await _plays((131, "Link", "master", 3), (383, "Link", "expert", 1))
    async with app.test_matcher(history_cmd) as ctx:
        bot = ctx.create_bot()
        event = private_message("/history link")
        ctx.receive_event(bot, event)
        ctx.should_call_send(
            event,
            "找到多首，请回复序号：\n1. Link · Synthetic Artist（id131）\n"
            "2. Link · Circle of friends（id383）",
            result=None,
        )
        ctx.should_rejected(history_cmd)
        pick = private_message("2")
        ctx.receive_event(bot, pick)
        ctx.should_call_send(pick, TWO_IMAGES, result=None)
        ctx.should_finished(history_cmd)
    assert _chart(rendered) == ("Link", "SD", "expert")


async def test_only_played_songs_count(app: App, db, rendered, monkeypatch) -> None:
    use_small_catalogue(monkeypatch, NAMESAKES)
    await _plays((383, "Link", "expert", 1))
    await _ask(app, "/history link", TWO_IMAGES)  # the other Link was never played
    assert _chart(rendered) == ("Link", "SD", "expert")


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/history link", "存档里还没有「Link」的游玩。"),
        ("/history alpha song 白", "存档里还没有「Alpha Song」Re:MASTER 的游玩。"),
        ("/history alpha song sd", "存档里还没有「Alpha Song」SD 的游玩。"),
    ],
)
async def test_a_song_never_played_says_so(
    app: App, db, rendered, monkeypatch, text: str, reply: str
) -> None:
    use_small_catalogue(monkeypatch)
    await _plays((10001, "Alpha Song", "master", 1))
    await _ask(app, text, reply)
    assert rendered == []


@pytest.mark.parametrize("catalogue", [False, True], ids=["no song data", "song data"])
async def test_charts_the_song_data_lacks_are_found_by_title(
    app: App, db, rendered, monkeypatch, catalogue: bool
) -> None:
    if catalogue:
        use_small_catalogue(monkeypatch)
    await _plays((None, "ジングルベル", "master", 2), (None, "ジングルベル", "expert", 1))
    await _ask(app, "历史 ジングル", TWO_IMAGES)
    await _ask(app, "历史 ジングルベル 红", TWO_IMAGES)
    await _ask(app, "历史 ジングルベル 白", "存档里没有找到「ジングルベル」Re:MASTER 的游玩。")
    assert [_chart([call])[2] for call in rendered[::2]] == ["master", "expert"]


def test_chart_words_read_from_the_end() -> None:
    from plugins.maimai_archive.chat.score_tools import chart_words
    from plugins.maimai_archive.core import ChartType, Difficulty

    assert chart_words("潘多拉 白") == chart_words("潘多拉 re:master")
    words = chart_words("潘多拉 dx 白")
    assert (words.query, words.type, words.difficulty) == (
        "潘多拉",
        ChartType.DX,
        Difficulty.REMASTER,
    )
    assert chart_words("song 100.5").query == "song 100.5"  # a target is /line's alone
    # A title keeps its own spaces (full-width, doubled): only the peeled words go.
    assert (
        chart_words("Ｆｕｌｌ　Ｓｙｍｂｏｌｓ  ver. 2 紫").query
        == "Ｆｕｌｌ　Ｓｙｍｂｏｌｓ  ver. 2"
    )
    assert chart_words("Ｆｕｌｌ　Ｓｙｍｂｏｌｓ").query == "Ｆｕｌｌ　Ｓｙｍｂｏｌｓ"
