"""Indexes for a big archive (issue 15): per-player time order, the ``sync`` foreign keys,
plays by player + chart + time. Fields are column names: SQLite reads an unknown quoted
name as a string constant, which makes an index on nothing."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('maimai', '0003_trackers')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='BestChange',
            index=Index(fields=['player_id', 'changed_at']),
        ),
        ops.AddIndex(
            model_name='BestChange',
            index=Index(fields=['sync_id']),
        ),
        ops.AddIndex(
            model_name='Play',
            index=Index(fields=['player_id', 'chart_key', 'played_unix']),
        ),
        ops.AddIndex(
            model_name='Play',
            index=Index(fields=['sync_id']),
        ),
        ops.AddIndex(
            model_name='ProfileSnapshot',
            index=Index(fields=['player_id', 'taken_at']),
        ),
        ops.AddIndex(
            model_name='ProfileSnapshot',
            index=Index(fields=['sync_id']),
        ),
        ops.AddIndex(
            model_name='SyncRun',
            index=Index(fields=['player_id', 'started_at']),
        ),
    ]
