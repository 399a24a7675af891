"""The core assembled: settings, database, secret box, catalogue, sync service.

The bot (chat layer) and the ``mai-archive`` CLI both build one ``ArchiveApp``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ..config import MaimaiConfig
from . import redact
from .archive.binding import BindingStore, CallbackUrl, CookieJar
from .archive.forget import forget_player
from .archive.queries import Archive
from .archive.resolve import resolve_pending
from .archive.sync import CookieSaver, PageSource, SourceFactory, SyncService
from .client import MaimaiClient, follow_oauth_callback
from .db.database import start_database, stop_database
from .db.models import Best, Player, SyncRun
from .errors import BindingError
from .records import ParsedProfile
from .secret import SecretBox, load_or_create_key
from .songs import Catalogue, get_catalogue, set_catalogue

log = logging.getLogger(__name__)


class ArchiveApp:
    """Owns what lives as long as the process."""

    def __init__(self, config: MaimaiConfig, source_factory: SourceFactory | None = None) -> None:
        self.config = config
        self.box: SecretBox | None = None
        self.store: BindingStore | None = None
        self.sync: SyncService | None = None
        # Shared by every account's client: how many accounts talk to the site at once.
        self.site_slots = asyncio.Semaphore(config.maimai_max_concurrent_accounts)
        self._source_factory = source_factory or self.client_source
        self._refresh_task: asyncio.Task | None = None

    async def start(self, refresh_catalogue: bool = True) -> None:
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        key = load_or_create_key(self.config.maimai_secret_key, self.config.data_dir)
        redact.add_secret(key.decode())
        self.box = SecretBox(key)
        self.store = BindingStore(self.box)
        await start_database(self.config.db_url)
        set_catalogue(await Catalogue.load_from_db())
        self.sync = SyncService(
            self.store,
            get_catalogue,
            self._source_factory,
            data_dir=self.config.data_dir,
            max_syncs=self.config.maimai_max_concurrent_syncs,
        )
        # What lives as long as the process (catalogue, modules) leaves the collector's
        # view: a full collection over it held the event loop ~0.1 s mid-request.
        gc.freeze()
        if refresh_catalogue:
            # In the background: the bot answers while song data downloads (or fails to).
            self._refresh_task = asyncio.create_task(self.refresh_catalogue())

    async def stop(self) -> None:
        from .covers import close_cover_caches

        if self._refresh_task is not None:
            self._refresh_task.cancel()
            await asyncio.gather(self._refresh_task, return_exceptions=True)
        await close_cover_caches()
        await stop_database()

    @property
    def catalogue(self) -> Catalogue:
        return get_catalogue()

    def archive(self) -> Archive:
        return Archive(self.catalogue, covers=self.config.data_dir / "covers", data_dir=self.config.data_dir)

    async def refresh_catalogue(self) -> str:
        """Refresh songs and aliases; re-resolve archived plays when songs changed."""
        songs = await self.catalogue.refresh(self.config.maimai_songdb_url)
        aliases = await self.catalogue.refresh_aliases(self.config.maimai_alias_url)
        if songs.ok:
            resolved = await resolve_pending(self.catalogue)
            log.info("song data: %d songs (changed: %s), %d archived plays resolved now", songs.count, songs.changed, resolved)
        else:
            log.warning("song data not refreshed (%s); serving the stored copy of %d songs", songs.error, songs.count)
        if not aliases.ok:
            log.warning("aliases not refreshed (%s)", aliases.error)
        return f"songs={songs.count} changed={songs.changed} error={songs.error}"

    @asynccontextmanager
    async def client_source(self, cookies: dict[str, str], on_cookies: CookieSaver) -> AsyncIterator[PageSource]:
        """The real site, for one account."""
        async with MaimaiClient(
            self.config.maimai_net_base_url,
            cookies,
            on_cookies=on_cookies,
            request_interval=self.config.maimai_request_interval,
            timeout=self.config.maimai_request_timeout,
            backoff=self.config.maimai_retry_backoff,
            semaphore=self.site_slots,
        ) as client:
            yield client

    # --- accounts ------------------------------------------------------------------------

    async def bind(self, qq: str, given: CookieJar | CallbackUrl) -> tuple[Player, ParsedProfile]:
        """Check the cookies with one page load, then keep them (encrypted) for ``qq``.

        Raises the typed error when they do not work; nothing is stored then.
        """
        assert self.store is not None
        if isinstance(given, CallbackUrl):
            # The configured site is followed too (a local simulator in tests).
            jar = await follow_oauth_callback(
                given.url, request_timeout=self.config.maimai_request_timeout,
                base_url=self.config.maimai_net_base_url,
            )
        else:
            jar = dict(given.cookies)
        latest = dict(jar)

        async def keep(new: dict[str, str]) -> None:
            latest.clear()
            latest.update(new)

        # The friend-code page names the account (the home page has no friend code).
        async with self._source_factory(jar, keep) as source:
            profile = await source.friend_code()
        player, _ = await Player.get_or_create(qq=qq)
        archived = any([await SyncRun.exists(player=player), await Best.exists(player=player),
                        await player.plays.all().exists()])
        if archived and profile.friend_code and player.friend_code != profile.friend_code:
            # Another maimai account: merging two players' plays would corrupt both archives.
            raise BindingError(
                "another account",
                user_message=f"这个 QQ 已经存档了另一个舞萌账号（{player.name}）。"
                "要换账号，请先私聊 /forget 删除旧存档。",
            )
        await Player.filter(id=player.id).update(
            name=profile.name, rating=profile.rating, friend_code=profile.friend_code or player.friend_code
        )
        await self.store.save(player, latest, status="ok")
        await player.refresh_from_db()
        return player, profile

    async def unbind(self, player: Player) -> bool:
        assert self.store is not None
        return await self.store.delete(player)

    async def forget(self, player: Player) -> None:
        """Delete the player's whole archive: rows (in short batches) and photo files."""
        await forget_player(player, self.config.data_dir)

    def secret_box(self) -> SecretBox:
        if self.box is None:
            raise RuntimeError("ArchiveApp.start() has not run")
        return self.box


_app: ArchiveApp | None = None


def get_app() -> ArchiveApp:
    if _app is None:
        raise RuntimeError("the archive app is not started")
    return _app


def set_app(app: ArchiveApp | None) -> None:
    global _app
    _app = app
