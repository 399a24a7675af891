"""One identity per chart (issue 18): a play of a chart the song data does not know carries
the same key as its best, "?<type>:<difficulty>:<title>", instead of NULL; the column is as
wide as the best's. Existing unresolved plays get that key first, then the column loses NULL.

Tortoise's SQLite editor alters a column by rebuilding the table and loses its indexes and
its unique constraint on the way; SQLite does not enforce VARCHAR lengths anyway, so there
only the data moves (the model's own checks hold the rest), and PostgreSQL alters in place.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

KEY_UNRESOLVED_PLAYS = (
    "UPDATE play SET chart_key = '?' || type || ':' || difficulty || ':' || title"
    " WHERE chart_key IS NULL"
)


class WidenPlayChartKey(ops.AlterField):
    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if not state_editor:
            return
        client = state_editor.client
        await client.execute_script(KEY_UNRESOLVED_PLAYS)
        if client.capabilities.dialect == "postgres":
            await client.execute_script(
                "ALTER TABLE play ALTER COLUMN chart_key TYPE VARCHAR(320),"
                " ALTER COLUMN chart_key SET NOT NULL"
            )

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):
        raise NotImplementedError("0005_chart_identity is not reversible")


class Migration(migrations.Migration):
    dependencies = [("maimai", "0004_scale")]

    initial = False

    operations = [
        WidenPlayChartKey(
            model_name="Play",
            name="chart_key",
            field=fields.CharField(max_length=320),
        ),
    ]
