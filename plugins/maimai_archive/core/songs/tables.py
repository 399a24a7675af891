"""Catalogue tables: the song data as fetched, aliases, and the source's ETag."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class SongRecord(Model):
    """One song as the source (水鱼 music_data) describes it (data holds the source record)."""

    id = fields.IntField(primary_key=True)  # 水鱼 id: SD id, DX = SD id + 10000, Utage ≥ 100000
    title = fields.CharField(max_length=255)
    type = fields.CharField(max_length=8)
    data: Any = fields.JSONField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "song"


class Alias(Model):
    id = fields.IntField(primary_key=True)
    song_id = fields.IntField()
    alias = fields.CharField(max_length=128)
    source = fields.CharField(max_length=16, default="user")  # lxns | user
    approved = fields.BooleanField(default=False)
    proposer = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "alias"
        unique_together = (("song_id", "alias"),)


class CatalogueState(Model):
    """Where the catalogue came from and when (ETag for If-None-Match)."""

    source = fields.CharField(max_length=32, primary_key=True)  # "songs" | "aliases"
    etag = fields.CharField(max_length=255, null=True)
    fetched_at = fields.DatetimeField(null=True)
    checked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "catalogue_state"
