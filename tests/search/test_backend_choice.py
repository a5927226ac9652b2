"""Choosing the search backend: Whoosh by default, postgres only on PostgreSQL."""
import pytest

from engage import create_app


def _app(tmp_path, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                       "ENGAGE_INDEX_DIR": str(tmp_path / "index"), **config})


def test_whoosh_is_the_default(tmp_path):
    from engage.search.whoosh_backend import WhooshBackend

    assert isinstance(_app(tmp_path).extensions["engage_search"], WhooshBackend)


def test_postgres_backend_is_refused_on_sqlite_in_plain_words(tmp_path):
    with pytest.raises(RuntimeError) as error:
        _app(tmp_path, ENGAGE_SEARCH_BACKEND="postgres")
    assert "ENGAGE_SEARCH_BACKEND=postgres needs a PostgreSQL database" in str(error.value)
    assert "DATABASE_URL points to sqlite" in str(error.value)


def test_an_unknown_backend_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="must be whoosh or postgres"):
        _app(tmp_path, ENGAGE_SEARCH_BACKEND="elastic")


def test_postgres_backend_on_postgresql(app):
    from engage.extensions import db
    from engage.search.postgres_backend import PostgresBackend
    from tests.conftest import require

    if not (db.engine.dialect.name == "postgresql"):
        pytest.skip("runs in the PostgreSQL pass (TEST_DATABASE_URL); CI runs that pass too")
    assert isinstance(app.extensions["engage_search"], PostgresBackend)
    assert app.extensions["engage_search"].health() is None
