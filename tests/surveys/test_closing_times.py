"""Closing dates on London's clocks (engage/core/clock.py): a survey closing "on" a day takes
answers until midnight at the end of that day in London, stored as UTC, across the 2027 clock
changes; times of moves are shown on London's clocks; a consultation's status follows London's
date, not UTC's."""
from __future__ import annotations

from datetime import date, datetime

from engage.extensions import db
from engage.surveys.models import Survey
from tests.surveys.survey_support import consultation, places, survey  # noqa: F401


def _extend(client, survey, day: date):
    return client.post(f"/surveys/{survey.id}/open-and-close/extend",
                       data={"extend-closes_on": [str(day.day), str(day.month), str(day.year)], "extend-reason": "More time"})


def test_closing_on_the_days_the_clocks_change(client, login, users, survey, clock):
    clock.set(datetime(2027, 3, 1, 12, 0))
    survey.opens_at, survey.closes_at = datetime(2027, 2, 1), datetime(2027, 3, 10)
    db.session.commit()
    login("practitioner")
    # Closing on 28 March (the clocks go forward that morning): the end of that day is 23:00 UTC.
    assert _extend(client, survey, date(2027, 3, 28)).status_code == 302
    db.session.expire_all()
    s = db.session.get(Survey, survey.id)
    assert s.closes_at == datetime(2027, 3, 28, 23, 0)
    assert s.state_at(datetime(2027, 3, 28, 22, 59)) == "open" and s.state_at(datetime(2027, 3, 28, 23, 0)) == "closed"
    assert "28 March 2027" in client.get(f"/surveys/{s.id}/open-and-close").get_data(as_text=True)
    # Closing on 31 October (the clocks go back that morning): the end of the day is midnight UTC.
    clock.set(datetime(2027, 10, 1, 12, 0))
    s.closes_at = datetime(2027, 10, 10)
    db.session.commit()
    assert _extend(client, s, date(2027, 10, 31)).status_code == 302
    db.session.expire_all()
    s = db.session.get(Survey, survey.id)
    assert s.closes_at == datetime(2027, 11, 1, 0, 0)
    clock.set(datetime(2027, 10, 31, 23, 59))
    login(None)
    assert s.state == "open"
    clock.set(datetime(2027, 11, 1, 0, 0))
    assert db.session.get(Survey, survey.id).state == "closed"


def test_a_summer_close_is_shown_on_london_clocks(client, login, users, survey, clock):
    clock.set(datetime(2027, 7, 14, 13, 5))   # 14:05 in London
    survey.opens_at, survey.closes_at = datetime(2027, 7, 1), datetime(2027, 8, 1)
    db.session.commit()
    login("practitioner")
    assert client.post(f"/surveys/{survey.id}/open-and-close/close-now", data={"close-reason": "Early"}).status_code == 302
    page = client.get(f"/surveys/{survey.id}/open-and-close").get_data(as_text=True)
    assert "closed at 14:05" in page and "14:05 on 14 July 2027" in page, page


def test_a_consultation_closes_at_the_end_of_the_london_day(app, survey, clock):
    consultation = survey.consultation
    consultation.planned_start, consultation.planned_close = date(2027, 6, 1), date(2027, 7, 1)
    consultation.actual_start, consultation.actual_close, consultation.results_published_on = date(2027, 6, 1), None, None
    db.session.commit()
    clock.set(datetime(2027, 7, 1, 22, 59))    # 23:59 on 1 July in London
    assert consultation.status == "open"
    clock.set(datetime(2027, 7, 1, 23, 0))     # midnight in London, still 1 July in UTC
    assert consultation.status == "closed"
