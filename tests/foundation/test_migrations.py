"""Migrations: one head, and upgrading an empty database gives exactly the models' schema.

The suite runs once on SQLite and once on PostgreSQL (TEST_DATABASE_URL), so both are checked.
"""
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sqlalchemy import MetaData

from engage.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_one_head():
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {heads}"


def _expected_metadata(dialect: str) -> MetaData:
    """The models' tables, and on PostgreSQL the postgres search backend's tables too."""
    if dialect != "postgresql":
        return db.metadata
    from engage.search.postgres_backend import METADATA

    combined = MetaData(naming_convention=db.metadata.naming_convention)
    for source in (db.metadata, METADATA):
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined


def test_upgraded_schema_equals_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, _expected_metadata(connection.dialect.name))
    assert differences == [], f"the migrations and the models differ: {differences}"


def test_every_model_table_exists(app):
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    missing = set(db.metadata.tables) - tables
    assert not missing
    search_tables = {"search_document", "search_owner", "search_word"}
    # The postgres search backend's tables exist on PostgreSQL only.
    assert (search_tables <= tables) is (db.engine.dialect.name == "postgresql")
