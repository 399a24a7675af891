"""Archive tables. Import-safe: defining models needs no database connection.

One QQ user has one ``Player`` row (their archive and settings); the cookies live apart in
``Binding`` so that ``/unbind`` deletes them and keeps the archive. Plays are unique per
player by the unix time in their ``idx``. Achievements are ints in 1/10000 percent.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

# What a play and a best both hold about a score (same names, same codes).
SCORE_FIELDS = (
    "title",
    "type",
    "difficulty",
    "level",
    "achievement",
    "dx_score",
    "dx_score_max",
    "dx_stars",
    "rank",
    "fc",
    "fs",
)

# Titles are up to 255 characters; an unresolved key adds "?<type>:<difficulty>:".
CHART_KEY_MAX = 320


class Player(Model):
    id = fields.IntField(primary_key=True)
    qq = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=64, null=True)
    friend_code = fields.CharField(max_length=32, null=True)
    rating = fields.IntField(null=True)
    # Site rating minus the rating computed from our bests, as of the last score-list read
    # (constants in the song data can differ from the game's): a new disagreement means
    # bests are missing, a known one does not.
    rating_offset = fields.IntField(null=True)
    public = fields.BooleanField(default=False)  # others may view this archive
    autosync = fields.BooleanField(default=False)
    # Lease: the bot process that syncs this player now, and until when.
    lease_owner = fields.CharField(max_length=128, null=True)
    lease_until = fields.DatetimeField(null=True)
    last_sync_at = fields.DatetimeField(null=True)
    next_autosync_at = fields.DatetimeField(null=True)
    # The failure already reported in private (autosync reports each kind once).
    failure_reported = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "player"


class Binding(Model):
    id = fields.IntField(primary_key=True)
    player: fields.OneToOneRelation[Player] = fields.OneToOneField(
        "maimai.Player", related_name="binding", on_delete=fields.CASCADE
    )
    cookies = fields.TextField()  # Fernet token of the JSON cookie jar; never clear text
    status = fields.CharField(max_length=16, default="ok")  # ok | expired
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "binding"


class SyncRun(Model):
    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="sync_runs", on_delete=fields.CASCADE
    )
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    status = fields.CharField(max_length=16, default="running")  # running | ok | failed
    full = fields.BooleanField(default=False)  # this run read all six score lists
    trigger = fields.CharField(max_length=16, default="command")  # command | auto | cli
    error = fields.CharField(max_length=64, null=True)  # the error class name
    requests = fields.IntField(default=0)
    bytes_received = fields.IntField(default=0)
    new_plays = fields.IntField(default=0)
    new_details = fields.IntField(default=0)
    improved_bests = fields.IntField(default=0)
    rating_before = fields.IntField(null=True)
    rating_after = fields.IntField(null=True)
    # Plays on record/ older than what we had and not contiguous: some plays may be lost.
    gap = fields.BooleanField(default=False)
    # Optional phases this run skipped (their pages unreadable): the next sync probes them once.
    skipped: Any = fields.JSONField(null=True, default=list)  # null: runs from before phases

    class Meta:
        table = "sync_run"
        indexes = (Index(fields=("player_id", "started_at")),)


class Play(Model):
    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="plays", on_delete=fields.CASCADE
    )
    played_unix = fields.BigIntField()
    played_at = fields.DatetimeField()
    idx = fields.CharField(max_length=32)
    track = fields.SmallIntField()
    title = fields.CharField(max_length=255)
    type = fields.CharField(max_length=8)
    difficulty = fields.CharField(max_length=16)
    level = fields.CharField(max_length=8, null=True)
    achievement = fields.IntField()
    dx_score = fields.IntField()
    dx_score_max = fields.IntField(null=True)
    dx_stars = fields.SmallIntField(default=0)
    rank = fields.CharField(max_length=8)
    fc = fields.CharField(max_length=8, null=True)
    fs = fields.CharField(max_length=8, null=True)
    new_record = fields.BooleanField(default=False)
    new_dx_record = fields.BooleanField(default=False)
    place = fields.SmallIntField(null=True)
    buddy = fields.BooleanField(default=False)
    jacket = fields.CharField(max_length=128, null=True)
    # The chart's one key, as on its best: "<song id>:<difficulty>" once the song data knows
    # it, else "?<type>:<difficulty>:<title>" (songs.data.unresolved_chart_key).
    chart_key = fields.CharField(max_length=CHART_KEY_MAX)
    song_id = fields.IntField(null=True)
    sync: fields.ForeignKeyNullableRelation[SyncRun] = fields.ForeignKeyField(
        "maimai.SyncRun", related_name="plays", null=True, on_delete=fields.SET_NULL
    )
    archived_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "play"
        unique_together = (("player", "played_unix"),)
        # A chart's plays in order (/play, /history); nulling ``sync`` when a run goes.
        indexes = (
            Index(fields=("player_id", "chart_key", "played_unix")),
            Index(fields=("sync_id",)),
        )
        ordering = ["-played_unix"]


class PlayDetail(Model):
    id = fields.IntField(primary_key=True)
    play: fields.OneToOneRelation[Play] = fields.OneToOneField(
        "maimai.Play", related_name="detail", on_delete=fields.CASCADE
    )
    play_id: int
    judgements: Any = fields.JSONField(null=True)  # {"tap": [cp, p, great, good, miss], ...}
    fast = fields.IntField(null=True)
    late = fields.IntField(null=True)
    max_combo = fields.IntField(null=True)
    max_combo_total = fields.IntField(null=True)
    max_sync = fields.IntField(null=True)
    max_sync_total = fields.IntField(null=True)
    rating = fields.IntField(null=True)
    rating_delta = fields.IntField(null=True)
    matching: Any = fields.JSONField(default=list)
    characters: Any = fields.JSONField(default=list)
    # Every number of the page's rating area as shown (see parsed.RatingArea).
    rating_area: Any = fields.JSONField(null=True)

    class Meta:
        table = "play_detail"


class Best(Model):
    """The player's best on one chart, from score lists and from plays."""

    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="bests", on_delete=fields.CASCADE
    )
    player_id: int
    # "<song id>:<difficulty>" when resolved, else "?<type>:<difficulty>:<title>".
    chart_key = fields.CharField(max_length=CHART_KEY_MAX)
    song_id = fields.IntField(null=True)
    title = fields.CharField(max_length=255)
    type = fields.CharField(max_length=8)
    difficulty = fields.CharField(max_length=16)
    level = fields.CharField(max_length=8, null=True)
    achievement = fields.IntField()
    dx_score = fields.IntField(null=True)
    dx_score_max = fields.IntField(null=True)
    dx_stars = fields.SmallIntField(default=0)
    rank = fields.CharField(max_length=8)
    fc = fields.CharField(max_length=8, null=True)
    fs = fields.CharField(max_length=8, null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "best"
        unique_together = (("player", "chart_key"),)


class BestChange(Model):
    """One improvement of a best (old → new), recorded by the sync that saw it."""

    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="best_changes", on_delete=fields.CASCADE
    )
    sync: fields.ForeignKeyNullableRelation[SyncRun] = fields.ForeignKeyField(
        "maimai.SyncRun", related_name="best_changes", null=True, on_delete=fields.SET_NULL
    )
    sync_id: int | None
    chart_key = fields.CharField(max_length=CHART_KEY_MAX)
    song_id = fields.IntField(null=True)
    title = fields.CharField(max_length=255)
    type = fields.CharField(max_length=8)
    difficulty = fields.CharField(max_length=16)
    level = fields.CharField(max_length=8, null=True)
    old_achievement = fields.IntField(null=True)
    new_achievement = fields.IntField()
    old_dx_score = fields.IntField(null=True)
    new_dx_score = fields.IntField(null=True)
    old_fc = fields.CharField(max_length=8, null=True)
    new_fc = fields.CharField(max_length=8, null=True)
    old_fs = fields.CharField(max_length=8, null=True)
    new_fs = fields.CharField(max_length=8, null=True)
    changed_at = fields.DatetimeField()

    class Meta:
        table = "best_change"
        indexes = (Index(fields=("player_id", "changed_at")), Index(fields=("sync_id",)))


