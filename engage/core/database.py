"""Two database rules every capability gets for free: foreign keys are enforced, and ids are
never reused.

**Foreign keys on.** SQLite ignores ``FOREIGN KEY`` clauses unless each connection says
``PRAGMA foreign_keys=ON``; PostgreSQL always enforces them. ``enforce_foreign_keys`` (a
``connect`` listener on every engine) turns them on for SQLite, so ``ondelete="CASCADE"``,
``"SET NULL"`` and ``"RESTRICT"`` mean the same on both databases. Deleting a row that
others still point at fails in the database; ``engage.core.deletion`` refuses such deletes
with a plain message before they get there.

**Ids never reused.** SQLite gives a deleted row's id to the next new row unless the table is
declared ``AUTOINCREMENT``; a reused id would let a new record inherit links, permissions or
audit history meant for the old one. Every ``Table`` attached to Engage's metadata is marked
``sqlite_autoincrement=True`` here (the SQLite compiler adds ``AUTOINCREMENT`` to tables whose
primary key is one integer column; other tables are unaffected). PostgreSQL sequences never
go back, so nothing is needed there.

**Commits that survive a crash, without waiting on the disk three times.** Every SQLite
connection uses write-ahead logging (``PRAGMA journal_mode=WAL``, kept in the database file):
a commit appends to the ``-wal`` file instead of rewriting pages through a rollback journal,
readers do not block the writer, and a process killed at any moment (``kill -9`` of a
gunicorn worker) loses no committed transaction: SQLite replays the log on the next open.
``PRAGMA synchronous`` is ``ENGAGE_SQLITE_SYNCHRONOUS`` (default ``FULL``): with ``FULL`` the
log is flushed to disk (one fsync) before ``COMMIT`` returns, so a commit that a person was
told about also survives a power cut or an operating-system crash. ``NORMAL`` skips that
fsync (the log is synced at checkpoints): still safe when a process dies, but the last
commits before a power cut can be rolled back, so it is only for machines where that is
acceptable. PostgreSQL needs none of this (``synchronous_commit`` is on by default).

How a new capability uses this: nothing to do in models. In its migration, pass
``sqlite_autoincrement=True`` to ``op.create_table`` for every table with an integer id (the
test ``tests/foundation/test_integrity_ids.py`` checks the built schema). Migrations that
rebuild SQLite tables run with foreign keys off (see ``migrations/env.py``), as SQLite asks.
"""
from __future__ import annotations

import os
import sqlite3

from sqlalchemy import MetaData, Table, event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "do_connect")
def name_the_process(dialect, connection_record, cargs, cparams) -> None:
    """PostgreSQL: each connection says which process holds it (``engage:<pid>``), so that
    ``engage restore`` can tell other running processes from its own (engage/backup)."""
    if dialect.name == "postgresql":
        cparams.setdefault("application_name", f"engage:{os.getpid()}")


@event.listens_for(Engine, "connect")
def enforce_foreign_keys(dbapi_connection, connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={sqlite_synchronous()}")
        cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_seconds() * 1000)}")
        cursor.close()


def sqlite_busy_seconds() -> float:
    """How long a write waits for another to finish before SQLite says "database is locked"
    (``ENGAGE_SQLITE_BUSY_SECONDS``, 30 by default; Python's own default of 5 was passed under
    load). A write still refused after that is answered with a "try again" page that keeps
    what was sent (engage/core/errors.py), never a 500."""
    try:
        return max(float(os.environ.get("ENGAGE_SQLITE_BUSY_SECONDS", "30")), 0.0)
    except ValueError:
        return 30.0


def sqlite_synchronous() -> str:
    """FULL (the default: a commit is on disk before it returns) or NORMAL (see above)."""
    value = os.environ.get("ENGAGE_SQLITE_SYNCHRONOUS", "FULL").strip().upper()
    return value if value in ("FULL", "NORMAL", "EXTRA") else "FULL"


def never_reuse_ids(metadata: MetaData) -> None:
    """Mark every table attached to ``metadata`` (now and later) as SQLite AUTOINCREMENT."""

    def mark(table: Table) -> None:
        table.dialect_options["sqlite"]["autoincrement"] = True

    for table in metadata.tables.values():
        mark(table)

    @event.listens_for(Table, "after_parent_attach")
    def _attached(table, parent):
        if parent is metadata:
            mark(table)


def has_integer_id(table: Table) -> bool:
    """True when the table's primary key is one integer column (the tables AUTOINCREMENT changes)."""
    columns = list(table.primary_key.columns)
    if len(columns) != 1:
        return False
    try:
        return columns[0].type.python_type is int and not columns[0].foreign_keys
    except NotImplementedError:
        return False
