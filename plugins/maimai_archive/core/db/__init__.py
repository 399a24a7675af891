"""The archive's database: Tortoise models, start/stop, migrations."""
