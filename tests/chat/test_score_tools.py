"""/line (分数线) and /raise (推分) turn by turn on the small synthetic catalogue, the /raise
image rendered for real, and the image commands fetching jackets before they render."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import pytest
import respx
from nonebot.adapters.onebot.v11 import Message, MessageSegment
from nonebug import App
from PIL import Image

from .helpers import USER, group_message, private_message, record_png, use_small_catalogue

TINY = b"\x89PNG\r\n\x1a\nstub"
NOW = datetime(2025, 11, 20, 12, tzinfo=UTC)
COVER_HOST = "https://covers.test"


def _png(colour: str = "red", size: int = 16) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def catalogue(monkeypatch: pytest.MonkeyPatch):
    return use_small_catalogue(monkeypatch)


@pytest.fixture
def rendered(monkeypatch) -> list[tuple]:
    from plugins.maimai_archive.chat import score_tools as rating

    return record_png(monkeypatch, rating, TINY)


async def _say(app: App, matcher, event, reply) -> None:
    async with app.test_matcher(matcher) as ctx:
        bot = ctx.create_bot()
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(matcher)


# --- /line ----------------------------------------------------------------------------------

# Alpha Song DX MASTER (id 10001): TAP 401 HOLD 40 SLIDE 30 TOUCH 20 BREAK 30, base 370500 →
# one TAP GREAT costs 10^8/370500 = 269.9 (1/10000 %) = 0.0270%; SSS allows 10000 → 37 of them,
# SSS+ allows 5000 → 18. A 50落 costs 10000/30/4 = 83.3 = 0.31 TAP GREAT, a 100落 0.62, a break
# GREAT 1349.5 + 200 = 1549.5 → 5.74 TAP GREATs, 6 of them at SSS and 3 at SSS+.
DX_MASTER_LINE = """Alpha Song［DX］MASTER 13（定数 13.2）
物量 521：TAP 401 HOLD 40 SLIDE 30 TOUCH 20 绝赞 30
SSS 100.0000%：可丢 1.0000%，单看一种失误最多
  TAP GREAT 37 个（每个 -0.0270%）
  绝赞 50落 30 个 · 100落 30 个 · GREAT 6 个
SSS+ 100.5000%：可丢 0.5000%，单看一种失误最多
  TAP GREAT 18 个（每个 -0.0270%）
  绝赞 50落 30 个 · 100落 30 个 · GREAT 3 个
换算：绝赞 50落 = 0.31 个 TAP GREAT，100落 = 0.62，GREAT = 5.74"""


async def test_line_by_id_gives_sss_and_sssp_of_the_master_chart(app: App, catalogue) -> None:
    from plugins.maimai_archive.chat.score_tools import line_cmd

    await _say(app, line_cmd, group_message("/line 10001"), DX_MASTER_LINE)


SD_MASTER_LINE = """Alpha Song［标准］MASTER 12+（定数 12.7）
物量 501：TAP 401 HOLD 40 SLIDE 30 绝赞 30
SSS 100.0000%：可丢 1.0000%，单看一种失误最多
  TAP GREAT 36 个（每个 -0.0277%）
  绝赞 50落 30 个 · 100落 30 个 · GREAT 6 个
SSS+ 100.5000%：可丢 0.5000%，单看一种失误最多
  TAP GREAT 18 个（每个 -0.0277%）
  绝赞 50落 30 个 · 100落 30 个 · GREAT 3 个
换算：绝赞 50落 = 0.30 个 TAP GREAT，100落 = 0.60，GREAT = 5.72"""


async def test_line_by_title_covers_both_chart_sets(app: App, catalogue) -> None:
    from plugins.maimai_archive.chat.score_tools import line_cmd

    # SD MASTER: base 360500 → a TAP GREAT is 277.4 (0.0277%): 36 at SSS, 18 at SSS+.
    await _say(
        app,
        line_cmd,
        private_message("分数线 alpha song"),
        SD_MASTER_LINE + "\n\n" + DX_MASTER_LINE,
    )


async def test_line_with_type_difficulty_and_target_words(app: App, catalogue) -> None:
    from plugins.maimai_archive.chat.score_tools import line_cmd

    # SD BASIC: TAP 101 HOLD 10 SLIDE 5 BREAK 10 → base 93000; 99.5% allows 15000 and a TAP
    # GREAT costs 10^8/93000 = 1075.3 → 13 of them; a break GREAT 5376.3 + 600 → 2.
    expected = """Alpha Song［标准］BASIC 3（定数 3.0）
