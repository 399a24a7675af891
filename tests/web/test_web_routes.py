"""The /web app through httpx on the SYNTHETIC fixture archive (tests/archive_fixture.py: 12
plays, hand-counted): tokens resolve to one player or 404 with nothing, every response carries
the security headers, the every-play page pages, filters and sorts on the server."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from plugins.maimai_archive.core.guards import RateLimit
from plugins.maimai_archive.core.queries.plays import QueryContext
from plugins.maimai_archive.core.web.play_listing import PlayFilter, play_page
from plugins.maimai_archive.core.web.server import build_web_app
from plugins.maimai_archive.core.web.web_links import end_links, issue_link
from tests import archive_fixture as fx

pytestmark = pytest.mark.db


@pytest.fixture
def archive(tmp_path) -> QueryContext:
    covers = tmp_path / "covers"
    covers.mkdir()
    (covers / "11001.png").write_bytes(b"\x89PNG jacket")
    (tmp_path / "secret.txt").write_text("not a photo")
    return QueryContext(fx.catalogue(), covers=covers, data_dir=tmp_path)


def client(archive: QueryContext, rate: int = 0) -> httpx.AsyncClient:
    """The app mounted at /web, as the bot mounts it."""
    web = build_web_app(lambda: archive, RateLimit(rate, 60))
    app = Starlette(routes=[Mount("/web", web)])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot/web")


def rows(html: str) -> list[str]:
    """The every-play table's rows (one per play)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr>.*?</tr>", body)


def assert_guarded(r: httpx.Response) -> None:
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'none'" in csp and "unsafe" not in csp
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "private" in r.headers["cache-control"]


async def test_overview_shows_the_player_and_counts(db, archive):
    player = await fx.build()
    token = await issue_link(player, 7)
    async with client(archive) as c:
        r = await c.get(f"/{token}/")
    assert r.status_code == 200
    assert_guarded(r)
    assert "<h1>玩家</h1>" in r.text
    # 12 plays on 4 days (11-20, 11-22, 11-23, 11-24); 5 credits (1 + 2 + 1 + 1: a visit's
    # first play and each track reset).
    facts = dict(re.findall(r"<b>(.*?)</b><span>(.*?)</span>", r.text))
    assert facts == {"14020": "Rating", "12": "游玩", "4": "出勤天数", "5": "PC 数"}
    assert "<polyline" in r.text and "最近一次出勤" in r.text
    assert "<script" not in r.text and " style=" not in r.text


async def test_the_overview_counts_credits_as_today_does(db, archive):
    from plugins.maimai_archive.core.db.models import Play
    from plugins.maimai_archive.core.queries.visits import visit_views

    player = await fx.build()
    # Track 1 of two credits pushed off the record page before a sync: 11-20 12:00 (the visit
    # starts on track 2) and 11-22 13:40 (tracks 1 2 3 4 · 2). Still 5 credits, 3 on track 1.
    for when in (fx.at(11, 20, 12, 0), fx.at(11, 22, 13, 40)):
        await Play.filter(player=player, played_unix=int(when.timestamp())).delete()
    days = [datetime(2025, 11, d).date() for d in (20, 22, 23)]
    today = [v.credits for d in days for v in await visit_views(player, archive, d)]
    assert today == [1, 2, 1, 1]
    token = await issue_link(player, 7)
    async with client(archive) as c:
        r = await c.get(f"/{token}/")
    facts = {label: value for value, label in re.findall(r"<b>(.*?)</b><span>(.*?)</span>", r.text)}
    assert facts["PC 数"] == "5"


async def test_every_play_is_on_the_pages(db, archive):
    player = await fx.build()
    seen = []
    for page in (1, 2, 3):
        shown = await play_page(player, archive, PlayFilter(page=page), page_size=5)
        assert (shown.total, shown.pages, shown.page) == (12, 3, page)
        seen += [s.play.played_unix for s in shown.rows]
    assert seen == sorted((int(p[0].timestamp()) for p in fx.PLAYS), reverse=True)


