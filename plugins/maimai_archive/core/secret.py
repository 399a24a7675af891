"""The Fernet key that encrypts cookies at rest, and the box that uses it."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

KEY_FILE = "secret.key"


def private_dir(path: Path) -> None:
    """``path`` exists and is the owner's alone (0700): it holds the key, the database and
    page copies."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != 0o700:
        path.chmod(0o700)


def load_or_create_key(configured: str, data_dir: Path) -> bytes:
    """The configured key, else the one in ``<data_dir>/secret.key``, else a new one there.
    The data folder is made 0700; a key file others may read is made 0600, with a warning."""
    private_dir(data_dir)
    if configured:
        key = configured.strip().encode()
        Fernet(key)  # raises ValueError for a malformed key: better at start than at first /bind
        return key
    path = data_dir / KEY_FILE
    if path.is_file():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(0o600)
            log.warning(
                "%s was readable by others (mode %o): made 0600. Whoever read it can decrypt "
                "the saved cookies: consider a new key (every player then binds again).",
                path,
                mode,
            )
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key + b"\n")
    log.warning(
        "MAIMAI_SECRET_KEY is not set: generated a new key in %s (mode 0600). "
        "Back it up: without it the saved cookies cannot be read.",
        path,
    )
    return key


class SecretBox:
    """Encrypts a cookie jar (a dict of str) to a token string and back."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def __repr__(self) -> str:
        return "SecretBox(***)"

    def seal(self, cookies: dict[str, str]) -> str:
        return self._fernet.encrypt(json.dumps(cookies, sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict[str, str]:
        try:
            cookies: dict[str, str] = json.loads(self._fernet.decrypt(token.encode()))
            return cookies
        except InvalidToken as e:
            raise ValueError("saved cookies cannot be decrypted with this MAIMAI_SECRET_KEY") from e
