"""/sync turn by turn against the real CN pages (respx), the whole core underneath."""

from __future__ import annotations

import httpx
import pytest
import respx
from nonebug import App

from tests.conftest import FIXTURES, REAL_HTML

from .helpers import USER, group_message, onebot

BASE = "https://maimai.wahlap.com/maimai-mobile/"
RECORD = REAL_HTML / "TrueRou__maimai.py__tests__sample_data__record.html"
HOME = REAL_HTML / "Uc207Pr4f57t9-251__mainetcn__data__debug_response.html"
SCORES = (
    REAL_HTML
    / "minty99__maimai-bot__crates__maimai-parsers__examples__maimai__scores__diff4_remaster.html"
)
DETAIL = FIXTURES / "synthetic" / "playlog_detail_dx.html"
ALBUM = FIXTURES / "synthetic" / "photos_album.html"


class Contains:
    def __init__(self, *parts: str) -> None:
        self.parts = parts
        self.seen = ""

    def __eq__(self, other: object) -> bool:
        self.seen = str(other)
        return all(p in self.seen for p in self.parts)

    def __repr__(self) -> str:
        return f"Contains{self.parts} (saw {self.seen!r})"


def _jpeg() -> bytes:
    """A real (tiny) JPEG: photos are checked from their header before they are kept."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def site():
    for page in (RECORD, HOME, SCORES):
        if not page.is_file():
            pytest.skip(f"real pages not available: {page} is absent")
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        mock.get("record/").mock(
            return_value=httpx.Response(200, text=RECORD.read_text(encoding="utf-8"))
        )
        mock.get("record/playlogDetail/").mock(
            return_value=httpx.Response(200, text=DETAIL.read_text(encoding="utf-8"))
        )
        mock.get("home/").mock(
            return_value=httpx.Response(200, text=HOME.read_text(encoding="utf-8"))
        )
        mock.get("record/musicGenre/search/").mock(
            return_value=httpx.Response(200, text=SCORES.read_text(encoding="utf-8"))
        )
        mock.get("playerData/photo/").mock(
            return_value=httpx.Response(200, text=ALBUM.read_text(encoding="utf-8"))
        )
        mock.get(url__regex=r".*/img/.*").mock(
            return_value=httpx.Response(
                200, content=_jpeg(), headers={"content-type": "image/jpeg"}
            )
        )
        yield mock


async def _bound():
    from plugins.maimai_archive.chat.registry import app as get_app
    from plugins.maimai_archive.core.db.models import Player

    player = await Player.create(qq=str(USER))
    store = get_app().store
    assert store is not None
    await store.save(player, {"userId": "1234567890123", "_t": "0123456789abcdef"})
    return player


async def _say(app: App, text: str, reply) -> None:
    from plugins.maimai_archive.chat.sync import sync

    async with app.test_matcher(sync) as ctx:
        bot = onebot(ctx)
        event = group_message(text)
        ctx.receive_event(bot, event)
        ctx.should_call_send(event, reply, result=None)
        ctx.should_finished(sync)


async def test_sync_unbound_tells_how_to_bind(app: App, db) -> None:
    from plugins.maimai_archive.chat.registry import NOT_BOUND

    await _say(app, "/sync", NOT_BOUND)


async def test_first_sync_then_a_no_change_sync(app: App, db, site) -> None:
    from plugins.maimai_archive.core.db.models import Photo, Play

    player = await _bound()
    await _say(app, "/sync", Contains("首次同步完成：存档 50 次游玩", "DX Rating 14374", "张照片"))
    assert await Play.filter(player=player).count() == 50
    assert site.routes[1].call_count == 50  # one detail per play
    photos = await Photo.filter(player=player)
    assert photos and all(p.path for p in photos)  # downloaded into data/photos
    record_calls = site.routes[0].call_count
    others = sum(r.call_count for r in site.routes) - record_calls

    await _say(app, "同步", Contains("没有新成绩（共存档 50 次游玩）"))
    assert site.routes[0].call_count == record_calls + 1
    assert (
        sum(r.call_count for r in site.routes) - site.routes[0].call_count == others
    )  # nothing else fetched


async def test_expired_session_says_bind_again(app: App, db, site) -> None:
    from plugins.maimai_archive.core.db.models import Binding

    site.routes[0].mock(return_value=httpx.Response(302, headers={"Location": BASE + "error/"}))
    player = await _bound()
    await _say(app, "/sync", Contains("登录已过期", "/bind"))
    assert (await Binding.get(player=player)).status == "expired"
    await _say(app, "/sync", Contains("登录已过期"))  # no request with a dead session
    assert site.routes[0].call_count == 1


async def test_rate_limit_says_try_later(app: App, db, site, monkeypatch) -> None:
    site.routes[0].mock(return_value=httpx.Response(567))
    await _bound()
    import functools

    from plugins.maimai_archive.core import app as core_app
    from plugins.maimai_archive.core.client import MaimaiClient

    async def no_wait(_):
        return None

    # the client's backoff, without the waiting
    monkeypatch.setattr(core_app, "MaimaiClient", functools.partial(MaimaiClient, sleep=no_wait))
    await _say(app, "/sync", Contains("同步没有完成", "限制了访问频率", "已有存档不受影响"))
    assert site.routes[0].call_count == 4  # one try and three retries, then a clear reply


CHANGED_DETAIL = (
    DETAIL.read_text(encoding="utf-8").replace("playlog_notes_detail", "playlog_judge_detail")
    if DETAIL.is_file()
    else ""
)
CHANGED_ALBUM = (
    ALBUM.read_text(encoding="utf-8").replace("see_through_block", "album_block")
    if ALBUM.is_file()
    else ""
)
COOKIES = {"userId": "1234567890123", "_t": "0123456789abcdef"}


async def test_changed_detail_and_album_pages_the_sync_is_done_and_says_so(
    app: App, db, site
) -> None:
    from plugins.maimai_archive.chat.registry import app as get_app
    from plugins.maimai_archive.core.db.models import Play

    site.routes[1].mock(return_value=httpx.Response(200, text=CHANGED_DETAIL))
    site.routes[4].mock(
        return_value=httpx.Response(
            200, text=CHANGED_ALBUM, headers={"set-cookie": "_t=rot4ted5ess10n; Path=/"}
        )
    )
    player = await _bound()
    await _say(
        app,
        "/sync",
        Contains(
            "首次同步完成：存档 50 次游玩",
            "3 次游玩的详情页暂时读不到，已保存页面供管理员排查",
            "相册页面暂时读不到，已保存页面供管理员排查",
        ),
    )
    assert await Play.filter(player=player).count() == 50
    copies = list((get_app().config.data_dir / "pages").glob("*.html"))
    assert {c.name.split("-")[0] for c in copies} == {"detail", "album"}
    for copy in copies:
        text = copy.read_text(encoding="utf-8")
        assert all(v not in text for v in [*COOKIES.values(), "rot4ted5ess10n"])

    before = sum(r.call_count for r in site.routes)
    await _say(app, "/sync", Contains("没有新成绩", "详情页暂时读不到", "相册页面暂时读不到"))
    assert sum(r.call_count for r in site.routes) - before <= 5  # record/ + one probe of each


async def test_four_full_syncs_read_the_score_lists_once(app: App, db, site) -> None:
    await _bound()
    await _say(app, "/sync full", Contains("首次同步完成"))
    lists = site.routes[3].call_count
    assert lists == 6
    for _ in range(3):
        await _say(app, "/sync full", Contains("分钟内已完整同步过，这次按普通同步进行"))
    assert site.routes[3].call_count == lists


def test_a_first_sync_names_what_the_score_lists_added_beyond_the_plays() -> None:
    from plugins.maimai_archive.chat.sync import summary
    from plugins.maimai_archive.core import SyncReport, SyncStatus

    report = SyncReport(SyncStatus.OK, 1, first=True, new_plays=50, imported_bests=2)
    assert summary(report, 50).startswith(
        "首次同步完成：存档 50 次游玩，另从成绩单补入 2 项更早的最佳成绩。"
    )
    report.imported_bests = 0  # every best came with a recent play: no "imported 0"
    assert summary(report, 50).startswith("首次同步完成：存档 50 次游玩。")
