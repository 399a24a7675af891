"""Catalogue storage: refresh from a file or URL (ETag, 304), the stored copy serving when
the source fails, the LXNS alias list, and user alias proposals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from plugins.maimai_archive.core.songs import store
from plugins.maimai_archive.core.songs.aliases import (
    ProposalStatus,
    approve_alias,
    pending_aliases,
    propose_alias,
    reject_alias,
)
from plugins.maimai_archive.core.songs.catalogue import Catalogue
from plugins.maimai_archive.core.songs.tables import CatalogueState, SongRecord
from tests.core.test_songs_support import SMALL_ALIASES, known, small_music_data

URL = "https://songs.example.test/music_data"


@pytest.fixture
def songs_file(tmp_path: Path) -> Path:
    path = tmp_path / "music_data.json"
    path.write_text(
        json.dumps(list(small_music_data().values()), ensure_ascii=False), encoding="utf-8"
    )
    return path


class Source:
    """A music_data URL that answers 200 with an ETag, 304 to a matching If-None-Match, or fails."""

    def __init__(self, payload: object) -> None:
        self.body = json.dumps(payload, ensure_ascii=False)
        self.etag = '"v1"'
        self.fail: Exception | None = None
        self.seen: list[str | None] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.headers.get("if-none-match"))
        if self.fail is not None:
            raise self.fail
        if request.headers.get("if-none-match") == self.etag:
            return httpx.Response(304)
        return httpx.Response(200, text=self.body, headers={"ETag": self.etag})

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


async def test_refresh_from_a_file_stores_and_reloads(db, songs_file: Path) -> None:
    catalogue = Catalogue()
    result = await store.refresh_songs(catalogue, str(songs_file))
    assert result.ok and result.changed and result.count == len(catalogue) == 8
    assert await SongRecord.all().count() == 8
    again = await store.refresh_songs(catalogue, str(songs_file))
    assert again.ok and not again.changed and again.count == 8
    loaded = await store.load_catalogue()
    assert len(loaded) == 8 and known(loaded.song(11422)).title == "\u3000"
    assert loaded.checked_at is not None


async def test_url_refresh_sends_the_etag_and_keeps_the_copy_on_304(db) -> None:
    source = Source(small_music_data())  # the object-keyed mirror shape
    catalogue = Catalogue()
    async with source.client() as client:
        first = await store.refresh_songs(catalogue, URL, client)
        second = await store.refresh_songs(catalogue, URL, client)
    assert source.seen == [None, '"v1"']
    assert first.changed and first.count == 8
    assert not second.changed and second.ok and second.count == 8
    assert second.age is not None and second.age < timedelta(minutes=1)
    assert (await CatalogueState.get(source="songs")).etag == '"v1"'


async def test_changed_data_replaces_the_stored_songs(db) -> None:
    data = small_music_data()
    source = Source(data)
    catalogue = Catalogue()
    async with source.client() as client:
        await store.refresh_songs(catalogue, URL, client)
        data["11501"]["ds"][3] = 14.0
        del data["383"]
        source.body, source.etag = json.dumps(data), '"v2"'
        result = await store.refresh_songs(catalogue, URL, client)
    assert result.changed and result.count == 7
    assert catalogue.song(383) is None
    assert known(catalogue.chart("11501:master")).constant == 140


async def test_unreachable_source_keeps_the_stored_copy_and_says_how_old(db) -> None:
    source = Source(small_music_data())
    catalogue = Catalogue()
    async with source.client() as client:
        await store.refresh_songs(catalogue, URL, client)
        await CatalogueState.filter(source="songs").update(
            checked_at=datetime.now(UTC) - timedelta(days=3)
        )
        source.fail = httpx.ConnectError("refused")
        result = await store.refresh_songs(catalogue, URL, client)
    assert not result.ok and result.error == "NetworkError" and not result.changed
    assert result.count == 8 and len(catalogue) == 8
    assert result.age is not None and timedelta(days=3) <= result.age < timedelta(days=3, minutes=1)
    # a fresh process still serves the stored copy
    assert len(await store.load_catalogue()) == 8


async def test_http_error_status_and_broken_json_keep_the_stored_copy(db, songs_file: Path) -> None:
    catalogue = Catalogue()
    await store.refresh_songs(catalogue, str(songs_file))

    def server_error(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502)

    def not_json(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>oops</html>")

    for handler, error in ((server_error, "NetworkError"), (not_json, "PageChanged")):
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            result = await store.refresh_songs(catalogue, URL, client)
        assert result.error == error and result.count == 8
    broken = songs_file.with_name("broken.json")
    broken.write_text(json.dumps([{"id": "1", "title": "x"}]), encoding="utf-8")
    result = await store.refresh_songs(catalogue, str(broken))
    assert result.error == "PageChanged"
    assert await SongRecord.all().count() == 8


async def test_nothing_stored_and_source_missing_gives_an_empty_catalogue(
    db, tmp_path: Path
) -> None:
    catalogue = Catalogue()
    result = await store.refresh_songs(catalogue, str(tmp_path / "missing.json"))
    assert result.error == "NetworkError" and result.count == 0 and result.age is None


async def test_a_failed_first_refresh_says_how_to_use_a_file_not_that_a_copy_serves(
    db, tmp_path: Path, songs_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "missing.json"
    catalogue = Catalogue()
    with caplog.at_level("WARNING", logger=store.__name__):
        result = await store.refresh_songs(catalogue, str(missing))
    assert result.detail == f"file not found: {missing}"
    assert "stored copy" not in caplog.text
    assert (
        "none is stored" in caplog.text
        and "MAIMAI_SONGDB_URL=/path/to/music_data.json" in caplog.text
    )
    # once a copy is stored, a failure says that it serves
    await store.refresh_songs(catalogue, str(songs_file))
    caplog.clear()
    with caplog.at_level("WARNING", logger=store.__name__):
        result = await store.refresh_songs(catalogue, str(missing))
    assert result.count == 8
    assert "the stored copy serves: file not found" in caplog.text
    assert "MAIMAI_SONGDB_URL" not in caplog.text


async def test_the_alias_refresh_counts_aliases(db, songs_file: Path) -> None:
    catalogue = Catalogue()
    await store.refresh_songs(catalogue, str(songs_file))
    result = await store.refresh_aliases(catalogue, str(SMALL_ALIASES))
    names = sum(len(n) for _, n in catalogue.alias_items())
    assert result.ok and result.count == names and names != len(catalogue)


async def test_lxns_aliases_find_both_sd_and_dx_sets(db, songs_file: Path) -> None:
    catalogue = Catalogue()
    await store.refresh_songs(catalogue, str(songs_file))
    result = await store.refresh_aliases(catalogue, str(SMALL_ALIASES))
    assert result.ok and result.changed
    assert {m.song.id for m in catalogue.search("阿尔法")} == {1, 10001}
    assert catalogue.search("全角空格")[0].song.id == 11422  # LXNS id 1422 → 水鱼 11422 (DX only)
    assert not (await store.refresh_aliases(catalogue, str(SMALL_ALIASES))).changed


async def test_user_alias_waits_for_approval_unless_a_superuser_adds_it(
    db, songs_file: Path
) -> None:
    catalogue = Catalogue()
    await store.refresh_songs(catalogue, str(songs_file))
    proposal = await propose_alias(10001, "字母歌", "12345", superuser=False)
    assert proposal.status is ProposalStatus.PENDING and proposal.song_id == 1
    await store.reload_aliases(catalogue)
    assert all(m.matched != "字母歌" for m in catalogue.search("字母歌"))
    assert [a.alias for a in await pending_aliases()] == ["字母歌"]
    assert (
        await propose_alias(1, "字母歌", "999", superuser=False)
    ).status is ProposalStatus.EXISTS
    assert await approve_alias(proposal.id) is not None
    assert await approve_alias(proposal.id) is None  # no longer pending
    await store.reload_aliases(catalogue)
    assert {m.song.id for m in catalogue.search("字母歌") if m.matched == "字母歌"} == {1, 10001}

    added = await propose_alias(11500, "β", "1", superuser=True)
    assert added.status is ProposalStatus.ADDED
    rejected = await propose_alias(11501, "垃圾", "2", superuser=False)
    assert known(await reject_alias(rejected.id)).alias == "垃圾"
    assert await pending_aliases() == []
    with pytest.raises(ValueError):
        await propose_alias(1, "   ", "2", superuser=False)
