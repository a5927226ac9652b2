"""Counting the SQL statements a request runs, for query budgets: a page that loads what it
shows with the list, not one query per item, runs as many statements for 3 items as for 20
(bench/pages.py prints each public page's count). ``statements(client, path)`` gets the
page twice (the first visit may set things up once) and returns the second's count and reply.

Only the statements of the thread that counts are counted: the background work's runner
thread (sending the mail a publication stored, say) shares the engine, and its statements
are not the page's (CI's PostgreSQL pass once counted 21 or 23 statements for a findings
report whose page runs 17, when the mail of its publication was sent during the count)."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import event

from engage.core import pagecache
from engage.extensions import db


@contextmanager
def counting():
    seen: list[str] = []
    me = threading.get_ident()

    def count(_conn, _cursor, statement, *_args):
        if threading.get_ident() == me:
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements(client, path: str, seen: list | None = None) -> tuple[int, object]:
    """(number of statements, reply) of a GET of ``path``; the statements' text is added to
    ``seen`` when given."""
    client.get(path)
    db.session.remove()  # as a new request on a server: nothing already loaded
    # The view's own statements: no kept page, and not the one statement keeping costs
    # (engage/core/pagecache.py; tests/foundation/test_kept_pages.py counts that).
    with pagecache.not_kept(current_app), counting() as counted:
        reply = client.get(path)
    assert reply.status_code == 200, (path, reply.status_code)
    if seen is not None:
        seen.extend(counted)
    return len(counted), reply