async def test_filters_narrow_the_table(db, archive):
    player = await fx.build()
    token = await issue_link(player, 7)
    async with client(archive) as c:
        every = await c.get(f"/{token}/plays")
        assert len(rows(every.text)) == 12 and "共 <b>12</b> 条" in every.text
        # The /chart search: "New X" is song 11001, played 3 times.
        by_title = await c.get(f"/{token}/plays", params={"title": "New X"})
        assert len(rows(by_title.text)) == 3
        assert all("New X" in row for row in rows(by_title.text))
        masters = await c.get(f"/{token}/plays", params={"difficulty": "master"})
        assert len(rows(masters.text)) == 7  # Mid Z, New X ×3, Old A, Old C, New Y
        fc = await c.get(f"/{token}/plays", params={"fc": "fc"})
        assert len(rows(fc.text)) == 2  # 17 expert, 11001 master on 11-22
        day = await c.get(f"/{token}/plays", params={"since": "2025-11-22", "until": "2025-11-22"})
        assert len(rows(day.text)) == 8
        none = await c.get(f"/{token}/plays", params={"title": "zzzz-nothing"})
        assert rows(none.text) == [] and "没有符合条件的游玩" in none.text


async def test_sorts_by_achievement_and_rating(db, archive):
    player = await fx.build()
    by_ach = await play_page(player, archive, PlayFilter(sort="achievement"))
    achievements = [s.play.achievement for s in by_ach.rows]
    assert achievements == sorted(achievements, reverse=True) and achievements[0] == 1_003_000
    by_rating = await play_page(player, archive, PlayFilter(sort="rating"))
    ratings = [s.rating or 0 for s in by_rating.rows]
    assert ratings == sorted(ratings, reverse=True) and len(ratings) == 12
    # New X master (14.0) at 100.3% outranks everything else.
    assert by_rating.rows[0].play.chart_key == "11001:master"


async def test_wrong_expired_and_ended_tokens_are_404_with_no_data(db, archive):
    player = await fx.build()
    token = await issue_link(player, 7)
    old = await issue_link(player, 7, now=datetime.now(UTC) - timedelta(days=8))
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    async with client(archive) as c:
        assert (await c.get(f"/{token}/plays")).status_code == 200
        for bad in (changed, old, "x", token + "x"):
            for path in ("/", "/plays", "/b50", "/export.csv", "/jacket/11001.png"):
                r = await c.get(f"/{bad}{path}")
                assert r.status_code == 404, (bad, path)
                assert_guarded(r)
                assert "玩家" not in r.text and "New X" not in r.text
        assert await end_links(player) == 2
        r = await c.get(f"/{token}/plays")
        assert r.status_code == 404 and "New X" not in r.text


async def test_a_token_opens_only_its_own_player(db, archive):
    player = await fx.build()
    from plugins.maimai_archive.core.db.models import Photo, Play, Player

    other = await Player.create(qq="99", name="别人")
    token = await issue_link(other, 7)
    play = await Play.filter(player=player).first()
    photo = await Photo.filter(player=player, path__not_isnull=True).first()
    assert play is not None and photo is not None
    async with client(archive) as c:
        assert (await c.get(f"/{token}/play/{play.id}")).status_code == 404
        assert (await c.get(f"/{token}/photo/{photo.id}")).status_code == 404
        assert (await c.get(f"/{token}/chart", params={"key": "11001:master"})).status_code == 404
        listing = await c.get(f"/{token}/plays")
        assert "共 <b>0</b> 条" in listing.text and "New X" not in listing.text


async def test_files_stay_inside_their_folders(db, archive):
    player = await fx.build()
    from plugins.maimai_archive.core.db.models import Photo

    token = await issue_link(player, 7)
    evil = await Photo.create(player=player, url="u9", path="../../etc/passwd")
    async with client(archive) as c:
        jacket = await c.get(f"/{token}/jacket/11001.png")
        assert jacket.status_code == 200 and jacket.content == b"\x89PNG jacket"
        assert "private" in jacket.headers["cache-control"]
        for name in ("..%2Fsecret.txt", "11002.png", "secret.txt"):
            assert (await c.get(f"/{token}/jacket/{name}")).status_code == 404
        assert (await c.get(f"/{token}/photo/{evil.id}")).status_code == 404


