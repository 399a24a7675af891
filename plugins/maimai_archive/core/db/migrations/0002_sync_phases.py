"""Sync phases: what a run skipped, and the detail page's rating area kept raw.

Both columns are nullable: existing rows (runs and details from before) hold NULL."""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("maimai", "0001_initial")]

    operations = [
        ops.AddField(
            model_name="SyncRun",
            name="skipped",
            field=fields.JSONField(null=True, default=list, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
        ),
        ops.AddField(
            model_name="PlayDetail",
            name="rating_area",
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
        ),
    ]
