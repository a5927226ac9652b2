"""The postgres search backend for the bench scripts, on the database BENCH_DATABASE_URL names
(a scratch database: its search tables are dropped and made again). Not a bench itself.

``open_backend(spec)`` gives a real ``PostgresBackend`` with the spec registered, or None when
BENCH_DATABASE_URL is unset; ``rebuild(backend, name, docs)`` writes already-built documents
(grouped by record, as the app's rebuild does) and returns (count, seconds).
"""
from __future__ import annotations

import os
import time
from itertools import groupby

URL_VARIABLE = "BENCH_DATABASE_URL"


def database_url() -> str | None:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        return None
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def open_backend(spec):
    url = database_url()
    if url is None:
        return None
    from sqlalchemy import create_engine, text

    from engage.search.postgres_backend import METADATA, PostgresBackend

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        METADATA.drop_all(conn)
        METADATA.create_all(conn)
    backend = PostgresBackend(engine)
    backend.register(spec)
    return backend


def rebuild(backend, name: str, docs: list[dict]) -> tuple[int, float]:
    from sqlalchemy import text

    started = time.perf_counter()
    count = backend.rebuild(name, (list(group) for _owner, group in groupby(docs, key=lambda d: d["owner"])))
    with backend.engine.begin() as conn:
        conn.execute(text("ANALYZE search_document"))
    return count, time.perf_counter() - started


def close(backend) -> None:
    if backend is not None:
        backend.engine.dispose()


def cap() -> int:
    """How many matches a ranked postgres search reads before it says "more than"."""
    from engage.search.postgres_backend import CAP

    return CAP
