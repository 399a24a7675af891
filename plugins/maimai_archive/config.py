"""Every ``MAIMAI_*`` setting, in one model the bot and the ``mai-archive`` CLI share.

The bot reads it through NoneBot's config (``.env`` files and the environment); the CLI
reads the same ``.env`` file and environment with :func:`load_config`. This module does
not import NoneBot.
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import dotenv_values
from pydantic import BaseModel, Field

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DEFAULT_BASE_URL = "https://maimai.wahlap.com/maimai-mobile/"
DEFAULT_SONGDB_URL = "https://www.diving-fish.com/api/maimaidxprober/music_data"
DEFAULT_ALIAS_URL = "https://maimai.lxns.net/api/v0/maimai/alias/list"
DEFAULT_COVER_URL = "https://www.diving-fish.com/covers/{id:05d}.png"
DEFAULT_OAUTH_URL = "https://tgk-wcaime.wahlap.com/wc_auth/oauth/authorize/maimai-dx"
# The hosts WeChat's built-in browser needs during the login (CONNECT to port 443 only; an
# entry "*.example.com" would allow its subdomains).
DEFAULT_BIND_PROXY_ALLOW = "open.weixin.qq.com,long.open.weixin.qq.com,res.wx.qq.com,wx.qlogo.cn"
DEFAULT_DIVINGFISH_URL = "https://www.diving-fish.com/"
DEFAULT_LXNS_URL = "https://maimai.lxns.net/"


class MaimaiConfig(BaseModel):
    """Plugin settings; the environment names are these field names in upper case."""

    maimai_data_dir: Path = Field(default=DEFAULT_DATA_DIR)
    # Empty = a SQLite file under the data dir.
    maimai_db_url: str = ""
    # Fernet key; empty = generated once into <data dir>/secret.key (0600).
    maimai_secret_key: str = ""
    maimai_net_base_url: str = DEFAULT_BASE_URL
    maimai_songdb_url: str = DEFAULT_SONGDB_URL
    maimai_alias_url: str = DEFAULT_ALIAS_URL
    maimai_cover_url: str = DEFAULT_COVER_URL
    # Seconds between two requests of one account (the site rate-limits).
    maimai_request_interval: float = 1.0
    maimai_request_timeout: float = 20.0
    # First wait before retrying a failed request (567, network, 5xx); doubles each retry.
    maimai_retry_backoff: float = 2.0
    # How many accounts may talk to the site at once, and how many syncs run at once.
    maimai_max_concurrent_accounts: int = 4
    maimai_max_concurrent_syncs: int = 4
    # A font file for images; empty = the Noto Sans CJK that arrives with pip.
    maimai_font_path: str = ""
    # Render processes (0 = one per core but one, at least 1) and the seconds one image may
    # take before its process is restarted and the player gets an apology.
    maimai_render_workers: int = 0
    maimai_render_timeout: float = 60.0
    maimai_autosync_enabled: bool = True
    # One-tap /bind: the site's WeChat login link, and the bot's login proxy (host:port to
    # listen on; empty = off), the address players reach it at — their proxy setting and the
    # host of the bot's one-tap link (empty = the listen address) — and the hosts it tunnels to
    # (comma-separated, exact names; "*.x" for subdomains).
    maimai_oauth_url: str = DEFAULT_OAUTH_URL
    maimai_bind_proxy: str = ""
    maimai_bind_proxy_public: str = ""
    maimai_bind_proxy_allow: str = DEFAULT_BIND_PROXY_ALLOW
    # Score trackers that /link pushes bests to (the API paths are appended to these).
    maimai_divingfish_url: str = DEFAULT_DIVINGFISH_URL
    maimai_lxns_url: str = DEFAULT_LXNS_URL
    # Seconds: /sync full re-reads the score lists at most once per account in this time.
    maimai_full_sync_cooldown: float = 600.0
    # Caps on what is fetched (issue 10): a page body, an image (jacket, album photo) in bytes,
    # and an image's pixels, read from its header before anything decodes it.
    maimai_max_page_bytes: int = 8_000_000
    maimai_max_image_bytes: int = 4_000_000
    maimai_max_image_pixels: int = 4096 * 4096
    # Per QQ user: image commands, /bind attempts and /push (count per seconds).
    maimai_image_rate: int = 8
    maimai_image_period: float = 60.0
    maimai_bind_rate: int = 5
    maimai_bind_period: float = 600.0
    maimai_push_rate: int = 1  # a /push sends every best: several requests per service
    maimai_push_period: float = 600.0
    # /web (issue 22): the public base of the links (empty = http://<HOST>:<PORT>), how many
    # days a link lasts, and requests per address per period on the web pages.
    maimai_web_url: str = ""
    maimai_web_link_days: float = 7.0
    maimai_web_rate: int = 300
    maimai_web_period: float = 60.0

    @property
    def data_dir(self) -> Path:
        return Path(self.maimai_data_dir)

    @property
    def db_url(self) -> str:
        return self.maimai_db_url or f"sqlite://{self.data_dir / 'maimai.sqlite3'}"


def load_config(
    env_file: str | Path | None = ".env", environ: dict[str, str] | None = None
) -> MaimaiConfig:
    """The CLI's view of the settings: ``.env`` first, the environment overrides it."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k.lower(): v for k, v in dotenv_values(env_file).items() if v is not None})
    env = os.environ if environ is None else environ
    values.update({k.lower(): v for k, v in env.items() if k.lower().startswith("maimai_")})
    fields = MaimaiConfig.model_fields
    return MaimaiConfig.model_validate({k: v for k, v in values.items() if k in fields})
