"""Workflow moves happen once (engage/core/transitions.py): two people making the same move
at the same moment -- two database sessions, as two app processes have -- give one recorded
step, one audit event and one set of emails; the second person is told someone else has just
done it (409, never a 500). Four visitors arriving when an embargo ends release it once.
Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engage.core.audit import AuditEvent
from engage.core.transitions import AlreadyMoved
from engage.extensions import db
from engage.sharing import notices, services
from engage.sharing.models import FindingsReport, ReportTransition
from tests.sharing.support import make_report, publish


def _approved(world):
    report = make_report(world)
    services.transition(world["users"]["practitioner"], report, "submit")
    services.transition(world["officer2"], report, "approve")
    db.session.commit()
    return report


def _steps(report_id, action):
    return db.session.scalar(select(func.count()).select_from(ReportTransition)
                             .where(ReportTransition.report_id == report_id, ReportTransition.action == action))


def _audited(report_id, action="transition"):
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "FindingsReport", AuditEvent.object_id == report_id, AuditEvent.action == action))


def _in_threads(app, count, work):
    """Run ``work(i)`` in ``count`` threads, each in its own app context (its own database
    session and connection, as separate processes have), all starting together."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = work(i)
            except Exception as error:  # noqa: BLE001 (reported to the test)
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
        assert not t.is_alive(), "a move never finished"
    return results


def test_second_publish_from_another_session_is_told_and_records_nothing(app, world, smtp):
    report = _approved(world)
    assert report.state == "approved"  # this request has read it as approved...
    with app.app_context():  # ...while another person's request (its own session) publishes it
        other = db.session.get(FindingsReport, report.id)
        services.transition(world["users"]["officer"], other, "publish")
        db.session.commit()
        db.session.remove()
    with pytest.raises(AlreadyMoved, match="Someone else has just published this report"):
        services.transition(world["officer2"], report, "publish")
    db.session.rollback()
    db.session.commit()  # nothing of the loser's is left to commit
    assert _steps(report.id, "publish") == 1
    assert _audited(report.id) == 3  # submit, approve, publish: once each
    assert _audited(report.id, "release") == 1
    assert len(smtp.to("coordinator@test.example", "must respond")) == 1


def test_two_simultaneous_publish_clicks(app, world, smtp):
    report = _approved(world)
    officers = [world["users"]["officer"].id, world["officer2"].id]

    def click(i):
        from engage.accounts.models import User

        mine = db.session.get(FindingsReport, report.id)
        services.transition(db.session.get(User, officers[i]), mine, "publish")
        db.session.commit()
        return "published"

    results = _in_threads(app, 2, click)
    assert sorted(map(type, results), key=str) == sorted([str, AlreadyMoved], key=str), results
    db.session.expire_all()
    assert db.session.get(FindingsReport, report.id).state == "published"
    assert _steps(report.id, "publish") == 1
    assert _audited(report.id, "release") == 1
    for coordinator in ("coordinator@test.example", "coord2@test.example"):
        assert len(smtp.to(coordinator, "must respond")) == 1


def test_the_page_answers_the_second_click_in_words(app, client, login, world, smtp):
    report = _approved(world)
    login("officer")
    assert client.get(f"/findings/{report.id}/move/publish").status_code == 200  # the form, opened while approved
    with app.app_context():
        other = db.session.get(FindingsReport, report.id)
        services.transition(world["officer2"], other, "publish")
        db.session.commit()
        db.session.remove()
    # This person's request still holds the report as it read it (approved): only the
    # conditional update finds out, and the page says so in words.
    response = client.post(f"/findings/{report.id}/move/publish", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else has just published this report" in html
    assert _steps(report.id, "publish") == 1


def test_four_visitors_at_the_end_of_an_embargo_release_it_once(app, world, smtp):
    report = make_report(world)
    publish(world, report, embargo_until=services.now() + timedelta(seconds=30))
    report.embargo_until = services.now() - timedelta(minutes=1)  # the time has come
    db.session.commit()
    smtp.clear()

    def visit(i):
        released = notices.release_due()
        db.session.commit()
        return [r.id for r in released]

    results = _in_threads(app, 4, visit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert _audited(report.id, "release") == 1
    assert len(smtp.to("coordinator@test.example", "must respond")) == 1
    assert len(smtp.to("coord2@test.example", "must respond")) == 1