class ProfileSnapshot(Model):
    """The profile as one sync saw it: rating over time."""

    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="profiles", on_delete=fields.CASCADE
    )
    sync: fields.ForeignKeyNullableRelation[SyncRun] = fields.ForeignKeyField(
        "maimai.SyncRun", related_name="profiles", null=True, on_delete=fields.SET_NULL
    )
    taken_at = fields.DatetimeField()
    name = fields.CharField(max_length=64)
    rating = fields.IntField(null=True)
    trophy = fields.CharField(max_length=255, null=True)
    stars = fields.IntField(null=True)
    course_rank = fields.CharField(max_length=64, null=True)
    class_rank = fields.CharField(max_length=64, null=True)
    play_count = fields.IntField(null=True)
    page: Any = fields.JSONField(default=dict)  # the parsed profile as read

    class Meta:
        table = "profile_snapshot"
        indexes = (Index(fields=("player_id", "taken_at")), Index(fields=("sync_id",)))
        ordering = ["taken_at"]


class Photo(Model):
    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="photos", on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=512)
    path = fields.CharField(
        max_length=512, null=True
    )  # under the data dir, once downloaded; "" a miss
    title = fields.CharField(max_length=255, null=True)
    difficulty = fields.CharField(max_length=16, null=True)
    taken_at = fields.DatetimeField(null=True)
    place = fields.CharField(max_length=128, null=True)
    archived_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "photo"
        unique_together = (("player", "url"),)


class TrackerLink(Model):
    """A player's token for a score tracker (水鱼 / 落雪), and what still has to be pushed.

    Like ``Binding``, the token is a Fernet token and never clear text; ``/unlink`` deletes
    the row, the archive stays.
    """

    id = fields.IntField(primary_key=True)
    player: fields.ForeignKeyRelation[Player] = fields.ForeignKeyField(
        "maimai.Player", related_name="tracker_links", on_delete=fields.CASCADE
    )
    player_id: int
    service = fields.CharField(max_length=16)  # divingfish | lxns
    token = fields.TextField()  # Fernet token of {"token": …}
    status = fields.CharField(max_length=16, default="ok")  # ok | invalid (the service rejected it)
    invalid_told = fields.BooleanField(default=False)  # the player was told in private
    # Charts ("<song id>:<difficulty>") whose bests still have to reach the service (it was
    # down or the token invalid); all = every archived best (after a first sync).
    pending: list[str] = fields.JSONField(default=list)
    pending_all = fields.BooleanField(default=False)
    last_push_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tracker_link"
        unique_together = (("player", "service"),)


class GuessTally(Model):
    """How many /guess games a member of a group has won (the group's /guess rank).

    Keyed by QQ, not by player: guessing needs no archive.
    """

    id = fields.IntField(primary_key=True)
    group_id = fields.CharField(max_length=32)
    qq = fields.CharField(max_length=32)
    name = fields.CharField(max_length=64, default="")  # their name in the group at the latest win
    wins = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "guess_tally"
        unique_together = (("group_id", "qq"),)


class WebLink(Model):
    """One /web link. Only the SHA-256 of the token is kept, so the database alone never
    opens anyone's archive."""

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