物量 126：TAP 101 HOLD 10 SLIDE 5 绝赞 10
SS+ 99.5000%：可丢 1.5000%，单看一种失误最多
  TAP GREAT 13 个（每个 -0.1075%）
  绝赞 50落 10 个 · 100落 10 个 · GREAT 2 个
换算：绝赞 50落 = 0.23 个 TAP GREAT，100落 = 0.47，GREAT = 5.56"""
    await _say(app, line_cmd, group_message("/line alpha song sd 绿 99.5"), expected)
    await _say(app, line_cmd, group_message("/line alpha song 99.5% bas 标准"), expected)


async def test_line_for_a_difficulty_the_song_lacks_says_so(app: App, catalogue) -> None:
    from plugins.maimai_archive.chat.score_tools import line_cmd

    await _say(
        app,
        line_cmd,
        group_message("/line alpha song 白 sd"),
        "Alpha Song 没有 SD Re:MASTER 谱面。",
    )


LINK_CHOICES = "找到多首，请回复序号：\n1. Link（id131）\n2. Link(CoF)（id383）"
COF_SSSP_LINE = """Link(CoF)［标准］MASTER 12（定数 12.5）
物量 503：TAP 403 HOLD 40 SLIDE 30 绝赞 30
SSS+ 100.5000%：可丢 0.5000%，单看一种失误最多
  TAP GREAT 18 个（每个 -0.0277%）
  绝赞 50落 30 个 · 100落 30 个 · GREAT 3 个
