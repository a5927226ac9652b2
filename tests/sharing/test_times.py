"""Embargoes and reminders on London's clocks (engage/core/clock.py), stored as UTC, across the
2027 clock changes (28 March forward, 31 October back)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from engage.extensions import db
from engage.sharing import notices, responses, services
from engage.sharing.models import FindingsReport, StageReminder
from tests.sharing.support import answer, make_report, publish


def _approved(client, login, world):
    report = make_report(world)
    login("practitioner")
    assert client.post(f"/findings/{report.id}/move/submit", data={}).status_code == 302
    login("officer")
    assert client.post(f"/findings/{report.id}/move/approve", data={}).status_code == 302
    return report


def _embargo(client, report, day: date, at: str):
    return client.post(f"/findings/{report.id}/move/publish",
                       data={"embargo_date": [str(day.day), str(day.month), str(day.year)], "embargo_time": at})


def test_an_embargo_for_nine_on_a_july_day_is_out_at_eight_utc(client, login, world, smtp, clock):
    clock.set(datetime(2027, 7, 1, 12, 0))
    report = _approved(client, login, world)
    assert _embargo(client, report, date(2027, 7, 14), "09:00").status_code == 302
    db.session.expire_all()
    report = db.session.get(FindingsReport, report.id)
    assert report.embargo_until == datetime(2027, 7, 14, 8, 0), "09:00 BST is stored as 08:00 UTC"
    assert "14 July 2027 at 09:00" in client.get(f"/findings/{report.id}").get_data(as_text=True)

    # publish-due one minute before: nothing; at 08:00 UTC (09:00 in London): out, once.
    clock.set(datetime(2027, 7, 14, 7, 59))
    assert notices.release_due() == [] and not report.is_out(clock.utcnow())
    login(None)
    assert client.get(f"/findings/{report.id}").status_code == 404
    clock.set(datetime(2027, 7, 14, 8, 0))
    result = client.application.test_cli_runner().invoke(args=["engage", "publish-due"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(FindingsReport, report.id).released_at == datetime(2027, 7, 14, 8, 0)
    assert client.get(f"/findings/{report.id}").status_code == 200


def test_embargoes_on_the_days_the_clocks_change(client, login, world, smtp, clock):
    clock.set(datetime(2027, 3, 1, 12, 0))
    spring = _approved(client, login, world)
    # 01:30 on 28 March never happens (clocks go forward at 01:00): 01:30 GMT, which is 02:30 BST.
    assert _embargo(client, spring, date(2027, 3, 28), "01:30").status_code == 302
    db.session.expire_all()
    assert db.session.get(FindingsReport, spring.id).embargo_until == datetime(2027, 3, 28, 1, 30)
    # 09:00 that day is already summer time: 08:00 UTC.
    autumn = _approved(client, login, world)
    assert _embargo(client, autumn, date(2027, 3, 28), "09:00").status_code == 302
    db.session.expire_all()
    assert db.session.get(FindingsReport, autumn.id).embargo_until == datetime(2027, 3, 28, 8, 0)
    # 01:30 on 31 October happens twice: the first (BST), 00:30 UTC; 09:00 that day is GMT again.
    twice = _approved(client, login, world)
    assert _embargo(client, twice, date(2027, 10, 31), "01:30").status_code == 302
    told = client.get(f"/findings/{twice.id}").get_data(as_text=True)
    assert "01:30 happens twice that day" in told, "the officer is told which 01:30 it is"
    later = _approved(client, login, world)
    assert _embargo(client, later, date(2027, 10, 31), "09:00").status_code == 302
    db.session.expire_all()
    assert db.session.get(FindingsReport, twice.id).embargo_until == datetime(2027, 10, 31, 0, 30)
    assert db.session.get(FindingsReport, later.id).embargo_until == datetime(2027, 10, 31, 9, 0)
    clock.set(datetime(2027, 10, 31, 8, 59))
    released = {r.id for r in notices.release_due()}
    assert {spring.id, autumn.id, twice.id} <= released and later.id not in released


def test_reminders_follow_the_london_date_not_the_utc_date(app, world, smtp, clock):
    clock.set(datetime(2027, 6, 1, 10, 0))
    report = publish(world, make_report(world))
    rec = report.recommendations[0]
    due = date(2027, 7, 14)
    answer(world["coordinator"], report, world["partnership"], rec,
           {"status": "planned", "action": "Empty the park bins daily", "owner": "Parks team", "due_on": due})
    db.session.commit()

    def stages():
        return {r.stage for r in db.session.scalars(select(StageReminder).where(StageReminder.response_id.is_not(None)))}

    # 23:30 on the due day in London (22:30 UTC): due soon, not overdue.
    clock.set(datetime(2027, 7, 14, 22, 30))
    responses.send_reminders()
    db.session.commit()
    assert stages() == {"due-soon"}
    # 00:30 the next day in London is still 14 July in UTC: overdue now, on London's date.
    clock.set(datetime(2027, 7, 14, 23, 30))
    responses.send_reminders()
    db.session.commit()
    assert stages() == {"due-soon", "overdue"}
    assert services.now() == datetime(2027, 7, 14, 23, 30)


def test_a_due_date_passes_on_london_midnight_in_the_atom_feed(client, world, smtp, clock):
    clock.set(datetime(2027, 6, 1, 10, 0))
    report = publish(world, make_report(world))
    answer(world["coordinator"], report, world["partnership"], report.recommendations[0],
           {"status": "planned", "action": "Empty the park bins daily", "owner": "Parks team", "due_on": date(2027, 7, 14)})
    db.session.commit()
    notices.release_due()
    db.session.commit()
    clock.set(datetime(2027, 7, 20, 10, 0))
    feed = client.get("/you-said-we-did/feed.atom")
    assert feed.status_code == 200, feed.status_code
    text = feed.get_data(as_text=True)
    # It became late at the start of 15 July in London: 14 July 23:00 UTC.
    assert "Overdue:" in text and "2027-07-14T23:00:00+00:00" in text, text[:2000]
