"""The core assembled: settings, database, secret box, catalogue, covers, render processes,
sync service and autosync.

The bot (chat layer) and the ``mai-archive`` CLI both build one ``ArchiveApp``; it owns
everything that lives as long as the process (there are no module-level singletons), and
``stop()`` releases all of it.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TypeVar

from ..config import MaimaiConfig
from . import redact
from .archiving.autosync import AutoSync, Notify
from .archiving.binding import BindingStore, Bound, CallbackUrl, CookieJar
from .archiving.forget import forget_player
from .archiving.resolve import resolve_pending
from .archiving.sync import CookieSaver, PageSource, SourceFactory, SyncReport, SyncService
from .client import MaimaiClient
from .covers import CoverCache, with_covers
from .db.database import start_database, stop_database
from .db.models import Best, Play, Player, SyncRun
from .errors import BindingError
from .games.guess_game import GuessRooms
from .guards import RateLimit
from .login.callback import follow_oauth_callback
from .login.one_tap import Notify as PrivateNotify
from .login.one_tap import OneTapBind
from .queries.plays import QueryContext
from .render.engine import FontSet
from .render.pool import RenderPool
from .secret import SecretBox, load_or_create_key
from .songs import store as song_store
from .songs.catalogue import Catalogue
from .trackers.push import TrackerService

log = logging.getLogger(__name__)

V = TypeVar("V")


class ArchiveApp:
    """Owns what lives as long as the process."""

    def __init__(
        self,
        config: MaimaiConfig,
        source_factory: SourceFactory | None = None,
        notify: Notify | None = None,
    ) -> None:
        self.config = config
        self.box: SecretBox | None = None
        self.store: BindingStore | None = None
        self.sync: SyncService | None = None
        # Filled in place by start() and every refresh: holders of it see new songs.
        self.catalogue = Catalogue()
        self.covers = CoverCache(
            config.data_dir / "covers",
            config.maimai_cover_url,
            max_bytes=config.maimai_max_image_bytes,
            max_pixels=config.maimai_max_image_pixels,
        )
        # Per-user limits of the chat commands, by kind (0 = no limit).
        self.limits = {
            "image": RateLimit(config.maimai_image_rate, config.maimai_image_period),
            "bind": RateLimit(config.maimai_bind_rate, config.maimai_bind_period),
            "push": RateLimit(config.maimai_push_rate, config.maimai_push_period),
        }
        # Images are drawn in their own processes, started by start() (none before).
        self.renderer = RenderPool(
            config.maimai_render_workers,
            timeout=config.maimai_render_timeout,
            fonts=FontSet.at(config.maimai_font_path or None),
        )
        # Autosync needs a way to tell players (the chat layer's private message).
        self.autosync: AutoSync | None = None
        self._notify = notify
        self.trackers: TrackerService | None = None
        # Shared by every account's client: how many accounts talk to the site at once.
        self.site_slots = asyncio.Semaphore(config.maimai_max_concurrent_accounts)
        self._source_factory = source_factory or self.client_source
        self._refresh_task: asyncio.Task[str] | None = None
        # The /guess games running in groups (their timers end with the app).
        self.guesses = GuessRooms()
        # One-tap /bind: the login proxy, when MAIMAI_BIND_PROXY is set (start_one_tap).
        self.one_tap: OneTapBind | None = None

    async def start(self, refresh_catalogue: bool = True) -> None:
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        key = load_or_create_key(self.config.maimai_secret_key, self.config.data_dir)
        redact.add_secret(key.decode())
        self.box = SecretBox(key)
        self.store = BindingStore(self.box)
        await start_database(self.config.db_url)
        await song_store.load_into(self.catalogue)
        self.trackers = TrackerService(
            self.box,
            lambda: self.catalogue,
            {"divingfish": self.config.maimai_divingfish_url, "lxns": self.config.maimai_lxns_url},
            timeout=self.config.maimai_request_timeout,
            notify=self._notify,
        )
        self.sync = SyncService(
            self.store,
            lambda: self.catalogue,
            self._source_factory,
            data_dir=self.config.data_dir,
            max_syncs=self.config.maimai_max_concurrent_syncs,
            full_cooldown=timedelta(seconds=self.config.maimai_full_sync_cooldown),
            on_done=self.on_sync_done,
        )
        if self._notify is not None:
            self.autosync = AutoSync(self.sync, self._notify)
        # What lives as long as the process (catalogue, modules) leaves the collector's
        # view: a full collection over it held the event loop ~0.1 s mid-request.
        gc.freeze()
        await asyncio.to_thread(self.renderer.start)  # spawning is a few ms per process
        if refresh_catalogue:
            # In the background: the bot answers while song data downloads (or fails to).
            self._refresh_task = asyncio.create_task(self.refresh_catalogue())

    async def start_one_tap(self, notify: PrivateNotify) -> OneTapBind | None:
        """Start the login proxy of one-tap /bind when MAIMAI_BIND_PROXY is set; ``notify``
        tells a player in private how their bind went. Raises ValueError / OSError when the
        setting is wrong or the port is taken (the archive works on without it)."""
        if not self.config.maimai_bind_proxy:
            return None
        one_tap = OneTapBind(self, notify)
        await one_tap.start()
        self.one_tap = one_tap
        return one_tap

    async def stop_one_tap(self) -> None:
        if self.one_tap is not None:
            await self.one_tap.stop()
            self.one_tap = None

    async def stop(self) -> None:
        """Release everything start() (and use) acquired: background tasks, the login
        proxy, the render processes, the database."""
        await self.stop_one_tap()
        if self.sync is not None:  # first: a sync ending later would push and write after the drain
            await self.sync.close()
        if self.trackers is not None:
            await self.trackers.drain()
        if self._refresh_task is not None:
            self._refresh_task.cancel()
            await asyncio.gather(self._refresh_task, return_exceptions=True)
            self._refresh_task = None
        await self.guesses.close()
        await self.covers.cancel_background()
        await asyncio.to_thread(self.renderer.shutdown)
        self.autosync = None
        self.sync = None
        await stop_database()

    def on_sync_done(self, player: Player, report: SyncReport) -> None:
        """Every finished sync (chat, autosync, CLI) passes here: a good one pushes its
        improved bests to the player's linked trackers, in the background."""
        if report.ok and self.trackers is not None:
            self.trackers.after_sync(player.id, report.run_id, report.first)

    def query_context(self) -> QueryContext:
        """The query context: the catalogue, the cover folder, the data folder."""
        return QueryContext(
            self.catalogue, covers=self.covers.directory, data_dir=self.config.data_dir
        )

    async def view_with_covers(self, build: Callable[[QueryContext], Awaitable[V]]) -> V:
        """``build(archive)`` — a view query — with the covers it lacked fetched first."""
        return await with_covers(self.covers, self.query_context(), build)

    async def refresh_catalogue(self) -> str:
        """Refresh songs and aliases; re-resolve archived plays when songs changed."""
        songs = await song_store.refresh_songs(self.catalogue, self.config.maimai_songdb_url)
        aliases = await song_store.refresh_aliases(self.catalogue, self.config.maimai_alias_url)
        if songs.ok:
            try:
                resolved = await resolve_pending(self.catalogue)
            except Exception:  # the songs are loaded; the next refresh tries the rest again
                log.exception("song data: re-keying the charts it now knows failed")
                resolved = 0
            log.info(
                "song data: %d songs (changed: %s), %d archived plays resolved now",
                songs.count,
                songs.changed,
                resolved,
            )
        elif songs.count:
            log.warning(
                "song data not refreshed (%s); serving the stored copy of %d songs",
                songs.error,
                songs.count,
            )
        else:  # the store's warning says how to point MAIMAI_SONGDB_URL at a file
            log.warning(
                "song data not refreshed (%s) and none is stored: no song known", songs.error
            )
        if not aliases.ok:
            log.warning("aliases not refreshed (%s)", aliases.error)
        return f"songs={songs.count} changed={songs.changed} error={songs.error}"

    @asynccontextmanager
    async def client_source(
        self, cookies: dict[str, str], on_cookies: CookieSaver
    ) -> AsyncIterator[PageSource]:
        """The real site, for one account."""
        async with MaimaiClient(
            self.config.maimai_net_base_url,
            cookies,
            on_cookies=on_cookies,
            request_interval=self.config.maimai_request_interval,
            timeout=self.config.maimai_request_timeout,
            backoff=self.config.maimai_retry_backoff,
            semaphore=self.site_slots,
            max_page_bytes=self.config.maimai_max_page_bytes,
            max_image_bytes=self.config.maimai_max_image_bytes,
            max_image_pixels=self.config.maimai_max_image_pixels,
        ) as client:
            yield client

    # --- accounts ------------------------------------------------------------------------

    async def bind(self, qq: str, given: CookieJar | CallbackUrl) -> Bound:
        """Check the cookies with one page load, then keep them (encrypted) for ``qq``.

        Raises the typed error when they do not work; nothing is stored then.
        """
        assert self.store is not None
        if isinstance(given, CallbackUrl):
            # The configured site is followed too (a local simulator in tests).
            jar = await follow_oauth_callback(
                given.url,
                request_timeout=self.config.maimai_request_timeout,
                base_url=self.config.maimai_net_base_url,
                max_bytes=self.config.maimai_max_page_bytes,
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
        archived = any(
            [
                await SyncRun.exists(player=player),
                await Best.exists(player=player),
                await Play.exists(player=player),
            ]
        )
        if archived and profile.friend_code and player.friend_code != profile.friend_code:
            # Another maimai account: merging two players' plays would corrupt both archives.
            raise BindingError(
                "another account",
                user_message=f"这个 QQ 已经存档了另一个舞萌账号（{player.name}）。"
                "要换账号，请先私聊 /forget 删除旧存档。",
            )
        await Player.filter(id=player.id).update(
            name=profile.name,
            rating=profile.rating,
            friend_code=profile.friend_code or player.friend_code,
        )
        await self.store.save(player, latest, status="ok")
        # One session cannot serve two bindings (each request rotates it): another QQ's
        # binding of this account would only expire now. It stops; its archive stays.
        others = Player.filter(friend_code=profile.friend_code).exclude(id=player.id)
        moved = False
        for other in await others if profile.friend_code else []:
            moved = await self.store.delete(other) or moved
        await player.refresh_from_db()
        return Bound(player, profile, archived, moved)

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
