"""The /guess tally (issue 23): wins per member of a group."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('maimai', '0005_chart_identity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GuessTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group_id', fields.CharField(max_length=32)),
                ('qq', fields.CharField(max_length=32)),
                ('name', fields.CharField(default='', max_length=64)),
                ('wins', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'guess_tally', 'app': 'maimai', 'unique_together': (('group_id', 'qq'),), 'pk_attr': 'id', 'table_description': "How many /guess games a member of a group has won (the group's /guess rank)."},
            bases=['Model'],
        ),
    ]