换算：绝赞 50落 = 0.30 个 TAP GREAT，100落 = 0.60，GREAT = 5.72"""


@pytest.mark.parametrize(
    ("text", "answer", "reply"),
    [("/line lin sss+", "2", COF_SSSP_LINE), ("/line lin", "算了", "已取消。")],
    ids=["picked", "cancelled"],
)
async def test_line_with_several_matches_asks_for_a_number(
    app: App, catalogue, text, answer, reply
) -> None:
    from plugins.maimai_archive.chat.score_tools import line_cmd

    async with app.test_matcher(line_cmd) as ctx:
        bot = ctx.create_bot()
        event = group_message(text)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, LINK_CHOICES, result=None)
        ctx.should_rejected(line_cmd)
        pick = group_message(answer)
        ctx.receive_event(bot, pick)
        ctx.should_call_send(pick, reply, result=None)
        ctx.should_finished(line_cmd)


async def test_line_nothing_found_and_usage(app: App, catalogue) -> None:
    from plugins.maimai_archive.chat.score_tools import LINE_USAGE, line_cmd

    await _say(app, line_cmd, group_message("/line qqqqqqqq"), "没有找到「qqqqqqqq」。")
    await _say(app, line_cmd, group_message("/line"), LINE_USAGE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("潘 紫 100.5", ("潘", "master", None, (1_005_000,))),
        ("潘 100.5 紫", ("潘", "master", None, (1_005_000,))),
        ("Link dx sss", ("Link", None, "DX", (1_000_000,))),
        ("834", ("834", None, None, (1_000_000, 1_005_000))),
        ("39 99.5%", ("39", None, None, (995_000,))),
        ("sss", ("sss", None, None, (1_000_000, 1_005_000))),  # the query never empties
        (
            "song 102",
            ("song 102", None, None, (1_000_000, 1_005_000)),
        ),  # over 101%: part of the title
    ],
)
def test_parse_line_args(text, expected) -> None:
    from plugins.maimai_archive.chat.score_tools import parse_line_args

    query, difficulty, type_, targets = parse_line_args(text)
    assert (query, difficulty and difficulty.value, type_ and type_.value, targets) == expected


# --- /raise ---------------------------------------------------------------------------------


async def _bests(qq: str = str(USER)):
    from plugins.maimai_archive.core.db.models import Best, Player

    player = await Player.create(qq=qq, name="玩家", rating=814)
    for key, song_id, type_, ach in (
        ("10001:master", 10001, "DX", 990_000),  # 13.2 → 271; SS+ 995000 → 277 (+6)
        ("1:master", 1, "SD", 975_000),  # 12.7 → 247; S+ 980000 → 252 (+5)
        ("11500:master", 11500, "DX", 1_002_000),  # 13.7, current version → 296; SSS+ → 308 (+12)
        ("100500:utage", 100500, "UTAGE", 1_010_000),  # Utage: never a step
    ):
        await Best.create(
            player=player,
            chart_key=key,
            song_id=song_id,
            title="t",
            type=type_,
            difficulty=key.split(":")[1],
            achievement=ach,
            rank="s",
            updated_at=NOW,
        )
    return player


async def test_raise_shows_the_biggest_gains_first(app: App, db, catalogue, rendered) -> None:
    from plugins.maimai_archive.chat.score_tools import raise_cmd
    from plugins.maimai_archive.core.render.raise_list import raise_figure

    await _bests()
    await _say(app, raise_cmd, private_message("/raise"), MessageSegment.image(TINY))
    (fn, view) = rendered[0]
    assert fn is raise_figure
    assert (view.player.name, view.total, view.old_floor, view.new_floor) == ("玩家", 814, 0, 0)
    got = [
        (
            r.chart.title,
            r.chart.difficulty,
            r.current,
            r.target,
            r.rating,
            r.new_rating,
            r.gain,
            r.in_b50,
        )
        for r in view.rows
    ]
    assert got == [
        ("t", "master", 1_002_000, 1_005_000, 296, 308, 12, True),
        ("t", "master", 990_000, 995_000, 271, 277, 6, True),
        ("t", "master", 975_000, 980_000, 247, 252, 5, True),
    ]
    assert [r.chart.constant for r in view.rows] == [137, 132, 127]


@pytest.mark.parametrize("text", ["推分", "上分"])
async def test_raise_asks_an_unbound_player_to_bind(
    app: App, db, catalogue, rendered, text
) -> None:
    from plugins.maimai_archive.chat.registry import NOT_BOUND
    from plugins.maimai_archive.chat.score_tools import raise_cmd

    await _say(app, raise_cmd, group_message(text), NOT_BOUND)
    assert rendered == []


async def test_raise_without_rated_bests_says_so(app: App, db, catalogue, rendered) -> None:
    from plugins.maimai_archive.chat.score_tools import raise_cmd
    from plugins.maimai_archive.core.db.models import Player

    await Player.create(qq=str(USER), name="新人")
    await _say(
        app,
        raise_cmd,
        group_message("/raise"),
        "存档里还没有能算 Rating 的成绩：先 /sync 同步一次吧。",
    )


async def test_raise_ignores_chat_that_starts_with_its_name(
    app: App, db, catalogue, rendered
) -> None:
    from plugins.maimai_archive.chat.score_tools import raise_cmd

    await _bests()
    async with app.test_matcher(raise_cmd) as ctx:
        bot = ctx.create_bot()
        ctx.receive_event(bot, group_message("上分了好开心"))
        ctx.should_not_pass_rule(raise_cmd)  # a command needs whitespace after its name
    assert rendered == []


def test_raise_image_renders_with_and_without_jackets(tmp_path) -> None:
    from plugins.maimai_archive.core.render.engine import MAX_PNG_BYTES, render_png_sync
    from plugins.maimai_archive.core.render.raise_list import raise_figure
    from plugins.maimai_archive.core.views.play_views import ChartRef, PlayerHeader
    from plugins.maimai_archive.core.views.raise_views import RaiseRow, RaiseView

    jacket = tmp_path / "00001.png"
    jacket.write_bytes(_png("#3366ff", 64))
    rows = (
        RaiseRow(
            ChartRef("ベータ・ステップ！", "DX", "master", "13+", 137, jacket),
            1_002_000,
            1_005_000,
            296,
            308,
            12,
            True,
        ),
        RaiseRow(
            ChartRef("\u3000", "SD", "remaster", "13", 130, None),
            969_999,
            970_000,
            None,
            260,
            3,
            False,
        ),
    )
    for view in (
        RaiseView(PlayerHeader("玩家", 14321), 14321, 280, 300, rows),
        RaiseView(PlayerHeader("玩家"), 0, 0, 0, ()),
    ):
        png = render_png_sync(raise_figure, view)
        assert png.startswith(b"\x89PNG") and len(png) <= MAX_PNG_BYTES
        with Image.open(io.BytesIO(png)) as img:
            assert img.size[0] == 1000 and 200 < img.size[1] < 4000
            darkest, _ = img.convert("L").getextrema()
            assert isinstance(darkest, int) and darkest < 100  # text was drawn
    # The jacket's blue shows in the first row.
    with Image.open(
        io.BytesIO(render_png_sync(raise_figure, RaiseView(PlayerHeader("x"), 0, 0, 0, rows[:1])))
    ) as img:
        pixels = np.asarray(img.convert("RGB")).reshape(-1, 3)
        assert any(p[2] > 200 and p[0] < 80 and p[1] < 120 for p in pixels)


# --- jackets before images ------------------------------------------------------------------


@pytest.fixture
def cover_host(monkeypatch):
    """A cover cache in the bot's data dir that asks a mocked host; the files are removed after."""
    from plugins.maimai_archive.chat.registry import app as core_app
    from plugins.maimai_archive.core.covers import CoverCache

    cache = CoverCache(core_app().config.data_dir / "covers", COVER_HOST + "/{id:05d}.png")
    monkeypatch.setattr(core_app(), "covers", cache)
    with respx.mock(assert_all_called=False) as mock:
        yield mock
    for path in cache.directory.glob("*.png"):
        path.unlink()


