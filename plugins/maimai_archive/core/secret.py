"""The Fernet key that encrypts cookies at rest, and the box that uses it."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

KEY_FILE = "secret.key"


def load_or_create_key(configured: str, data_dir: Path) -> bytes:
    """The configured key, else the one in ``<data_dir>/secret.key``, else a new one there."""
    if configured:
        key = configured.strip().encode()
        Fernet(key)  # raises ValueError for a malformed key: better at start than at first /bind
        return key
    path = data_dir / KEY_FILE
    if path.is_file():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
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
