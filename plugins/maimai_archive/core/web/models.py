"""The web link table: one row per /web link. Only the SHA-256 of the token is kept, so the
database alone never opens anyone's archive."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ..db.models import Player


class WebLink(Model):
    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="web_links", on_delete=fields.CASCADE
    )
    player_id: int
    token_hash = fields.CharField(max_length=64, unique=True)  # sha256 hex of the token
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked = fields.BooleanField(default=False)  # /web off

    class Meta:
        table = "web_link"
        app = "maimai"
