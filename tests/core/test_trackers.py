"""Pushing bests to 水鱼 and 落雪: each payload field by field from real archived bests (the
real CN record pages from ../shared through the sync), what is pending when a service is
down, a rejected token, and tokens never in clear. The services are mocked with respx."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace

import httpx
import pytest
import respx
from cryptography.fernet import Fernet

from plugins.maimai_archive.core import redact
from plugins.maimai_archive.core.db.models import Best, TrackerLink
from plugins.maimai_archive.core.pages import parse_profile, parse_record
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue
from plugins.maimai_archive.core.trackers import divingfish, lxns
from plugins.maimai_archive.core.trackers import push as push_module
from plugins.maimai_archive.core.trackers import upload as base
from plugins.maimai_archive.core.trackers.push import TrackerService
from tests.core.test_pages_support import real_page
from tests.core.test_sync import (
    HOME,
    RECORD,
    SONGDB,
    UTAGE_RECORD,
    Harness,
    SavedPages,
    _database_bytes,
)

DF = "https://df.test/"
LX = "https://lx.test/"
DF_URL = DF + "api/maimaidxprober/player/update_records"
LX_URL = LX + "api/v0/user/maimai/player/scores"
DF_TOKEN = "df0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
LX_TOKEN = "KVV1nwdHG5LWl6Gm-5TNqhFukwjVCz4YxzBqgYiUkCM="
MISSING = 593  # "conflict": taken out of the catalogue, so its play stays unresolved


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """The real song data without one song (a chart the services' catalogues lack too)."""
    if not SONGDB.is_file():
        pytest.skip(f"song data not available: {SONGDB} is absent")
    data = json.loads(SONGDB.read_text(encoding="utf-8"))
    songs = data.values() if isinstance(data, dict) else data
    return Catalogue.from_music_data([s for s in songs if int(s["id"]) != MISSING])


@pytest.fixture(scope="module")
def plays():
    return parse_record(real_page(RECORD))


@pytest.fixture(scope="module")
def profile():
    return parse_profile(real_page(HOME))


@pytest.fixture(scope="module")
def utage_plays():
    return parse_record(real_page(UTAGE_RECORD))


class Told(list):
    async def __call__(self, qq: str, text: str) -> None:
        self.append((qq, text))


@pytest.fixture
def told() -> Told:
    return Told()


@pytest.fixture
def harness(db, tmp_path, catalogue) -> Harness:
    return Harness(tmp_path, catalogue)


@pytest.fixture
def trackers(catalogue, told) -> TrackerService:
    return TrackerService(
        SecretBox(Fernet.generate_key()),
        lambda: catalogue,
        {"divingfish": DF, "lxns": LX},
        timeout=2,
        notify=told,
    )


@pytest.fixture
def services():
    with respx.mock(assert_all_called=False) as mock:
        df = mock.post(DF_URL).mock(
            return_value=httpx.Response(
                200, json={"message": "更新成功", "updates": 0, "creates": 1}
            )
        )
        lx = mock.post(LX_URL).mock(
            return_value=httpx.Response(200, json={"success": True, "code": 200})
        )
        yield df, lx


def bodies(route) -> list:
    return [json.loads(call.request.content) for call in route.calls]


async def linked(harness: Harness, trackers: TrackerService):
    player = await harness.player()
    await trackers.link(player.qq, "divingfish", DF_TOKEN)
    await trackers.link(player.qq, "lxns", LX_TOKEN)
    return player


async def test_push_sends_every_best_in_each_services_shape(
    harness, trackers, services, utage_plays, profile
) -> None:
    df, lx = services
    player = await linked(harness, trackers)
    await harness.sync(player, SavedPages(utage_plays, profile))
    results = {r.service: r for r in await trackers.push_everything(player.qq)}
    bests = await Best.filter(player=player).count()

    assert df.call_count == 1 and df.calls[0].request.headers["Import-Token"] == DF_TOKEN
    sent = bodies(df)[0]
    # The song out of the catalogue is no one's: skipped, counted.
    assert results["divingfish"].skipped == {"unknown": 1}
    assert results["divingfish"].sent == len(sent) == bests - 1
    by_title = {(r["title"], r["type"], r["level_index"]): r for r in sent}
    assert by_title[("ナイト・オブ・ナイツ (Cranky Remix)", "DX", 3)] == {
        "title": "ナイト・オブ・ナイツ (Cranky Remix)", "type": "DX", "level_index": 3,
        "achievements": 100.9207, "dxScore": 2306, "fc": "fcp", "fs": "fsp",
    }  # fmt: skip
    # The best of three plays on one chart; no lamp is "" (水鱼's docs).
    assert by_title[("PANDORA PARADOXXX", "SD", 4)] == {
        "title": "PANDORA PARADOXXX", "type": "SD", "level_index": 4,
        "achievements": 0.4836, "dxScore": 20, "fc": "", "fs": "sync",
    }  # fmt: skip
    # Utage: 水鱼's own title and type ("DX"), one chart at level_index 0.
    utage = [r for r in sent if r["title"].startswith("[")]
    assert len(utage) == 2 and {(r["type"], r["level_index"]) for r in utage} == {("DX", 0)}
    assert ("[協]疾走あんさんぶる", "DX", 0) in by_title

    assert lx.call_count == 1 and lx.calls[0].request.headers["X-User-Token"] == LX_TOKEN
    scores = bodies(lx)[0]["scores"]
    assert results["lxns"].skipped == {"unknown": 1} and len(scores) == bests - 1
    by_id = {(s["id"], s["type"], s["level_index"]): s for s in scores}
    # One id for a song's SD and DX charts (水鱼's DX id 11048 − 10000); play time in UTC.
    assert by_id[(1048, "dx", 3)] == {
        "id": 1048, "type": "dx", "level_index": 3, "achievements": 100.9207,
        "fc": "fcp", "fs": "fsp", "dx_score": 2306, "play_time": "2025-11-22T04:53:00Z",
    }  # fmt: skip
    assert (
        by_id[(204, "standard", 4)]["achievements"] == 99.8752
        and by_id[(204, "standard", 4)]["fc"] is None
    )
    # Utage keeps its own id (> 100000) and level_index 0; the time of the play that set it.
    assert by_id[(100700, "utage", 0)] == {
        "id": 100700, "type": "utage", "level_index": 0, "achievements": 99.2658,
        "fc": None, "fs": "sync", "dx_score": 3446, "play_time": "2025-11-22T12:32:00Z",
    }  # fmt: skip


async def test_a_big_archive_goes_in_batches(
    harness, trackers, services, utage_plays, profile, monkeypatch
) -> None:
    df, lx = services
    monkeypatch.setattr(push_module, "BATCH", 10)
    player = await linked(harness, trackers)
    await harness.sync(player, SavedPages(utage_plays, profile))
    await trackers.push_everything(player.qq, "divingfish")
    sizes = [len(b) for b in bodies(df)]
    assert sizes[:-1] == [10] * (len(sizes) - 1) and 0 < sizes[-1] <= 10
    assert len({(r["title"], r["type"], r["level_index"]) for b in bodies(df) for r in b}) == sum(
        sizes
    )
    assert lx.call_count == 0  # only the service asked for


async def test_first_sync_pushes_every_best(harness, trackers, services, plays, profile) -> None:
    df, lx = services
    player = await linked(harness, trackers)
    report = await harness.sync(player, SavedPages(plays, profile))
    await trackers.after_sync(player.id, report.run_id, report.first)
    assert (
        len(bodies(df)[0])
        == len(bodies(lx)[0]["scores"])
        == await Best.filter(player=player).count()
    )
    assert [r.pending_all for r in await TrackerLink.filter(player=player)] == [False, False]


async def test_a_sync_with_new_bests_pushes_only_those_charts(
    harness, trackers, services, plays, profile
) -> None:
    df, lx = services
    player = await harness.player()
    await harness.sync(player, SavedPages(plays[1:], profile))
    await trackers.link(player.qq, "divingfish", DF_TOKEN)
    await trackers.link(player.qq, "lxns", LX_TOKEN)
    better = replace(plays[0], achievement=1_005_000)
    report = await harness.sync(player, SavedPages([better, *plays[1:]], profile))
    assert report.improved == 1
    await trackers.after_sync(player.id, report.run_id, report.first)
    assert bodies(df) == [
        [
            {
                "title": "Re:Unknown X",
                "type": "DX",
                "level_index": 3,
                "achievements": 100.5,
                "dxScore": 3066,
                "fc": "",
                "fs": "sync",
            }
        ]
    ]
    assert [s["id"] for s in bodies(lx)[0]["scores"]] == [1720]
    # a sync with nothing new pushes nothing
    report = await harness.sync(player, SavedPages([better, *plays[1:]], profile))
    await trackers.after_sync(player.id, report.run_id, report.first)
    assert df.call_count == lx.call_count == 1


async def test_a_service_down_keeps_the_charts_for_the_next_sync(
    harness, trackers, services, plays, profile
) -> None:
    df, lx = services
    df.mock(return_value=httpx.Response(503))
    lx.mock(side_effect=httpx.ConnectTimeout("timed out"))
    player = await harness.player()
    await harness.sync(player, SavedPages(plays[1:], profile))
    await linked_again(trackers, player)
    report = await harness.sync(
        player, SavedPages([replace(plays[0], achievement=1_005_000), *plays[1:]], profile)
    )
    await trackers.after_sync(player.id, report.run_id, report.first)  # never raises
    links = await TrackerLink.filter(player=player).order_by("service")
    assert [(r.status, r.pending) for r in links] == [
        ("ok", ["11720:master"]),
        ("ok", ["11720:master"]),
    ]
    # Back up: the next sync (nothing new) sends what was pending, then nothing is.
    df.mock(return_value=httpx.Response(200, json={"message": "更新成功"}))
    lx.mock(return_value=httpx.Response(200, json={"success": True, "code": 200}))
    report = await harness.sync(
        player, SavedPages([replace(plays[0], achievement=1_005_000), *plays[1:]], profile)
    )
    await trackers.after_sync(player.id, report.run_id, report.first)
    assert bodies(df)[-1][0]["achievements"] == 100.5 and bodies(lx)[-1]["scores"][0]["id"] == 1720
    assert [r.pending for r in await TrackerLink.filter(player=player)] == [[], []]


async def linked_again(trackers: TrackerService, player) -> None:
    await trackers.link(player.qq, "divingfish", DF_TOKEN)
    await trackers.link(player.qq, "lxns", LX_TOKEN)


async def test_a_rejected_token_is_marked_invalid_and_told_once(
    harness, trackers, services, told, plays, profile
) -> None:
    df, lx = services
    df.mock(return_value=httpx.Response(400, json={"status": "error", "message": "导入token有误"}))
    lx.mock(
        return_value=httpx.Response(
            401, json={"success": False, "code": 401, "message": "invalid token"}
        )
    )
    player = await harness.player()
    await harness.sync(player, SavedPages(plays[2:], profile))
    await linked_again(trackers, player)
    s2 = [replace(plays[1], achievement=1_005_000), *plays[2:]]
    plays = [replace(plays[0], achievement=1_005_000), *s2]
    for sync_plays in (s2, plays):  # two syncs, one new best each
        report = await harness.sync(player, SavedPages(sync_plays, profile))
        assert report.improved == 1
        await trackers.after_sync(player.id, report.run_id, report.first)
    assert df.call_count == lx.call_count == 1  # an invalid token is not tried again
    assert sorted(text.split("，")[0] for _, text in told) == [
        "水鱼拒绝了你关联的 Token（可能已重新生成或被删除）",
        "落雪拒绝了你关联的 Token（可能已重新生成或被删除）",
    ]
    assert all(qq == player.qq and "/link" in text for qq, text in told)
    links = await TrackerLink.filter(player=player)
    assert [(r.status, len(r.pending)) for r in links] == [("invalid", 2), ("invalid", 2)]
    # A new token: the next sync sends everything that piled up.
    df.mock(return_value=httpx.Response(200, json={"message": "更新成功"}))
    lx.mock(return_value=httpx.Response(200, json={"success": True, "code": 200}))
    await linked_again(trackers, player)
    report = await harness.sync(player, SavedPages(plays, profile))
    await trackers.after_sync(player.id, report.run_id, report.first)
    assert len(bodies(df)[-1]) == len(bodies(lx)[-1]["scores"]) == 2
    assert len(told) == 2


CHALLENGE = "<html><title>Just a moment...</title></html>"  # what a WAF/CDN answers


@pytest.mark.parametrize(("module", "status", "answer", "kind"), [
    (divingfish, 400, {"message": "导入token有误"}, base.TokenRejected),
    (divingfish, 401, {"message": "unauthorized"}, base.TokenRejected),
    (divingfish, 403, CHALLENGE, base.TrackerDown),
    (divingfish, 403, {"message": "forbidden"}, base.TrackerDown),
    (divingfish, 404, CHALLENGE, base.TrackerDown),
    (divingfish, 400, {"message": "bad records"}, base.PayloadRejected),
    (lxns, 401, {"success": False, "code": 401, "message": "invalid token"}, base.TokenRejected),
    (lxns, 200, {"success": False, "code": 401, "message": "invalid token"}, base.TokenRejected),
    (lxns, 403, CHALLENGE, base.TrackerDown),
    (lxns, 200, {"success": False, "code": 403, "message": "privacy"}, base.TrackerDown),
    (lxns, 400, {"success": False, "code": 400, "message": "bad scores"}, base.PayloadRejected),
])  # fmt: skip
async def test_only_a_refusal_of_the_token_rejects_it(module, status, answer, kind) -> None:
    url = DF if module is divingfish else LX
    response = (
        httpx.Response(status, json=answer)
        if isinstance(answer, dict)
        else httpx.Response(status, text=answer, headers={"content-type": "text/html"})
    )
    with respx.mock() as mock:
        mock.post(url + module.PATH).mock(return_value=response)
        async with httpx.AsyncClient() as http:
            with pytest.raises(kind):
                await module.send(http, url, "t0123456789", [])


async def test_a_challenge_page_keeps_the_link_and_a_push_that_goes_through_revives_it(
    harness, trackers, services, told, plays, profile
) -> None:
    df, lx = services
    df.mock(return_value=httpx.Response(403, text=CHALLENGE))
    lx.mock(return_value=httpx.Response(403, text=CHALLENGE))
    player = await linked(harness, trackers)
    report = await harness.sync(player, SavedPages(plays[1:], profile))
    await trackers.after_sync(player.id, report.run_id, report.first)
    links = await TrackerLink.filter(player=player).order_by("service")
    assert [(r.status, r.pending_all) for r in links] == [("ok", True), ("ok", True)] and told == []
    # A link marked invalid by an earlier refusal: a /push the service takes makes it ok again.
    await TrackerLink.filter(player=player).update(status="invalid", invalid_told=True)
    df.mock(return_value=httpx.Response(200, json={"message": "更新成功"}))
    lx.mock(return_value=httpx.Response(200, json={"success": True, "code": 200}))
    assert [r.status for r in await trackers.push_everything(player.qq)] == ["ok", "ok"]
    links = await TrackerLink.filter(player=player).order_by("service")
    assert [(r.status, r.invalid_told, r.pending_all) for r in links] == [("ok", False, False)] * 2
    # …so the next sync's new best goes out by itself again.
    calls = df.call_count, lx.call_count
    report = await harness.sync(
        player, SavedPages([replace(plays[0], achievement=1_005_000), *plays[1:]], profile)
    )
    await trackers.after_sync(player.id, report.run_id, report.first)
    assert (df.call_count, lx.call_count) == (calls[0] + 1, calls[1] + 1)


async def test_tokens_are_sealed_at_rest_masked_in_listings_and_never_logged(
    harness, trackers, services, plays, profile, caplog
) -> None:
    player = await linked(harness, trackers)
    caplog.set_level(logging.DEBUG)
    report = await harness.sync(player, SavedPages(plays, profile))
    await trackers.after_sync(player.id, report.run_id, report.first)
    assert [(i.label, i.masked) for i in await trackers.links(player.qq)] == [
        ("水鱼", "…abcd"),
        ("落雪", "…kCM="),
    ]
    for row in await TrackerLink.filter(player=player):
        assert DF_TOKEN not in row.token and LX_TOKEN not in row.token
    assert DF_TOKEN not in caplog.text and LX_TOKEN not in caplog.text
    url = os.environ["MAIMAI_DB_URL"]
    if url.startswith("sqlite://"):
        data = _database_bytes(url.removeprefix("sqlite://"))
        assert DF_TOKEN.encode() not in data and LX_TOKEN.encode() not in data


def test_link_commands_and_token_headers_are_redacted() -> None:
    for line in (
        f"/link 水鱼 {DF_TOKEN}",
        f"关联 落雪 {LX_TOKEN}",
        f"Import-Token: {DF_TOKEN}",
        f'{{"X-User-Token": "{LX_TOKEN}"}}',
    ):
        out = redact.redact(line)
        assert DF_TOKEN not in out and LX_TOKEN not in out and "***" in out, out
    assert redact.redact("/unlink 水鱼") == "/unlink 水鱼"


async def test_bad_tokens_are_refused_and_unlink_forgets(harness, trackers) -> None:
    player = await harness.player()
    with pytest.raises(push_module.LinkError):
        await trackers.link(player.qq, "divingfish", "短")
    with pytest.raises(push_module.LinkError):
        await trackers.link(player.qq, "lxns", "two words here")
    assert await trackers.links(player.qq) == []
    await trackers.link(player.qq, "lxns", LX_TOKEN)
    assert await trackers.unlink(player.qq, "lxns") and not await trackers.unlink(player.qq, "lxns")
    assert await TrackerLink.filter(player=player).count() == 0


def test_record_page_has_what_the_tests_rely_on() -> None:
    # The improved chart above is the newest play on the real page.
    assert parse_record(real_page(RECORD))[0].title == "Re:Unknown X"
