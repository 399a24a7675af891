# ruff: noqa: F811 - the fixtures imported from test_trackers are pytest arguments here
"""Scores a tracker cannot take: 落雪 refusing a whole request for one score it names, and
charts the song data does not know (sent to no one, counted, never a crash). 落雪 is mocked
with respx answering as the service does (maimai.py issue #60 quotes its message); the
bests come from the real CN record pages through the sync."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
import respx

from plugins.maimai_archive.core.db.models import Best, TrackerLink
from plugins.maimai_archive.core.trackers import lxns
from plugins.maimai_archive.core.trackers import push as push_module
from plugins.maimai_archive.core.trackers import upload as base
from tests.core.test_sync import SavedPages
from tests.core.test_trackers import (
    DF_URL,
    LX,
    LX_URL,
    bodies,
    catalogue,  # noqa: F401
    harness,  # noqa: F401
    linked,
    profile,  # noqa: F401
    told,  # noqa: F401
    trackers,  # noqa: F401
    utage_plays,  # noqa: F401
)

LONG_TITLE = "Retribution ～ Cycle of Redemption ～ " + "＊" * 64  # 100 characters
UNKNOWN_KEY = f"?DX:master:{LONG_TITLE}"


def refusing(ids: set[int]):
    """落雪 that does not know the songs ``ids`` (deleted there): the first such score in a
    request refuses the whole request, as the service does."""

    def answer(request: httpx.Request) -> httpx.Response:
        scores = httpx.Response(200, content=request.content).json()["scores"]
        for s in scores:
            if s["id"] in ids:
                message = (
                    f"invalid score (id: {s['id']}, type: {s['type']}, "
                    f"level_index: {s['level_index']}): song not found"
                )
                return httpx.Response(400, json={"success": False, "code": 400, "message": message})
        return httpx.Response(200, json={"success": True, "code": 200})

    return answer


async def synced(harness, trackers, utage_plays, profile):
    player = await linked(harness, trackers)
    await harness.sync(player, SavedPages(utage_plays, profile))
    return player


def lx_ids(body: dict) -> list[int]:
    return [s["id"] for s in body["scores"]]


def accepting(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"success": True, "code": 200})


async def test_one_refused_score_is_dropped_and_the_rest_resent(
    harness, trackers, utage_plays, profile
) -> None:
    player = await synced(harness, trackers, utage_plays, profile)
    bests = await Best.filter(player=player).count()
    with respx.mock() as mock:
        lx = mock.post(LX_URL)
        lx.side_effect = accepting
        await trackers.push_everything(player.qq, "lxns")
        lost = lx_ids(bodies(lx)[0])[7]  # a song 落雪 has deleted since
        lx.side_effect = refusing({lost})
        [result] = await trackers.push_everything(player.qq, "lxns")
    calls = bodies(lx)[1:]
    assert len(calls) == 2, "one refusal, one resend"
    assert lost in lx_ids(calls[0]) and lost not in lx_ids(calls[1])
    assert len(lx_ids(calls[1])) == len(lx_ids(calls[0])) - 1
    assert (result.status, result.sent) == ("ok", bests - 2)  # less the unknown one
    assert result.skipped == {"unknown": 1, "invalid": 1}
    [row] = await TrackerLink.filter(player=player, service="lxns")
    assert (row.pending, row.pending_all, row.last_error) == ([], False, None)


async def test_after_a_sync_the_refused_chart_is_done_and_not_sent_again(
    harness, trackers, utage_plays, profile
) -> None:
    """The first sync's push (every best) meets a refusal: the other bests arrive, the
    refused chart is not pending, and the next push sends only what is new."""
    player = await linked(harness, trackers)
    with respx.mock(assert_all_called=False) as mock:
        mock.post(DF_URL).mock(return_value=httpx.Response(200, json={"message": "更新成功"}))
        lx = mock.post(LX_URL)
        lx.side_effect = refusing({100700})  # the Utage chart: 落雪 lacks that song
        report = await harness.sync(player, SavedPages(utage_plays, profile))
        await trackers.after_sync(player.id, report.run_id, report.first)
        sent = bodies(lx)
        assert 100700 in lx_ids(sent[0]) and 100700 not in lx_ids(sent[1]) and len(sent) == 2
        [row] = await TrackerLink.filter(player=player, service="lxns")
        assert (row.pending, row.pending_all, row.status) == ([], False, "ok")
        report = await harness.sync(player, SavedPages(utage_plays, profile))
        await trackers.after_sync(player.id, report.run_id, report.first)
        assert len(bodies(lx)) == 2  # nothing new, nothing refused again


async def test_more_refusals_than_one_push_takes_leave_the_rest_for_the_next(
    harness, trackers, utage_plays, profile, monkeypatch
) -> None:
    monkeypatch.setattr(push_module, "MAX_DROPPED", 2)
    player = await synced(harness, trackers, utage_plays, profile)
    with respx.mock() as mock:
        lx = mock.post(LX_URL)
        lx.side_effect = accepting
        await trackers.push_everything(player.qq, "lxns")
        every = lx_ids(bodies(lx)[0])
        lx.side_effect = refusing(set(every[:5]))  # more than one push takes out
        [result] = await trackers.push_everything(player.qq, "lxns")
    assert len(bodies(lx)) == 1 + 3  # refused, resent, resent, then stopped
    assert (result.status, result.sent, result.skipped["invalid"]) == ("more", 0, 2)
    [row] = await TrackerLink.filter(player=player, service="lxns")
    # two taken out, the rest pending by name
    assert (row.pending_all, len(row.pending)) == (False, len(every) - 2)


async def test_pushes_go_on_until_every_refused_score_is_out(
    harness, trackers, utage_plays, profile, monkeypatch
) -> None:
    monkeypatch.setattr(push_module, "MAX_DROPPED", 2)
    player = await synced(harness, trackers, utage_plays, profile)
    with respx.mock() as mock:
        lx = mock.post(LX_URL)
        lx.side_effect = accepting
        await trackers.push_everything(player.qq, "lxns")
        every = lx_ids(bodies(lx)[0])
        lost = set(every[:5])
        lx.side_effect = refusing(lost)
        await TrackerLink.filter(player=player, service="lxns").update(pending_all=True)
        statuses = []
        for _ in range(3):  # what the next syncs do: push what is pending
            await trackers._after_sync(player.id, None, False)
            [row] = await TrackerLink.filter(player=player, service="lxns")
            statuses.append((row.pending_all, len(row.pending), row.last_error))
    assert statuses == [
        (False, len(every) - 2, "TooManyRefused"),
        (False, len(every) - 4, "TooManyRefused"),
        (False, 0, None),
    ]
    last = lx_ids(bodies(lx)[-1])
    assert not lost & set(last) and len(last) == len(every) - 5


async def test_a_refusal_naming_no_score_sent_is_a_refusal_of_the_request(
    harness, trackers, utage_plays, profile
) -> None:
    player = await synced(harness, trackers, utage_plays, profile)
    answer = {
        "success": False,
        "code": 400,
        "message": "invalid score (id: 999999, type: dx, level_index: 3): song not found",
    }
    with respx.mock() as mock:
        lx = mock.post(LX_URL).mock(return_value=httpx.Response(400, json=answer))
        [result] = await trackers.push_everything(player.qq, "lxns")
    assert lx.call_count == 1 and result.status == "rejected" and result.sent == 0


async def test_the_refused_score_is_read_from_the_answer() -> None:
    message = "invalid score (id: 1484, type: dx, level_index: 2): song not found"
    with respx.mock() as mock:
        mock.post(LX + lxns.PATH).mock(
            return_value=httpx.Response(
                400, json={"success": False, "code": 400, "message": message}
            )
        )
        async with httpx.AsyncClient() as http:
            with pytest.raises(base.ScoreRejected) as refused:
                await lxns.send(http, LX, "t0123456789", [])
    assert refused.value.named == {"id": 1484, "type": "dx", "level_index": 2}
    assert refused.value.names({"id": 1484, "type": "dx", "level_index": 2, "fc": None})
    assert not refused.value.names({"id": 1484, "type": "standard", "level_index": 2})


@pytest.mark.parametrize("key", [UNKNOWN_KEY, "?UTAGE:utage:[宴]" + LONG_TITLE, "999999:master"])
async def test_a_chart_the_song_data_lacks_is_skipped_counted_and_never_sent(
    harness, trackers, utage_plays, profile, key
) -> None:
    """Unresolved keys as the archive keeps them (long titles, full-width symbols), and a
    resolved key whose song left the song data: neither service gets them, both count them,
    and the push of the others goes through."""
    player = await synced(harness, trackers, utage_plays, profile)
    type_, difficulty = ("UTAGE", "utage") if "UTAGE" in key else ("DX", "master")
    await Best.create(
        player=player, chart_key=key, title=LONG_TITLE, type=type_, difficulty=difficulty,
        achievement=1_005_000, rank="sssp", updated_at=datetime.now(UTC),
    )  # fmt: skip
    known = await Best.filter(player=player).exclude(chart_key=key).first()
    assert known is not None
    await TrackerLink.filter(player=player).update(pending=[key, known.chart_key])
    with respx.mock() as mock:
        df = mock.post(DF_URL).mock(return_value=httpx.Response(200, json={"message": "更新成功"}))
        lx = mock.post(LX_URL).mock(
            return_value=httpx.Response(200, json={"success": True, "code": 200})
        )
        await trackers._after_sync(player.id, None, False)  # the pending two
        assert len(bodies(df)) == len(bodies(lx)) == 1
        assert len(bodies(df)[0]) == len(bodies(lx)[0]["scores"]) == 1
        assert not re.search("Retribution", str(bodies(df)) + str(bodies(lx)))
        links = await TrackerLink.filter(player=player)
        assert [(r.pending, r.last_error) for r in links] == [([], None), ([], None)]
        results = await trackers.push_everything(player.qq)
    assert [r.status for r in results] == ["ok", "ok"]
    assert all(r.skipped["unknown"] == 2 for r in results)  # this one and the real page's
