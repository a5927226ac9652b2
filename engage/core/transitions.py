"""Workflow moves happen once: every move is a compare-and-set on the state it starts from.

Two people clicking "Publish" at the same moment (two processes, two database connections)
both read "approved"; if each then wrote ``report.state = "published"`` both would succeed,
record two steps and send two sets of emails. Instead a move is one conditional UPDATE::

    UPDATE findings_report SET state = 'published' WHERE id = 7 AND state = 'approved'

and the number of rows it changed is checked. The database lets exactly one of them change
the row (PostgreSQL makes the second wait for the first to commit, then finds nothing to
change; SQLite lets one writer at a time): the winner goes on to record the move and queue its
mail, the loser gets ``AlreadyMoved`` -- a ``RuleError`` whose message says someone else has
just done it -- before it has recorded or queued anything. Views show that message (409), never
a 500, and roll back.

How a workflow uses it (the findings reports, strategy versions, toolkit suggestions, survey
publishing and the release of an embargoed report all do):

1. Check the move is allowed (its table, its rules) on the record as loaded.
2. Call ``compare_and_set(record, {"state": <the state it was read in>}, {"state": <target>},
   done="...")`` FIRST, before changing anything else: the WHERE may also test a column for
   ``None`` (``{"released_at": None}``: "nobody has released it yet"), and the SET may carry
   more columns (``published_at``). The record in the session gets the new values as saved.
3. Then record the move (who, when, from, to, why) and queue mail; the view commits once.

Moves that happen as part of a page load for anyone (releasing a report when its embargo
ends) call ``try_compare_and_set`` and simply skip when another request got there first.
"""
from __future__ import annotations

from sqlalchemy import inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .errors import RuleError


class AlreadyMoved(RuleError):
    """Someone else made this move (or another one) a moment ago; nothing was changed."""

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.current = current or {}


def _conditions(table, obj_id, expected: dict):
    out = [table.c.id == obj_id]
    for name, value in expected.items():
        column = table.c[name]
        if value is None:
            out.append(column.is_(None))
        elif isinstance(value, (tuple, list, set, frozenset)):
            out.append(column.in_(list(value)))
        else:
            out.append(column == value)
    return out


def try_compare_and_set(obj, expected: dict, values: dict) -> bool:
    """Set ``values`` on ``obj``'s row only if its columns still hold ``expected``; True when
    this call changed the row (and ``obj`` now has ``values``), False when they no longer did."""
    state = inspect(obj)
    table = state.mapper.local_table
    obj_id = state.identity[0] if state.identity else None
    if obj_id is None:
        raise ValueError("compare_and_set needs a saved record")
    with db.session.no_autoflush:
        result = db.session.execute(update(table).where(*_conditions(table, obj_id, expected)).values(**values)
                                    .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    for name, value in values.items():
        set_committed_value(obj, name, value)
    return True


def compare_and_set(obj, expected: dict, values: dict, *, done: str = "done that") -> None:
    """``try_compare_and_set`` or ``AlreadyMoved``: "Someone else has just <done>. ...". The
    message says what the record's columns hold now (re-read), and the record is refreshed."""
    if try_compare_and_set(obj, expected, values):
        return
    state = inspect(obj)
    table = state.mapper.local_table
    with db.session.no_autoflush:
        row = db.session.execute(select(*[table.c[n] for n in expected]).where(table.c.id == state.identity[0])).first()
    current = dict(row._mapping) if row is not None else {}
    db.session.expire(obj)
    if row is None:
        raise AlreadyMoved("Someone else has just deleted this. Nothing was changed.")
    raise AlreadyMoved(f"Someone else has just {done}. Nothing was changed: reload the page to see where it is now.",
                       current)
