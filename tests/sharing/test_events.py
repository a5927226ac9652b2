"""The event hub (engage/core/events.py) is told at the one place each thing happens: a
report becoming public, a response recorded, progress added, a consultation opening."""
from __future__ import annotations

from datetime import date, timedelta

from engage.core import events
from engage.extensions import db
from engage.sharing import responses
from tests.consultations.records_support import data as consultation_data
from tests.sharing.support import make_report, publish


def _listen(app, *names):
    heard = []
    for name in names:
        events.subscribe(name, lambda _n=name, **payload: heard.append((_n, payload)), app=app)
    return heard


def test_sharing_moves_publish_their_events(app, world, smtp):
    heard = _listen(app, events.FINDINGS_PUBLISHED, events.RESPONSE_PUBLISHED, events.RESPONSE_PROGRESS)
    report = make_report(world)
    assert heard == []                                   # a draft is nobody's news
    publish(world, report)
    assert heard == [(events.FINDINGS_PUBLISHED, {"report_id": report.id})]
    response = responses.save_response(world["coordinator"], report, world["partnership"], report.recommendations[0],
                                       {"status": "planned", "action": "Sweep weekly", "owner": "Streets team",
                                        "due_on": date.today() + timedelta(days=30)})
    assert len(heard) == 1                               # a draft response is nobody's news
    responses.publish_response(world["coordinator"], report, response)
    update = responses.add_update(world["coordinator"], report, response, "Started in May", "in-progress")
    assert heard[1:] == [
        (events.RESPONSE_PUBLISHED, {"report_id": report.id, "response_id": response.id,
                                     "partnership_id": world["partnership"].id}),
        (events.RESPONSE_PROGRESS, {"report_id": report.id, "response_id": response.id, "update_id": update.id}),
    ]


def test_a_consultation_opening_is_published_once(app, world):
    from engage.consultations import services

    heard = _listen(app, events.CONSULTATION_OPENED)
    officer = world["users"]["officer"]
    today = date.today()
    later = services.save_consultation(officer, None, consultation_data(
        lead_organisation_id=officer.organisation_id, planned_start=today + timedelta(days=3),
        planned_close=today + timedelta(days=30)))
    assert heard == []                                   # planned, not open yet
    opened = services.save_consultation(officer, later, consultation_data(
        lead_organisation_id=officer.organisation_id, planned_start=today, planned_close=today + timedelta(days=30)))
    assert heard == [(events.CONSULTATION_OPENED, {"consultation_id": opened.id})]
    services.save_consultation(officer, opened, consultation_data(
        lead_organisation_id=officer.organisation_id, title="Renamed", planned_start=today,
        planned_close=today + timedelta(days=30)))
    assert len(heard) == 1                               # already open: no second event
    db.session.commit()


def test_subscribing_twice_runs_once(app):
    heard = []

    def handler(**payload):
        heard.append(payload)

    events.subscribe("x.happened", handler, app=app)
    events.subscribe("x.happened", handler, app=app)
    assert events.publish("x.happened", n=1) == 1
    assert heard == [{"n": 1}]
