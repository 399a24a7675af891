from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('maimai', '0002_sync_phases')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TrackerLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('player', fields.ForeignKeyField('maimai.Player', source_field='player_id', db_constraint=True, to_field='id', related_name='tracker_links', on_delete=OnDelete.CASCADE)),
                ('service', fields.CharField(max_length=16)),
                ('token', fields.TextField(unique=False)),
                ('status', fields.CharField(default='ok', max_length=16)),
                ('invalid_told', fields.BooleanField(default=False)),
                ('pending', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('pending_all', fields.BooleanField(default=False)),
                ('last_push_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tracker_link', 'app': 'maimai', 'unique_together': (('player', 'service'),), 'pk_attr': 'id', 'table_description': "A player's token for a score tracker (水鱼 / 落雪), and what still has to be pushed."},
            bases=['Model'],
        ),
    ]
