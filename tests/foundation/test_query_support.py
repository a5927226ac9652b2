"""The query counter of the query-budget tests counts the page's statements only: a statement
run at the same moment by another thread (the background work's runner, sending the mail a
publication stored) is not the page's. Without that, CI's PostgreSQL pass counted 21
statements for a findings report whose page runs 17."""
from __future__ import annotations

import threading

from sqlalchemy import text

from engage.extensions import db
from tests.query_support import counting


def test_statements_run_by_another_thread_are_not_counted(app):
    def elsewhere():
        with app.app_context():
            db.session.execute(text("SELECT 1")).all()
            db.session.execute(text("SELECT 2")).all()
            db.session.remove()

    with app.app_context():
        with counting() as counted:
            thread = threading.Thread(target=elsewhere)
            thread.start()
            thread.join()
            db.session.execute(text("SELECT 3")).all()
        db.session.remove()
    assert counted == ["SELECT 3"]