async def test_raise_fetches_the_jackets_it_shows(
    app: App, db, catalogue, rendered, cover_host
) -> None:
    from plugins.maimai_archive.chat.score_tools import raise_cmd

    cover_host.get(f"{COVER_HOST}/11500.png").respond(200, content=_png())
    cover_host.get(url__regex=rf"{COVER_HOST}/\d+\.png").respond(404)
    await _bests()
    await _say(app, raise_cmd, private_message("/raise"), MessageSegment.image(TINY))
    jackets = [r.chart.jacket for r in rendered[0][1].rows]
    assert jackets[0] is not None and jackets[0].name == "11500.png" and jackets[0].is_file()
    assert jackets[1:] == [None, None]  # 10001 → 00001 and 00001: both 404, placeholders


async def test_recent_fetches_jackets_before_rendering(
    app: App, db, catalogue, cover_host, monkeypatch
) -> None:
    from plugins.maimai_archive.chat import record_images as views
    from plugins.maimai_archive.core.db.models import Play, Player

    calls = []

    async def fake_pages(fn, view):
        calls.append(view)
        return [TINY]

    from plugins.maimai_archive.chat import request

    monkeypatch.setattr(request, "render_pages", fake_pages)
    route = cover_host.get(f"{COVER_HOST}/10001.png").respond(404)
    base = cover_host.get(f"{COVER_HOST}/00001.png").respond(200, content=_png())
    player = await Player.create(qq=str(USER), name="玩家")
    await Play.create(
        player=player,
        played_unix=1_700_000_000,
        played_at=NOW,
        idx="0,1700000000",
        track=1,
        title="Alpha Song",
        type="DX",
        difficulty="master",
        achievement=1_000_000,
        dx_score=0,
        rank="sss",
        chart_key="10001:master",
        song_id=10001,
    )
    await _say(
        app, views.recent_cmd, private_message("/recent"), Message(MessageSegment.image(TINY))
    )
    (view,) = calls
    assert view.cards[0].chart.jacket.name == "00001.png"
    assert (route.call_count, base.call_count) == (1, 1)
