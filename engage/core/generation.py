"""The database's generation: what lets a running process know that the data under it was
replaced by a restore (issue 21: backups that restore under running nodes).

A process may remember what it read from the database, keyed by values that move on with
every change (a survey's structure snapshot, keyed by the survey's id and its
``structure_version``: engage/surveys/snapshot.py). A restore puts older rows back: ids and
version numbers the running processes have already seen come round again with other
content. So what a process remembers is also keyed by the database's generation:

- ``current()`` reads it (one cheap statement): the ``site_generation`` row's token, and on
  PostgreSQL also the table's own identity (``tableoid``), which is new whenever pg_restore
  makes the tables again. ``None`` while the table is not there on SQLite (a restore of an
  archive from before it, until the migrations have run): then nothing may be remembered
  (on PostgreSQL the statement fails then, like every other during such a restore).
- ``expression()`` is the same as an SQL expression, to read it in the statement that reads
  the row a memo is keyed on (a survey's row carries it as a deferred column: no statement
  more per page).
- ``engage restore`` gives the database a new token in the same step as the data (SQLite:
  written into the copy before it is put in place) or straight after it (PostgreSQL: the
  table's identity has changed already), then runs the ``after_restore`` hooks.

Read it AFTER the row the memo is keyed on (``structure_of`` does): if the generation read
is still the old one, the row read before it was old too, so the pair is consistent.

A capability with a number that must never repeat across a restore registers a hook,
``generation.after_restore(function)``; ``function(connection)`` runs in the restore's
transaction (surveys move every ``structure_version`` past any number used before).
"""
from __future__ import annotations

import secrets
from typing import Callable

from sqlalchemy import String, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from ..extensions import db
from . import clock

_HOOKS: list[Callable] = []


def new_token() -> str:
    return secrets.token_hex(16)


class _Generation(ColumnElement):
    """The generation as a scalar subquery (see ``expression``)."""

    inherit_cache = True
    # No state of its own: an empty list gives it a cache key, so a statement that holds it
    # keeps its compiled form (without this every such statement was compiled again each time).
    _traverse_internals: list = []
    type = String()


@compiles(_Generation)
def _generation_sqlite(element, compiler, **kw):
    return "coalesce((SELECT token FROM site_generation ORDER BY id LIMIT 1), '')"


@compiles(_Generation, "postgresql")
def _generation_postgresql(element, compiler, **kw):
    return ("(coalesce((SELECT token FROM site_generation ORDER BY id LIMIT 1), '') || ':' "
            "|| 'site_generation'::regclass::oid::bigint)")


def expression() -> ColumnElement:
    """The generation as an SQL expression, for a ``column_property`` or a select ('' for a
    table without its row; an error while there is no table)."""
    return _Generation()


def current() -> str | None:
    """This database's generation as seen now (see the module's docstring)."""
    try:
        return db.session.scalar(select(expression()))
    except OperationalError:   # SQLite: no such table (yet), an older archive being restored
        return None


def renew(connection) -> str:
    """Give the database a new generation (in ``connection``'s transaction); returns it."""
    token = new_token()
    changed = connection.execute(text("UPDATE site_generation SET token = :token, changed_at = :now"),
                                 {"token": token, "now": clock.utcnow()}).rowcount
    if not changed:
        connection.execute(text("INSERT INTO site_generation (token, changed_at) VALUES (:token, :now)"),
                           {"token": token, "now": clock.utcnow()})
    return token


def after_restore(function: Callable) -> Callable:
    """Register ``function(connection)``, run in the restore's last transaction."""
    if function not in _HOOKS:
        _HOOKS.append(function)
    return function


def run_after_restore(connection) -> None:
    for function in list(_HOOKS):
        function(connection)
