"""Migration 0033 turns the times that were stored on London's clocks (event times, embargoes,
survey dates) into UTC, and back on downgrade, across the clock changes."""
from __future__ import annotations

from datetime import datetime

from flask_migrate import downgrade, upgrade

from engage.extensions import db
from tests.conftest import make_app

BEFORE = "0031_funding_programmes"


def test_local_times_stored_before_become_utc(tmp_path):
    from engage.strategy.models import NetworkEvent

    app = make_app(f"sqlite:///{tmp_path / 'old.db'}", tmp_path)
    typed = {  # as an officer typed them, stored without a zone by the old code
        "Summer": (datetime(2027, 7, 14, 18, 0), datetime(2027, 7, 14, 19, 30)),
        "Winter": (datetime(2027, 1, 14, 18, 0), datetime(2027, 1, 14, 19, 30)),
        "Twice": (datetime(2027, 10, 31, 1, 30), datetime(2027, 10, 31, 3, 0)),
    }
    with app.app_context():
        try:
            upgrade(revision=BEFORE)
            for title, (starts, ends) in typed.items():
                db.session.add(NetworkEvent(title=title, kind="forum", starts_at=starts, ends_at=ends, place="Hall"))
            db.session.commit()
            upgrade()

            def times():
                db.session.expire_all()
                return {e.title: (e.starts_at, e.ends_at) for e in db.session.scalars(db.select(NetworkEvent))}

            assert times() == {
                "Summer": (datetime(2027, 7, 14, 17, 0), datetime(2027, 7, 14, 18, 30)),
                "Winter": (datetime(2027, 1, 14, 18, 0), datetime(2027, 1, 14, 19, 30)),
                "Twice": (datetime(2027, 10, 31, 0, 30), datetime(2027, 10, 31, 3, 0)),
            }
            db.session.remove()
            downgrade(revision=BEFORE)
            assert times() == typed
        finally:
            db.session.remove()
            db.engine.dispose()