async def test_every_page_answers(db, archive):
    player = await fx.build()
    from plugins.maimai_archive.core.db.models import Best, Play

    # A best of a chart the song data does not know: the B50 page says it is left out.
    await Best.create(player=player, chart_key="?DX:master:未收录", title="未收录", type="DX",
                      difficulty="master", achievement=1_000_000, rank="sss",
                      updated_at=fx.at(11, 22, 13))  # fmt: skip
    token = await issue_link(player, 7)
    detailed = await Play.get(player=player, played_unix=int(fx.at(11, 20, 12, 5).timestamp()))
    async with client(archive) as c:
        play = await c.get(f"/{token}/play/{detailed.id}")
        assert play.status_code == 200 and "判定" in play.text and "96.0000%" in play.text
        chart = await c.get(f"/{token}/chart", params={"key": "11001:master"})
        assert chart.status_code == 200 and chart.text.count('href="/web/') > 3
        assert "第一次达成" in chart.text and "100.3000%" in chart.text
        b50 = await c.get(f"/{token}/b50")
        assert b50.status_code == 200 and "新版本 15" in b50.text
        assert "1 项成绩的谱面曲库暂未收录，未计入 B50" in b50.text
        then = await c.get(f"/{token}/b50", params={"date": "2025-11-20"})
        assert then.status_code == 200 and "2025-11-20" in then.text
        plate = await c.get(f"/{token}/plate", params={"name": "舞将"})
        assert plate.status_code == 200 and "已完成" in plate.text
        cal = await c.get(f"/{token}/calendar", params={"year": "2025"})
        assert cal.status_code == 200 and "4 天出勤，12 次游玩" in cal.text
        album = await c.get(f"/{token}/album")
        assert album.status_code == 200 and album.text.count("<figure>") == 4
        export = await c.get(f"/{token}/export.jsonl")
        assert export.status_code == 200 and len(export.text.splitlines()) == 12
        assert "attachment" in export.headers["content-disposition"]
        assert (await c.get(f"/{token}/export.exe")).status_code == 404


async def test_every_value_is_escaped(db, archive):
    from plugins.maimai_archive.core.db.models import Player

    player = await Player.create(qq="7", name='<script>alert("x")</script>')
    token = await issue_link(player, 7)
    async with client(archive) as c:
        r = await c.get(f"/{token}/plays", params={"title": '"><img src=x>'})
    assert "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    assert "<img src=x>" not in r.text


async def test_the_per_address_limit_answers_429(db, archive):
    async with client(archive, rate=3) as c:
        codes = [(await c.get("/nothing-here/")).status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
        r = await c.get("/static/web.css")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert_guarded(r)


async def test_the_stylesheet_ships_in_the_package(db, archive):
    async with client(archive) as c:
        r = await c.get("/static/web.css")
    assert r.status_code == 200 and "overflow-x" in r.text


def test_tokens_never_reach_a_log():
    from plugins.maimai_archive.core.redact import redact

    line = '127.0.0.1:5 - "GET /web/AbCdEfGhIjKlMnOpQrStUvWxYz012345/plays HTTP/1.1" 200'
    assert redact(line) == '127.0.0.1:5 - "GET /web/***/plays HTTP/1.1" 200'
    assert redact("/web/static/web.css") == "/web/static/web.css"


async def test_the_databases_credit_count_is_the_visit_rule(db):
    # The overview counts in SQL (LAG over the plays), /today in Python: one rule, two places
    # it runs; 400 SYNTHETIC plays with gaps around VISIT_GAP and tracks that reset or not.
    import random

    from plugins.maimai_archive.core.db.models import Play, Player
    from plugins.maimai_archive.core.queries.visits import VISIT_GAP, count_credits
    from plugins.maimai_archive.core.web import stats

    rng = random.Random(7)
    player = await Player.create(qq="credits")
    unix, rows = 1_760_000_000, []
    for _ in range(400):
        unix += rng.choice([60, 240, VISIT_GAP - 1, VISIT_GAP, VISIT_GAP + 1, 86_400])
        rows.append((unix, rng.randint(1, 4)))
    await Play.bulk_create(
        Play(
            player=player, played_unix=u, played_at=datetime.fromtimestamp(u, UTC), idx=f"0,{u}",
            track=t, title="x", type="DX", difficulty="basic", achievement=0, dx_score=0,
            rank="d", chart_key="?DX:basic:x",
        )
        for u, t in rows
    )  # fmt: skip
    assert await stats.credits(player) == count_credits(rows) > 100
