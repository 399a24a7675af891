"""mai-archive doctor: each page kind fetched once through the real client, parsed, and a
redacted copy kept of what did not parse. Site pages: real CN pages from ../shared; the
detail page is our SYNTHETIC fixture with its judgement table renamed (a changed page)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from plugins.maimai_archive.core.archiving.binding import BindingStore
from plugins.maimai_archive.core.archiving.doctor import DoctorError, check_pages, format_checks
from plugins.maimai_archive.core.archiving.sync import CookieSaver, PageSource, SyncService
from plugins.maimai_archive.core.client import MaimaiClient
from plugins.maimai_archive.core.db.models import Player
from plugins.maimai_archive.core.secret import SecretBox
from plugins.maimai_archive.core.songs import Catalogue
from tests.conftest import FIXTURES, REAL_HTML

BASE = "https://maimai.test/maimai-mobile/"
PAGES = {
    "/maimai-mobile/record/": REAL_HTML / "TrueRou__maimai.py__tests__sample_data__record.html",
    "/maimai-mobile/home/": REAL_HTML / "Uc207Pr4f57t9-251__mainetcn__data__debug_response.html",
    "/maimai-mobile/record/musicGenre/search/": REAL_HTML
    / "minty99__maimai-bot__crates__maimai-parsers__examples__maimai__scores__diff3_master.html",
    "/maimai-mobile/playerData/photo/": FIXTURES / "synthetic" / "photos_album.html",
}
COOKIES = {"userId": "5551234567890", "_t": "doctor0123456789abcdef"}


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/maimai-mobile/record/playlogDetail/":
        # The page shows the session's values (as a page might): none may reach the copy.
        text = (FIXTURES / "synthetic" / "playlog_detail_dx.html").read_text(encoding="utf-8")
        text = text.replace("playlog_notes_detail", "playlog_judge_detail").replace(
            "</body>",
            f'<input type="hidden" name="token" value="{COOKIES["_t"]}"/>{COOKIES["userId"]}</body>',
        )
        return httpx.Response(200, text=text, headers={"set-cookie": "_t=rotatedbydoctor1; Path=/"})
    return httpx.Response(200, text=PAGES[path].read_text(encoding="utf-8"))


@pytest.fixture
def service(db, tmp_path: Path) -> SyncService:
    for page in PAGES.values():
        if not page.is_file():
            pytest.skip(f"real pages not available: {page} is absent")

    @asynccontextmanager
    async def source(cookies: dict[str, str], on_cookies: CookieSaver) -> AsyncIterator[PageSource]:
        async with MaimaiClient(
            BASE,
            cookies,
            on_cookies=on_cookies,
            request_interval=0,
            transport=httpx.MockTransport(handler),
        ) as client:
            yield client

    return SyncService(
        BindingStore(SecretBox(Fernet.generate_key())), Catalogue, source, data_dir=tmp_path
    )


async def test_doctor_reads_each_page_once_and_keeps_the_changed_one_redacted(
    service: SyncService,
) -> None:
    player = await Player.create(qq="30303")
    await service.store.save(player, dict(COOKIES))
    checks = await check_pages(service, player)
    assert [(c.page, c.ok) for c in checks] == [
        ("record", True),
        ("detail", False),
        ("home", True),
        ("scores", True),
        ("album", True),
    ]
    bad = checks[1]
    assert (
        "judgement table" in bad.result
        and bad.saved is not None
        and bad.saved.name.startswith("detail-")
    )
    text = bad.saved.read_text(encoding="utf-8")
    assert "playlog_judge_detail" in text
    for value in [*COOKIES.values(), "rotatedbydoctor1"]:
        assert value not in text
    jar = await service.store.load(player)
    assert jar is not None and jar["_t"] == "rotatedbydoctor1"  # rotated cookies saved
    table = format_checks(checks)
    assert table.splitlines()[0].split() == ["page", "result", "saved", "copy"]
    assert str(bad.saved) in table and "ok: 50 plays" in table
    await player.refresh_from_db()
    assert player.lease_owner is None  # the lease is released


async def test_doctor_without_a_binding_says_so(service: SyncService) -> None:
    player = await Player.create(qq="30304")
    with pytest.raises(DoctorError):
        await check_pages(service, player)
