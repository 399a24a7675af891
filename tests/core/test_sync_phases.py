# ruff: noqa: F811 - the fixtures imported from test_sync are pytest arguments here
"""Sync phases: record/ is required, everything else optional; evidence; full-sync cooldown.

Promises, each over saved pages (tests/core/test_sync.py's harness): an unreadable optional
page is skipped, kept (redacted) and reported, the sync is done, and the next sync probes it
once without going back onto the first-sync path.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from plugins.maimai_archive.core.archiving.evidence import MASK, PageKeeper, redact_page
from plugins.maimai_archive.core.archiving.sync import Phase, SyncService, SyncStatus
from plugins.maimai_archive.core.client import MaimaiClient
from plugins.maimai_archive.core.db.models import Play, PlayDetail, Player, SyncRun
from plugins.maimai_archive.core.errors import LeaseLost, PageChanged, PageMissing
from tests.core.test_sync import (  # noqa: F401 - fixtures
    COOKIES,
    SavedPages,
    catalogue,
    harness,
    real_plays,
    real_profile,
)

# What a changed page looks like to the sync: the client attaches the page text.
CHANGED_PAGE = (
    '<html><head><title>舞萌DX</title></head><body><div class="new_layout">'
    '<form action="x"><input type="hidden" name="idx" value="3,1763905200"/>'
    '<input type="hidden" name="token" value="f00dcafe1234"/></form>'
    "<p>userId={user} _t={t}</p></div></body></html>"
)


def changed(page: str, jar: dict[str, str]) -> PageChanged:
    error = PageChanged(page, "a block that moved")
    error.body = CHANGED_PAGE.format(user=jar["userId"], t=jar["_t"])
    return error


class ChangedPages(SavedPages):
    """The detail and album pages changed; everything else as before."""

    def __init__(self, *a, broken=("detail", "photos"), **kw) -> None:
        super().__init__(*a, **kw)
        self.broken = broken

    async def play_detail(self, idx: str):
        if "detail" not in self.broken:
            return await super().play_detail(idx)
        await self._respond(f"detail:{idx}")
        raise changed("detail", self.jar)

    async def photos(self) -> list:
        if "photos" not in self.broken:
            return await super().photos()
        await self._respond("photos")
        raise changed("photos", self.jar)


async def test_changed_detail_and_album_keep_every_play_and_the_sync_is_done(
    harness, real_plays, real_profile, tmp_path
):
    player = await harness.player()
    source = ChangedPages(real_plays, real_profile)
    report = await harness.sync(player, source)
    assert report.status is SyncStatus.OK and report.first
    assert await Play.filter(player=player).count() == 50
    assert {s.phase for s in report.skipped} == {Phase.DETAIL, Phase.ALBUM}
    assert all(s.saved is not None and s.saved.is_file() for s in report.skipped)
    assert (await SyncRun.get(id=report.run_id)).skipped == ["detail", "album"]

    # the next sync with nothing new: record/, one probe of each broken page, no home, no lists
    again = ChangedPages(real_plays, real_profile)
    report = await harness.sync(player, again)
    assert report.ok and not report.first and report.requests <= 5
    assert again.fetched == ["record", f"detail:{real_plays[-1].idx}", "photos"]

    # the site is fixed: the details owed are read, the owed album too; nothing owed after
    fixed = SavedPages(real_plays, real_profile)
    report = await harness.sync(player, fixed)
    assert report.ok and report.new_details == 50 and not report.skipped
    assert "photos" in fixed.fetched and "home" not in fixed.fetched
    assert await PlayDetail.filter(play__player=player).count() == 50
    final = SavedPages(real_plays, real_profile)
    await harness.sync(player, final)
    assert final.fetched == ["record"]


async def test_saved_page_copy_holds_no_cookie_value_and_no_hidden_token(
    harness, real_plays, real_profile, tmp_path
):
    player = await harness.player()
    report = await harness.sync(player, ChangedPages(real_plays[:3], real_profile))
    copies = sorted((tmp_path / "pages").glob("*.html"))
    assert {c.name.split("-")[0] for c in copies} == {"detail", "album"}
    for copy in copies:
        text = copy.read_text(encoding="utf-8")
        assert "new_layout" in text and 'value="3,1763905200"' in text  # the page, idx kept
        for value in [*COOKIES.values(), "rotated0001", "rotated0002", "f00dcafe1234"]:
            assert value not in text, (copy.name, value)
    assert report.ok


def test_redaction_masks_every_form_of_a_secret_and_hidden_tokens_but_idx():
    page = (
        '<input type="HIDDEN" name="csrf" value="a&amp;b"/><input type="hidden" name="idx" value="1,2"/>'
        '<a href="?u=se%2Fcret">se/cret</a> <i>se/cret</i> value="x"'
    )
    out = redact_page(page, ["se/cret", "", "1"])
    assert "se/cret" not in out and "se%2Fcret" not in out and "a&amp;b" not in out
    assert 'value="1,2"' in out and 'value="x"' in out  # idx and non-hidden values stay, "1" too


def test_only_the_newest_twenty_copies_of_a_page_kind_stay(tmp_path):
    t = [datetime(2026, 1, 1, tzinfo=UTC)]

    def clock() -> datetime:
        t[0] += timedelta(seconds=1)
        return t[0]

    keeper = PageKeeper(tmp_path, clock=clock)
    for i in range(25):
        keeper.save("detail", f"<html>{i}</html>", [])
    keeper.save("album", "<html>a</html>", [])
    details = sorted(tmp_path.glob("detail-*.html"))
    assert len(details) == 20 and details[-1].read_text() == "<html>24</html>"
    assert len(list(tmp_path.glob("album-*.html"))) == 1


async def test_a_missing_album_is_skipped_without_a_copy(harness, real_plays, real_profile):
    class NoAlbum(SavedPages):
        async def photos(self):
            await self._respond("photos")
            raise PageMissing("playerData/photo/", "the page (HTTP 404)")

    player = await harness.player()
    report = await harness.sync(player, NoAlbum(real_plays[:5], real_profile))
    assert report.ok and [(s.phase, s.saved) for s in report.skipped] == [(Phase.ALBUM, None)]


async def test_four_full_syncs_in_a_row_read_the_score_lists_once(
    harness, real_plays, real_profile
):
    player = await harness.player()
    sources = [SavedPages(real_plays, real_profile) for _ in range(4)]
    reports = [await harness.sync(player, s, full=True) for s in sources]
    assert all(r.ok for r in reports)
    lists = sum(p.startswith("scores") for s in sources for p in s.fetched)
    assert lists == 6  # one read of the six lists, by the first sync
    assert [r.full_declined for r in reports] == [False, True, True, True]
    assert not reports[1].full and reports[1].cooldown_minutes == 10


async def test_full_sync_after_the_cooldown_reads_the_lists_again(
    harness, real_plays, real_profile, tmp_path, catalogue
):
    now = [datetime.now(UTC)]
    service = SyncService(
        harness.store,
        lambda: catalogue,
        harness.factory,
        data_dir=tmp_path,
        clock=lambda: now[0],
        full_cooldown=timedelta(minutes=10),
    )
    harness.service = service
    player = await harness.player()
    await harness.sync(player, SavedPages(real_plays, real_profile))
    now[0] += timedelta(minutes=11)
    later = SavedPages(real_plays, real_profile)
    report = await harness.sync(player, later, full=True)
    assert report.full and not report.full_declined
    assert sum(p.startswith("scores") for p in later.fetched) == 6


async def test_a_record_page_longer_than_the_ring_never_costs_more_than_fifty_details(
    harness, real_plays, real_profile
):
    extra = [replace(p, idx=f"{i},{1900000000 + i}") for i, p in enumerate(real_plays[:20])]
    source = SavedPages([*extra, *real_plays], real_profile)
    player = await harness.player()
    report = await harness.sync(player, source)
    assert report.ok and report.new_plays == 70
    assert sum(p.startswith("detail:") for p in source.fetched) == 50


async def test_a_lost_lease_is_its_own_error(harness, real_plays, real_profile):
    player = await harness.player()

    class Stolen(SavedPages):
        async def play_detail(self, idx):
            await Player.filter(id=player.id).update(lease_owner="another-host:1:2:3")
            return await super().play_detail(idx)

    report = await harness.sync(player, Stolen(real_plays[:3], real_profile))
    assert report.status is SyncStatus.FAILED and isinstance(report.error, LeaseLost)


async def test_home_and_detail_ratings_that_disagree_are_both_kept_and_logged_once(
    harness, real_plays, real_profile, caplog
):
    player = await harness.player()

    class Off(SavedPages):
        async def play_detail(self, idx: str):
            detail = await super().play_detail(idx)
            return replace(detail, rating=(self.profile.rating or 0) + 3)

    caplog.set_level(logging.WARNING)
    await harness.sync(player, Off(real_plays[:4], real_profile))
    details = await PlayDetail.filter(play__player=player).values_list("rating", flat=True)
    assert set(details) == {(real_profile.rating or 0) + 3}
    await player.refresh_from_db()
    assert player.rating == real_profile.rating
    assert sum("≠" in r.getMessage() for r in caplog.records) == 1


async def test_the_client_hands_an_unreadable_page_to_the_sync():
    page = "<html><body><div>nothing we know</div></body></html>"
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text=page))
    async with MaimaiClient(
        "https://maimai.test/maimai-mobile/", dict(COOKIES), transport=transport, request_interval=0
    ) as client:
        with pytest.raises(PageChanged) as err:
            await client.photos()
    assert err.value.body == page and page not in str(err.value)


async def test_the_cli_report_of_a_sync_with_skipped_pages_is_json(
    harness, real_plays, real_profile
):
    import json

    from plugins.maimai_archive.cli.sync_export import report_json

    player = await harness.player()
    report = await harness.sync(player, ChangedPages(real_plays[:2], real_profile))
    data = json.loads(json.dumps(report_json(report)))
    assert data["status"] == "ok" and [s["phase"] for s in data["skipped"]] == ["detail", "album"]
    assert data["skipped"][0]["error"] == "PageChanged" and data["skipped"][0]["saved"].endswith(
        ".html"
    )


async def test_an_off_site_photo_is_a_typed_page_error_without_a_request():
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200)

    transport = httpx.MockTransport(answer)
    async with MaimaiClient(
        "https://maimai.test/maimai-mobile/", dict(COOKIES), transport=transport, request_interval=0
    ) as client:
        with pytest.raises(PageChanged):
            await client.image("https://elsewhere.test/photo/a.jpg")
    assert calls == []


COOKIE_VALUE = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=";,"),
    min_size=4,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(COOKIE_VALUE, min_size=1, max_size=4))
def test_no_cookie_value_survives_redaction_in_any_form_it_may_take_on_a_page(
    values: list[str],
) -> None:
    from html import escape
    from urllib.parse import quote

    assume(not any(v in MASK for v in values))  # "DACT" is in the mask itself, not a leak
    page = (
        "<html><body>"
        + "".join(
            f'<p>{escape(v)}</p><a href="?x={quote(v, safe="")}">{escape(v, quote=True)}</a>'
            f'<input type="hidden" name="t{i}" value="{escape(v, quote=True)}"/>'
            for i, v in enumerate(values)
        )
        + "</body></html>"
    )
    out = redact_page(page, values)
    for v in values:
        for form in (v, escape(v), escape(v, quote=True), quote(v, safe="")):
            assert form not in out


def test_hidden_tokens_are_masked_in_any_attribute_form_and_wherever_else_they_appear():
    page = (
        '<html><body><form><INPUT TYPE="hidden" NAME="csrf" VALUE="Tok+en/42"/>'
        "<input type=hidden name=sess value=b4re7oken>"
        '<input type="hidden" name="ent" value="&#101;nt&amp;ity9"/>'
        '<input type="hidden" name="f" value="7"/><input type="hidden" name="idx" value="3,1763905200"/>'
        '</form><script>var t = "Tok+en/42"; go("?s=b4re7oken&e=ent%26ity9&c=Tok%2Ben%2F42")</script>'
        "<p>ent&amp;ity9 value=7 slot 7</p></body></html>"
    )
    out = redact_page(page, [])
    for leak in (
        "Tok+en/42",
        "Tok%2Ben%2F42",
        "b4re7oken",
        "ent&amp;ity9",
        "&#101;nt&amp;ity9",
        "ent%26ity9",
    ):
        assert leak not in out, leak
    assert 'value="3,1763905200"' in out and "slot 7" in out  # idx and short values elsewhere stay
    assert 'value="7"' not in out  # but a short hidden value is masked in its own field
