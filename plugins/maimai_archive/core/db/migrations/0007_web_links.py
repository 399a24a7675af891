"""Personal web links (issue 22): the hash of each /web token, its player and expiry."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('maimai', '0006_guess_tally')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('player', fields.ForeignKeyField('maimai.Player', source_field='player_id', db_constraint=True, to_field='id', related_name='web_links', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked', fields.BooleanField(default=False)),
            ],
            options={'table': 'web_link', 'app': 'maimai', 'pk_attr': 'id', 'table_description': 'The web link table.'},
            bases=['Model'],
        ),
    ]
