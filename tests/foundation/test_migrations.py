"""Migrations: one head, and upgrading an empty database gives exactly the models' schema.

The suite runs once on SQLite and once on PostgreSQL (TEST_DATABASE_URL), so both are checked.
"""
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from engage.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_one_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {heads}"


def test_upgraded_schema_equals_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"the migrations and the models differ: {differences}"


def test_every_model_table_exists(app):
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    missing = set(db.metadata.tables) - tables
    assert not missing
